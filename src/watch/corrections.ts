import { mkdir, readFile } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
import { InvalidArgumentError } from '../errors.js';
import type { DetectedSegment, DetectionResult } from '../fusion/detectionResult.js';
import { segmentsOfResult } from '../fusion/formats/segments.js';
import type { Interval as ScoredInterval } from '../fusion/pickInterval.js';
import type { EpisodeLabel, Interval } from '../labels/types.js';
import { writeLabelsJson } from '../labels/writeLabelsJson.js';
import { writeFileAtomic } from '../util/atomicFile.js';

const FORMAT = 'introdetect-corrections';
const VERSION = 1;
const CORRECTIONS_NAME = '.introdetect-corrections.json';

/** The training split a corrected episode is exported in (labels.json's `split`). */
export type LabelSplit = 'train' | 'val' | 'test';
export const LABEL_SPLITS: readonly LabelSplit[] = ['train', 'val', 'test'];

/** `train`, `val` or `test`, else an error that lists them. */
export function parseLabelSplit(name: string): LabelSplit {
  if ((LABEL_SPLITS as readonly string[]).includes(name)) return name as LabelSplit;
  throw new InvalidArgumentError(`Unknown split "${name}". Valid: ${LABEL_SPLITS.join(', ')}.`);
}

/** A reviewer's verdict on one episode: each segment's interval, or null for "none". */
export interface Correction {
  intro: Interval | null;
  /** Absent: the reviewer left the credits as they were (unknown to training). */
  credits?: Interval | null;
  /** The split it is exported in; absent in files of older versions (read as `train`). */
  split?: LabelSplit;
  /** ISO time it was saved. */
  savedAt: string;
}

interface CorrectionsFile {
  format: typeof FORMAT;
  version: typeof VERSION;
  corrections: Record<string, Correction>;
}

/** The corrections file of a library: beside the watcher's state file. */
export function correctionsPathOf(statePath: string): string {
  return join(dirname(statePath), CORRECTIONS_NAME);
}

function checkInterval(name: string, i: Interval | null | undefined): void {
  if (i === null || i === undefined) return;
  if (!Number.isFinite(i.start) || !Number.isFinite(i.end) || i.start < 0 || i.end <= i.start) {
    throw new InvalidArgumentError(
      `The ${name} must end after it starts, at seconds >= 0 (got ${i.start}–${i.end}).`,
    );
  }
}

/**
 * Corrections made in the review page, one JSON file beside the watcher's state file
 * (`.introdetect-corrections.json`), keyed like the state (path under the library). Every save
 * rewrites it atomically; saves are serialised. Exported as training labels by `labels()`.
 * The watcher and the season job read it too: a corrected episode keeps its correction in
 * every result and sidecar written after it (`applyCorrection`).
 */
export class CorrectionStore {
  readonly path: string;
  /** The split of a correction saved without one (default `train`). */
  readonly defaultSplit: LabelSplit;
  #writing: Promise<void> = Promise.resolve();

  constructor(path: string, options: { defaultSplit?: LabelSplit } = {}) {
    this.path = path;
    this.defaultSplit = options.defaultSplit ?? 'train';
  }

