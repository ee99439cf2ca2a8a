import { readFile } from 'node:fs/promises';
import { InvalidArgumentError } from '../errors.js';
import { writeFileAtomic } from '../util/atomicFile.js';
import type { FileSignature } from './fileSignature.js';
import type { OutputSettings } from './outputSettings.js';

const STATE_FORMAT = 'introdetect-watch-state';
const STATE_VERSION = 1;

/**
 * `pending` waits to be processed; `processing` is in flight (found at startup: interrupted,
 * redone); `committing` has complete results staged under temporary names (found at
 * startup: the renames are finished, the file is not processed again); `done`; `failed`
 * (retried at `nextAttemptAt` unless `permanent`).
 */
export type FileStatus = 'pending' | 'processing' | 'committing' | 'done' | 'failed';

/** A staged result: complete content at `from`, renamed to `to` on commit. */
export interface StagedResult {
  readonly from: string;
  readonly to: string;
}

/** What the state file records for one input (its key is the path relative to the root). */
export interface FileRecord extends FileSignature {
  readonly status: FileStatus;
  /** Processing runs started for this version of the file (interruptions by stop excluded). */
  readonly attempts: number;
  readonly lastError: string | null;
  /** The `IntrodetectError` code of the last failure, when it had one. */
  readonly errorCode: string | null;
  /** Failed for good: not media, or out of attempts. Redone only if the file changes. */
  readonly permanent: boolean;
  /** Epoch ms after which a failed file is retried. */
  readonly nextAttemptAt: number | null;
  /** Result paths (absolute) once done. */
  readonly results: readonly string[];
  /** Staged results while committing. */
  readonly staged: readonly StagedResult[];
  /** ISO time of the last change of this record. */
  readonly updatedAt: string;
  /** Processing time of the successful run, ms. */
  readonly elapsedMs: number | null;
}

interface StateFile {
  format: typeof STATE_FORMAT;
  version: typeof STATE_VERSION;
  root: string;
  /** What the watcher writes per file (absent in files of older versions). */
  output?: OutputSettings;
  files: Record<string, FileRecord>;
}

/**
 * The watcher's crash-safe memory: one JSON file, rewritten whole on every change through a
 * temporary file, fsync and rename, so after a crash it holds either the old or the new
 * state, never a mix. Saves are serialised and coalesced.
 */
export class StateStore {
  readonly path: string;
  readonly root: string;
  readonly #files: Map<string, FileRecord>;
  /** What the watcher writes per file, when one recorded it (see `OutputSettings`). */
  output: OutputSettings | undefined;
  #writing: Promise<void> = Promise.resolve();
  #queued: Promise<void> | undefined;
  #disposed = false;

  private constructor(
    path: string,
    root: string,
    files: Map<string, FileRecord>,
    output?: OutputSettings,
  ) {
    this.path = path;
    this.root = root;
    this.#files = files;
    this.output = output;
  }

  /** Loads `path` (an empty state when it does not exist yet). A damaged file is an error. */
  static async open(path: string, root: string): Promise<StateStore> {
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
        return new StateStore(path, root, new Map());
      }
      throw err;
    }
    let parsed: Partial<StateFile>;
    try {
      parsed = JSON.parse(text) as Partial<StateFile>;
    } catch (cause) {
      throw new InvalidArgumentError(
        `The watch state file ${path} is not valid JSON. It is only written atomically, so something else changed it; move it away to start over (every file is then processed again).`,
        { cause },
      );
    }
    if (parsed.format !== STATE_FORMAT || typeof parsed.files !== 'object' || !parsed.files) {
      throw new InvalidArgumentError(
        `${path} is not an introdetect watch state file; pick another --state path.`,
      );
    }
    if (parsed.version !== STATE_VERSION) {
      throw new InvalidArgumentError(
        `${path} has state version ${String(parsed.version)}; this introdetect reads version ${STATE_VERSION}.`,
      );
    }
    return new StateStore(path, root, new Map(Object.entries(parsed.files)), parsed.output);
  }

  get(key: string): FileRecord | undefined {
    return this.#files.get(key);
  }

  set(key: string, record: FileRecord): void {
    this.#files.set(key, record);
  }

  delete(key: string): boolean {
    return this.#files.delete(key);
  }

  entries(): IterableIterator<[string, FileRecord]> {
    return this.#files.entries();
  }

  get size(): number {
    return this.#files.size;
  }

  /**
   * Writes the current state durably. Resolves once a write that started after this call
   * has completed; calls made while a write is queued share that write.
   */
  save(): Promise<void> {
    if (this.#disposed) return Promise.reject(new Error('StateStore is disposed'));
    this.#queued ??= this.#writing
      .catch(() => undefined)
      .then(() => {
        this.#queued = undefined;
        return writeFileAtomic(this.path, this.#serialise());
      });
    this.#writing = this.#queued;
    return this.#queued;
  }

  /** Waits for pending writes; later saves are refused. */
  async dispose(): Promise<void> {
    this.#disposed = true;
    await this.#writing.catch(() => undefined);
  }

  #serialise(): string {
    const files: Record<string, FileRecord> = {};
    for (const key of [...this.#files.keys()].sort()) files[key] = this.#files.get(key)!;
    const state: StateFile = {
      format: STATE_FORMAT,
      version: STATE_VERSION,
      root: this.root,
      ...(this.output !== undefined ? { output: this.output } : {}),
      files,
    };
    return `${JSON.stringify(state, null, 2)}\n`;
  }
}
