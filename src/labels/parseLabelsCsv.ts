import { InvalidLabelsError } from '../errors.js';
import { parseCsv } from './csv.js';
import { fileStem } from './fileStem.js';
import type { ParsedLabels } from './parseLabelsJson.js';
import { parseTime } from './parseTime.js';
import type { EpisodeLabel } from './types.js';

/**
 * Parses the seeds' labels.csv: `file,start_main,end_main` (seed 002), times as H:MM:SS or
 * seconds. `start_main` is the first second of the episode proper and `end_main` the first
 * second of the end credits (seed 002 labels second t as intro/credits when
 * `t < start_main || t >= end_main`), so:
 *
 * - intro = [0, start_main), or null when start_main is 0;
 * - credits = [end_main, duration), with `duration` from an optional `duration` column, else
 *   `Infinity`: evaluation closes it with the episode's duration.
 *
 * The id is the file name without folders and extension. Extra columns are ignored.
 */
export function parseLabelsCsv(text: string, source = 'labels.csv'): ParsedLabels {
  const rows = parseCsv(text);
  const header = rows[0]?.map((h) => h.trim().toLowerCase());
  if (header === undefined) throw new InvalidLabelsError(`${source} is empty.`);
  const col = (name: string): number => header.indexOf(name);
  const [iFile, iStart, iEnd, iDuration] = [
    col('file'),
    col('start_main'),
    col('end_main'),
    col('duration'),
  ];
  if (iFile < 0 || iStart < 0 || iEnd < 0) {
    throw new InvalidLabelsError(
      `${source}: header must name the columns file,start_main,end_main (found: ${header.join(',')}).`,
    );
  }
  const labels: EpisodeLabel[] = [];
  const warnings: string[] = [];
  rows.slice(1).forEach((row, n) => {
    const line = n + 2;
    const file = row[iFile]?.trim() ?? '';
    if (file === '') throw new InvalidLabelsError(`${source}, line ${line}: empty "file".`);
    const id = fileStem(file);
    const where = `${source}, line ${line} (${id})`;
    const startMain = parseTime(row[iStart]?.trim(), `${where}, "start_main"`);
    const endMain = parseTime(row[iEnd]?.trim(), `${where}, "end_main"`);
    const durationText = iDuration >= 0 ? row[iDuration]?.trim() : undefined;
    const duration =
      durationText !== undefined && durationText !== ''
        ? parseTime(durationText, `${where}, "duration"`)
        : undefined;
    if (endMain < startMain) {
      warnings.push(
        `video ${id}: end_main (${endMain} s) is before start_main (${startMain} s); kept as written.`,
      );
    }
    const creditsEnd = duration ?? Infinity;
    const label: EpisodeLabel = {
      id,
      file,
      intro: startMain > 0 ? { start: 0, end: startMain } : null,
      credits: endMain < creditsEnd ? { start: endMain, end: creditsEnd } : null,
    };
    if (duration !== undefined) label.duration = duration;
    labels.push(label);
  });
  return { labels, warnings };
}
