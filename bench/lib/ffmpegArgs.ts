/** ffmpeg arguments the benches share. */
import type { Span } from '../../src/fusion/detectEpisode.js';

/** No banner, errors only, no stdin. */
export const QUIET = ['-hide_banner', '-loglevel', 'error', '-nostdin'] as const;

/** Input options that limit the decode to `s` (as detect seeks: -ss only past 0). */
export const seekArgs = (s: Span): string[] => [
  ...(s.from > 0 ? ['-ss', s.from.toFixed(3)] : []),
  '-t',
  (s.to - s.from).toFixed(3),
];
