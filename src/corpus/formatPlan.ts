import type { Rng } from './rng.js';
import type { AudioCodec, Container, FrameRate, OutputFormat, VideoCodec } from './types.js';

/** 16:9 frame sizes, smallest first; the draw keeps those no wider than `maxWidth`. */
const SIZES: ReadonlyArray<readonly [number, number]> = [
  [480, 270],
  [512, 288],
  [640, 360],
  [768, 432],
  [854, 480],
  [1280, 720],
];

const CONTAINERS: Record<VideoCodec, Container[]> = {
  h264: ['mp4', 'mkv', 'ts'],
  hevc: ['mp4', 'mkv', 'ts'],
  vp9: ['mkv', 'mp4'],
};

const AUDIO: Record<Container, AudioCodec[]> = {
  mp4: ['aac'],
  mkv: ['aac', 'opus', 'ac3'],
  ts: ['aac', 'ac3'],
};

/** The integer frame rate parts are rendered at before the final encode converts it. */
export function renderFps(rate: FrameRate): number {
  return rate === '25' ? 25 : rate === '23.976' ? 24 : 30;
}

export function extensionOf(container: Container): string {
  return container;
}

/** A series' delivery format: codec, container, frame rate, size, audio rate, loudness. */
export function drawFormat(rng: Rng, maxWidth: number): OutputFormat {
  const videoCodec = rng.weighted<VideoCodec>([
    ['h264', 5],
    ['hevc', 2],
    ['vp9', 2],
  ]);
  const container = rng.pick(CONTAINERS[videoCodec]);
  const sizes = SIZES.filter(([w]) => w <= maxWidth);
  const [width, height] = rng.pick<readonly [number, number]>(
    sizes.length > 0 ? sizes : SIZES.slice(0, 1),
  );
  const audioCodec = rng.pick(AUDIO[container]);
  const sampleRate = rng.chance(0.5) ? 48000 : 44100;
  return {
    container,
    videoCodec,
    audioCodec,
    frameRate: rng.weighted<FrameRate>([
      ['23.976', 3],
      ['25', 3],
      ['29.97', 2],
      ['vfr', 1],
    ]),
    width,
    height,
    // Opus encodes at 48 kHz only.
    sampleRate: audioCodec === 'opus' ? 48000 : sampleRate,
    gainDb: 0,
    quality:
      videoCodec === 'vp9'
        ? rng.int(600, 1200)
        : videoCodec === 'hevc'
          ? rng.int(26, 30)
          : rng.int(20, 26),
  };
}
