import { InvalidLabelsError } from '../errors.js';
import { parseTime } from './parseTime.js';
import { repairInterval } from './repairInterval.js';
import { PART_TYPES, type EpisodeLabel, type Interval, type LabelledPart } from './types.js';

export interface ParsedLabels {
  labels: EpisodeLabel[];
  /** One line per repaired or dropped entry, naming the video id. */
  warnings: string[];
}

const SPLITS = new Set(['train', 'val', 'test']);

/**
 * Parses a labels.json: the seeds' format (`{ id: { url?, name, start, end } }`, intro only)
 * and ours (`LabelsJsonEntry`: plus `credits_start`, `credits_end`, `file`, `series`, `split`,
 * `duration`) are one format, told apart field by field:
 *
 * - `start`/`end` null: no intro; strings: the intro, repaired by `repairInterval`.
 * - `credits_start` absent: credits unknown (the seeds' files); null: no credits; a time: the
 *   credits, ending at `credits_end`, or at the end of the file when `credits_end` is null or
 *   absent (`duration` when known, else `Infinity`, which evaluation closes with the
 *   episode's duration).
 * - `parts` (our corpora built with `--parts all`): every labelled part,
 *   `[{ type, start, end }]` with a type of PART_TYPES, in time order, none overlapping; read
 *   into `EpisodeLabel.parts` as they are (absent: `parts` stays undefined).
 */
export function parseLabelsJson(text: string, source = 'labels.json'): ParsedLabels {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new InvalidLabelsError(`${source} is not valid JSON: ${(err as Error).message}.`, {
      cause: err,
    });
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new InvalidLabelsError(
      `${source}: expected an object keyed by video id ({ "<id>": { "name", "start", "end" } }).`,
    );
  }
  const labels: EpisodeLabel[] = [];
  const warnings: string[] = [];
  for (const [id, raw] of Object.entries(data as Record<string, unknown>)) {
    labels.push(parseEntry(id, raw, source, warnings));
  }
  return { labels, warnings };
}

function parseEntry(id: string, raw: unknown, source: string, warnings: string[]): EpisodeLabel {
  const where = `${source}, video ${id}`;
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new InvalidLabelsError(`${where}: expected an object with "start" and "end".`);
  }
  const e = raw as Record<string, unknown>;
  const label: EpisodeLabel = { id, intro: undefined, credits: undefined };
  if (typeof e.name === 'string') label.name = e.name;
  if (typeof e.file === 'string') label.file = e.file;
  if (typeof e.series === 'string') label.series = e.series;
  if (e.split !== undefined) {
    if (typeof e.split !== 'string' || !SPLITS.has(e.split)) {
      throw new InvalidLabelsError(`${where}: "split" must be train, val or test.`);
    }
    label.split = e.split as 'train' | 'val' | 'test';
  }
  if (e.duration !== undefined && e.duration !== null) {
    if (typeof e.duration !== 'number' || !(e.duration > 0)) {
      throw new InvalidLabelsError(`${where}: "duration" must be a positive number of seconds.`);
    }
    label.duration = e.duration;
  }

  label.intro = readPair(`video ${id} intro`, e.start, e.end, where, 'start', 'end', warnings);

  if ('credits_start' in e) {
    if (e.credits_start === null) label.credits = null;
    else {
      const start = parseTime(e.credits_start, `${where}, "credits_start"`);
      const open = e.credits_end === null || e.credits_end === undefined;
      const end = open
        ? (label.duration ?? Infinity)
        : parseTime(e.credits_end, `${where}, "credits_end"`);
      label.credits = open
        ? start < end
          ? { start, end }
          : null
        : fixed(`video ${id} credits`, start, end, warnings);
    }
  }
  if (e.parts !== undefined) label.parts = readParts(e.parts, where);
  return label;
}

const TYPES = new Set<string>(PART_TYPES);

/** The `parts` list: typed, non-empty intervals in time order, none overlapping. */
function readParts(raw: unknown, where: string): LabelledPart[] {
  if (!Array.isArray(raw))
    throw new InvalidLabelsError(`${where}: "parts" must be a list of { "type", "start", "end" }.`);
  const parts: LabelledPart[] = [];
  for (const [i, item] of (raw as unknown[]).entries()) {
    const at = `${where}, parts[${i}]`;
    if (typeof item !== 'object' || item === null || Array.isArray(item))
      throw new InvalidLabelsError(`${at}: expected an object with "type", "start" and "end".`);
    const p = item as Record<string, unknown>;
    if (typeof p.type !== 'string' || !TYPES.has(p.type))
      throw new InvalidLabelsError(
        `${at}: unknown part type ${JSON.stringify(p.type)}. Valid: ${PART_TYPES.join(', ')}.`,
      );
    const start = parseTime(p.start, `${at}, "start"`);
    const end = parseTime(p.end, `${at}, "end"`);
    if (!(start < end))
      throw new InvalidLabelsError(`${at}: "start" must be before "end" (${p.type}).`);
    const previous = parts.at(-1);
    if (previous && start < previous.end)
      throw new InvalidLabelsError(
        `${at}: parts must be in time order without overlaps (${p.type} starts before the ${previous.type} before it ends).`,
      );
    parts.push({ type: p.type as LabelledPart['type'], start, end });
  }
  return parts;
}

function readPair(
  what: string,
  startRaw: unknown,
  endRaw: unknown,
  where: string,
  startKey: string,
  endKey: string,
  warnings: string[],
): Interval | null | undefined {
  if (startRaw === undefined && endRaw === undefined) return undefined;
  if (startRaw === null && endRaw === null) return null;
  if (startRaw === null || endRaw === null || startRaw === undefined || endRaw === undefined) {
    throw new InvalidLabelsError(
      `${where}: "${startKey}" and "${endKey}" must both be times or both be null.`,
    );
  }
  const start = parseTime(startRaw, `${where}, "${startKey}"`);
  const end = parseTime(endRaw, `${where}, "${endKey}"`);
  return fixed(what, start, end, warnings);
}

function fixed(what: string, start: number, end: number, warnings: string[]): Interval | null {
  const r = repairInterval(what, start, end);
  if (r.warning !== undefined) warnings.push(r.warning);
  return r.interval;
}
