import type { MediaPool } from '../../src/corpus/types.js';

/**
 * A media pool on paper only: planning needs paths and durations, nothing is rendered. Six
 * footage files, nine music tracks and ten speech files of varied lengths.
 */
export const PAPER_POOL: MediaPool = {
  root: '/nowhere',
  video: Array.from({ length: 6 }, (_, i) => ({ path: `video/v${i}.mp4`, duration: 30 + 20 * i })),
  music: Array.from({ length: 9 }, (_, i) => ({
    path: `music/m${i}.ogg`,
    duration: 200 + 10 * i,
  })),
  speech: Array.from({ length: 10 }, (_, i) => ({ path: `speech/s${i}.wav`, duration: 2 + i })),
};
