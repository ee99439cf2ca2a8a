import type { DetectionResult } from '../detectionResult.js';
import { chaptersOf } from './chapters.js';

/** ffmetadata escapes `=`, `;`, `#`, `\` and newlines with a backslash. */
export function escapeFfmetadata(value: string): string {
  return value.replace(/[=;#\\\n]/g, (c) => `\\${c}`);
}

/**
 * FFmpeg metadata with chapters (TIMEBASE=1/1000, times in milliseconds), to mux into the file:
 * `ffmpeg -i in.mkv -i chapters.txt -map_metadata 1 -map_chapters 1 -codec copy out.mkv`.
 */
export function formatFfmetadata(result: DetectionResult): string {
  const lines = [';FFMETADATA1', `title=${escapeFfmetadata(result.id)}`];
  for (const c of chaptersOf(result)) {
    lines.push(
      '',
      '[CHAPTER]',
      'TIMEBASE=1/1000',
      `START=${Math.round(c.start * 1000)}`,
      `END=${Math.round(c.end * 1000)}`,
      `title=${escapeFfmetadata(c.title)}`,
    );
  }
  return `${lines.join('\n')}\n`;
}
