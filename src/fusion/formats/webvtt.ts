import type { DetectionResult } from '../detectionResult.js';
import { chaptersOf } from './chapters.js';

/** `HH:MM:SS.mmm`, as WebVTT cue timings want it. */
export function vttTimestamp(seconds: number): string {
  const ms = Math.round(seconds * 1000);
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor((ms % 3_600_000) / 60_000);
  const s = Math.floor((ms % 60_000) / 1000);
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${pad(h)}:${pad(m)}:${pad(s)}.${pad(ms % 1000, 3)}`;
}

/** WebVTT chapters track (`<track kind="chapters">`): one cue per chapter. */
export function formatWebVtt(result: DetectionResult): string {
  const cues = chaptersOf(result).map(
    (c, i) => `${i + 1}\n${vttTimestamp(c.start)} --> ${vttTimestamp(c.end)}\n${c.title}\n`,
  );
  return ['WEBVTT\n', ...cues].join('\n');
}
