import { formatTimecode } from './timecode.js';
import type { EpisodeLabel, LabelsJsonEntry } from './types.js';

/**
 * Writes labels in our labels.json format (`LabelsJsonEntry` per video id, 2-space indented).
 * No intro → `start`/`end` null; no credits → `credits_start`/`credits_end` null; credits
 * running to an unknown end of file (end `Infinity`) → `credits_end` null. Unknown
 * (undefined) credits are left out; an unknown intro is written as null (`start`/`end` are
 * required fields). Labels with `parts` keep them (`parts`, H:MM:SS), others have none.
 */
export function writeLabelsJson(labels: readonly EpisodeLabel[]): string {
  const out: Record<string, LabelsJsonEntry> = {};
  for (const l of labels) {
    const entry: LabelsJsonEntry = {
      name: l.name ?? l.id,
      start: l.intro ? formatTimecode(l.intro.start) : null,
      end: l.intro ? formatTimecode(l.intro.end) : null,
    };
    if (l.credits !== undefined) {
      entry.credits_start = l.credits ? formatTimecode(l.credits.start) : null;
      entry.credits_end =
        l.credits && Number.isFinite(l.credits.end) ? formatTimecode(l.credits.end) : null;
    }
    if (l.file !== undefined) entry.file = l.file;
    if (l.series !== undefined) entry.series = l.series;
    if (l.split !== undefined) entry.split = l.split;
    if (l.duration !== undefined) entry.duration = l.duration;
    if (l.parts !== undefined)
      entry.parts = l.parts.map((p) => ({
        type: p.type,
        start: formatTimecode(p.start),
        end: formatTimecode(p.end),
      }));
    out[l.id] = entry;
  }
  return `${JSON.stringify(out, null, 2)}\n`;
}