  async all(): Promise<Record<string, Correction>> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return {};
      throw err;
    }
    const parsed = JSON.parse(text) as Partial<CorrectionsFile>;
    if (parsed.format !== FORMAT || parsed.version !== VERSION || !parsed.corrections) {
      throw new InvalidArgumentError(
        `${this.path} is not an introdetect corrections file (version ${VERSION}).`,
      );
    }
    return parsed.corrections;
  }

  async get(key: string): Promise<Correction | undefined> {
    return (await this.all())[key];
  }

  /** Stores (replaces) the correction of `key`; resolves once it is on disk. */
  save(key: string, correction: Omit<Correction, 'savedAt'>): Promise<Correction> {
    checkInterval('intro', correction.intro);
    checkInterval('credits', correction.credits);
    if (correction.split !== undefined) parseLabelSplit(correction.split);
    const stored: Correction = {
      intro: correction.intro && { start: correction.intro.start, end: correction.intro.end },
      ...(correction.credits !== undefined
        ? {
            credits: correction.credits && {
              start: correction.credits.start,
              end: correction.credits.end,
            },
          }
        : {}),
      split: correction.split ?? this.defaultSplit,
      savedAt: new Date().toISOString(),
    };
    const run = this.#writing
      .catch(() => undefined)
      .then(async () => {
        const corrections = await this.all();
        corrections[key] = stored;
        const sorted = Object.fromEntries(
          Object.keys(corrections)
            .sort()
            .map((k) => [k, corrections[k]!]),
        );
        const file: CorrectionsFile = { format: FORMAT, version: VERSION, corrections: sorted };
        await mkdir(dirname(this.path), { recursive: true });
        await writeFileAtomic(this.path, `${JSON.stringify(file, null, 2)}\n`);
      });
    this.#writing = run;
    return run.then(() => stored);
  }

  /**
   * The corrections as training labels: id = the key without extension, `file` = the key
   * (relative to the library, so `train --labels labels.json --media LIBRARY_DIR` finds it),
   * `series` = the season's folder, as the series step groups episodes, `split` = the
   * correction's (`train` unless the reviewer or the server said otherwise).
   */
  async labels(): Promise<EpisodeLabel[]> {
    return Object.entries(await this.all()).map(([key, c]) => {
      const dir = dirname(key);
      return {
        id: key.slice(0, key.length - extname(key).length),
        name: basename(key, extname(key)),
        file: key,
        series: dir === '.' ? basename(key, extname(key)) : dir,
        split: c.split ?? 'train',
        intro: c.intro,
        credits: c.credits,
      };
    });
  }

  /** labels.json in the format `introdetect train --labels` reads. */
  async labelsJson(): Promise<string> {
    return writeLabelsJson(await this.labels());
  }
}

/**
 * What a corrected result carries beside its (corrected) `intro` and `credits`: which of them
 * a reviewer set, when, and what the model had found (`detected`), so a later correction or
 * the API can still show the detection.
 */
export interface CorrectionMark {
  savedAt: string;
  intro: boolean;
  credits: boolean;
  detected: {
    intro: ScoredInterval | null;
    credits: ScoredInterval | null;
    /** The result's `segments` as detected (absent in marks written before segments). */
    segments?: DetectedSegment[];
  };
}

/** A detection result, possibly with a correction applied (`corrected`). */
export type ReviewedResult = DetectionResult & { corrected?: CorrectionMark };

/** The model's own result: a corrected one with its detected intervals put back. */
export function uncorrected(result: ReviewedResult): DetectionResult {
  const { corrected, ...rest } = result;
  if (!corrected) return rest;
  const { segments, ...intervals } = corrected.detected;
  const back: DetectionResult = { ...rest, ...intervals };
  // Without recorded segments (a mark written before them), writers rebuild them from the
  // intervals put back.
  if (segments) back.segments = segments;
  else delete back.segments;
  return back;
}

/**
 * `result` with `correction` applied: the reviewer's intervals replace the detected ones
 * (confidence 1: a person set them; credits left out of the correction stay as detected),
 * and `corrected` records what was replaced. Applying to a corrected result starts from the
 * detection it recorded, so corrections never stack.
 */
export function applyCorrection(
  result: ReviewedResult,
  correction: Correction | undefined,
): ReviewedResult {
  const detected = uncorrected(result);
  if (!correction) return detected;
  const scored = (i: Interval | null): ScoredInterval | null =>
    i && { start: i.start, end: i.end, confidence: 1 };
  const credits = correction.credits !== undefined;
  const intro = scored(correction.intro);
  const creditsNow = credits ? scored(correction.credits ?? null) : detected.credits;
  // The reviewer's intervals replace the detected intro (and credits) among the segments too;
  // the other parts (a recap, a preview) stay as detected.
  const replaced = new Set<string>(credits ? ['intro', 'credits'] : ['intro']);
  const segments: DetectedSegment[] = [
    ...segmentsOfResult(detected).filter((seg) => !replaced.has(seg.type)),
    ...(intro ? [{ type: 'intro' as const, ...intro }] : []),
    ...(credits && creditsNow ? [{ type: 'credits' as const, ...creditsNow }] : []),
  ].sort((a, b) => a.start - b.start);
  return {
    ...detected,
    intro,
    credits: creditsNow,
    segments,
    corrected: {
      savedAt: correction.savedAt,
      intro: true,
      credits,
      detected: {
        intro: detected.intro,
        credits: detected.credits,
        ...(detected.segments ? { segments: detected.segments } : {}),
      },
    },
  };
}
