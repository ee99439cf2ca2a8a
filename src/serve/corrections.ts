import { mkdir, readFile } from 'node:fs/promises';
import { basename, dirname, extname } from 'node:path';
import { InvalidArgumentError } from '../errors.js';
import type { EpisodeLabel, Interval } from '../labels/types.js';
import { writeLabelsJson } from '../labels/writeLabelsJson.js';
import { writeFileAtomic } from '../util/atomicFile.js';

const FORMAT = 'introdetect-corrections';
const VERSION = 1;

/** A reviewer's verdict on one episode: each segment's interval, or null for "none". */
export interface Correction {
  intro: Interval | null;
  /** Absent: the reviewer left the credits as they were (unknown to training). */
  credits?: Interval | null;
  /** ISO time it was saved. */
  savedAt: string;
}

interface CorrectionsFile {
  format: typeof FORMAT;
  version: typeof VERSION;
  corrections: Record<string, Correction>;
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
 */
export class CorrectionStore {
  readonly path: string;
  #writing: Promise<void> = Promise.resolve();

  constructor(path: string) {
    this.path = path;
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
   * `series` = the season's folder, as the series step groups episodes.
   */
  async labels(): Promise<EpisodeLabel[]> {
    return Object.entries(await this.all()).map(([key, c]) => {
      const dir = dirname(key);
      return {
        id: key.slice(0, key.length - extname(key).length),
        name: basename(key, extname(key)),
        file: key,
        series: dir === '.' ? basename(key, extname(key)) : dir,
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
