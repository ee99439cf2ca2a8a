/**
 * The live playlist republished with the intro and credits found so far: keeps the ranges,
 * re-renders the origin's latest media playlist with them (`republishPlaylist`) on every
 * playlist refresh and every change, and, given a folder, writes it there atomically for any
 * web server to serve. An HTTP server elsewhere may serve `current()` instead.
 */
import { join } from 'node:path';
import { mkdir } from 'node:fs/promises';
import { InvalidArgumentError } from '../../errors.js';
import { writeFileAtomic } from '../../util/atomicFile.js';
import { republishPlaylist, type SkipRange } from './daterangePlaylist.js';
import type { PlaylistTimeline } from './playlistTimeline.js';

export interface HlsRepublisherOptions {
  /** A folder to write `<name>.m3u8` into on every change; without one, only `current()`. */
  outDir?: string;
  /** Seconds a closed range is kept after it ended, counted back from the newest range date (default 900). */
  keepSeconds?: number;
  /** Told of failed writes (once per run of failures) and of unmatched open/close calls. */
  onWarning?: (message: string) => void;
}

/** What the republisher uses of a PlaylistTimeline: the latest playlist and its refreshes. */
export type RepublishedTimeline = Pick<PlaylistTimeline, 'latest' | 'onPlaylist'>;

/** File names the republisher writes: letters, digits, `.`, `_`, `-`, not starting with a dot. */
const NAME = /^[A-Za-z0-9_-][A-Za-z0-9._-]*$/;

export class HlsRepublisher {
  /** The channel name: the file is `<outDir>/<name>.m3u8`. */
  readonly name: string;
  /** The file written, when an output folder was given. */
  readonly path: string | undefined;
  readonly #timeline: RepublishedTimeline;
  readonly #outDir: string | undefined;
  readonly #keepMs: number;
  readonly #onWarning: (message: string) => void;
  readonly #unsubscribe: () => void;
  #ranges: SkipRange[] = [];
  #text: string | undefined;
  #stopped = false;
  /** A render not yet on disk. */
  #dirty = false;
  #writing: Promise<void> | undefined;
  #writeFailing = false;

  constructor(timeline: RepublishedTimeline, name: string, options: HlsRepublisherOptions = {}) {
    if (!NAME.test(name))
      throw new InvalidArgumentError(
        `A channel name must be letters, digits, '.', '_' or '-' (not starting with '.'), not ${JSON.stringify(name)}.`,
      );
    this.name = name;
    this.#timeline = timeline;
    this.#outDir = options.outDir;
    this.path = options.outDir === undefined ? undefined : join(options.outDir, `${name}.m3u8`);
    this.#keepMs = (options.keepSeconds ?? 900) * 1000;
    const warn = options.onWarning;
    this.#onWarning = (message) => {
      try {
        warn?.(message);
      } catch {
        // a listener's failure must not stop republishing
      }
    };
    this.#unsubscribe = timeline.onPlaylist(() => this.#render());
    this.#render();
  }

  /**
   * Opens a range of `target` at `startDate` (ISO 8601, as `SegmentPlace.programDateTime`).
   * Its ID is `<target>-<start epoch ms>`. A target already open stays as it is (warning).
   */
  open(target: SkipRange['target'], startDate: string, confidence: number): SkipRange {
    const start = isoDate(startDate, 'startDate');
    const already = this.#ranges.find((r) => r.target === target && r.endDate === undefined);
    if (already) {
      this.#onWarning(
        `${target} is already open since ${already.startDate}; ignoring a second start at ${start}.`,
      );
      return already;
    }
    const range: SkipRange = Object.freeze({
      id: `${target}-${Date.parse(start)}`,
      target,
      startDate: start,
      confidence,
    });
    this.#ranges = [...this.#ranges.filter((r) => r.id !== range.id), range];
    this.#prune();
    this.#render();
    return range;
  }

  /**
   * Closes the open range of `target` at `endDate` (the closing confidence becomes
   * `X-END-CONFIDENCE`; `X-CONFIDENCE` keeps the opening one, as RFC 8216bis requires of a
   * DATERANGE ID). Undefined, with a warning, when none is open.
   */
  close(target: SkipRange['target'], endDate: string, confidence: number): SkipRange | undefined {
    let end = isoDate(endDate, 'endDate');
    const open = this.#ranges.find((r) => r.target === target && r.endDate === undefined);
    if (!open) {
      this.#onWarning(`No ${target} is open; ignoring an end at ${end}.`);
      return undefined;
    }
    if (Date.parse(end) < Date.parse(open.startDate)) {
      this.#onWarning(
        `The ${target} end ${end} is before its start ${open.startDate}; ending it at its start.`,
      );
      end = open.startDate;
    }
    const closed: SkipRange = Object.freeze({ ...open, endDate: end, endConfidence: confidence });
    this.#ranges = this.#ranges.map((r) => (r === open ? closed : r));
    this.#prune();
    this.#render();
    return closed;
  }

  /** The ranges kept, oldest first. */
  ranges(): readonly SkipRange[] {
    return [...this.#ranges];
  }

  /** The republished playlist, or undefined before the first media playlist was read. */
  current(): string | undefined {
    return this.#text;
  }

  /** Resolves once the latest render is on disk (at once without an output folder). */
  async flush(): Promise<void> {
    while (this.#writing) await this.#writing;
  }

  /** Stops following the timeline (which its owner stops); the file stays as last written. */
  stop(): void {
    this.#stopped = true;
    this.#unsubscribe();
  }

  [Symbol.dispose](): void {
    this.stop();
  }

  /** Drops closed ranges that ended keepSeconds before the newest date any range holds. */
  #prune(): void {
    const newest = Math.max(
      ...this.#ranges.flatMap((r) => [r.startDate, r.endDate ?? r.startDate].map(Date.parse)),
    );
    this.#ranges = this.#ranges.filter(
      (r) => r.endDate === undefined || Date.parse(r.endDate) >= newest - this.#keepMs,
    );
  }

  #render(): void {
    if (this.#stopped) return;
    const latest = this.#timeline.latest;
    if (!latest) return;
    try {
      this.#text = republishPlaylist(latest, this.#ranges);
    } catch (err) {
      this.#onWarning(
        `Cannot republish ${latest.url}: ${err instanceof Error ? err.message : String(err)}`,
      );
      return;
    }
    if (this.path === undefined) return;
    this.#dirty = true;
    this.#writing ??= this.#writeLoop(this.path);
  }

  /** Writes until the file holds the latest render; one write at a time. */
  async #writeLoop(path: string): Promise<void> {
    while (this.#dirty) {
      this.#dirty = false;
      const text = this.#text!;
      try {
        await mkdir(this.#outDir!, { recursive: true });
        await writeFileAtomic(path, text);
        this.#writeFailing = false;
      } catch (err) {
        if (!this.#writeFailing)
          this.#onWarning(
            `Cannot write ${path}: ${err instanceof Error ? err.message : String(err)}`,
          );
        this.#writeFailing = true;
      }
    }
    this.#writing = undefined; // no await since the last check: a new render starts a new loop
  }
}

/** `value` as ISO 8601 with ms (UTC), or InvalidArgumentError. */
function isoDate(value: string, what: string): string {
  const t = Date.parse(value);
  if (Number.isNaN(t)) throw new InvalidArgumentError(`${what} is not a date: ${value}`);
  return new Date(t).toISOString();
}
