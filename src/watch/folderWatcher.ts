import { createHash, randomBytes } from 'node:crypto';
import { mkdir, rm, rmdir } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { AbortedError, InvalidArgumentError } from '../errors.js';
import { pathExists } from '../util/atomicFile.js';
import {
  classifyFailure,
  DEFAULT_RETRY,
  describeError,
  retryDelayMs,
  type RetryPolicy,
} from './failurePolicy.js';
import { sameSignature, statSignature, type FileSignature } from './fileSignature.js';
import { isMediaName, MEDIA_EXTENSIONS } from './mediaFiles.js';
import type { OutputSettings } from './outputSettings.js';
import type { ProcessFile } from './processFile.js';
import { commitStaged, discardStaged, stageResults, uniqueResultBase } from './resultFiles.js';
import { scanTree, type ScannedFile } from './scanTree.js';
import { StabilityTracker } from './stabilityTracker.js';
import { acquireStateLock, type StateLock } from './stateLock.js';
import { StateStore, type FileRecord } from './stateStore.js';
import type { WatchEvent } from './watchEvents.js';

const DEFAULT_STATE_NAME = '.introdetect-watch.json';

/** The state file a watcher with these options uses (absolute). */
export function statePathOf(options: {
  root: string;
  outDir?: string;
  statePath?: string;
}): string {
  return resolve(
    options.statePath ?? join(options.outDir ?? resolve(options.root), DEFAULT_STATE_NAME),
  );
}

export interface WatchOptions {
  /** The folder to watch (recursively). */
  root: string;
  /** Results go here, mirroring the folders under root; default: next to each input. */
  outDir?: string;
  /** State file; default `<outDir or root>/.introdetect-watch.json`. */
  statePath?: string;
  process: ProcessFile;
  /** Files processed at the same time (default 1). */
  concurrency?: number;
  /** How long size, mtime and inode must stay unchanged before a file is touched (default 5 s). */
  settleMs?: number;
  /** Time between rescans of the tree (default 1 s). */
  pollMs?: number;
  extensions?: readonly string[];
  retry?: Partial<RetryPolicy>;
  onEvent?: (event: WatchEvent) => void;
  /** Clock (epoch ms), for tests. */
  now?: () => number;
  /**
   * What the processor writes per file (result formats, sidecars…): recorded in the state
   * file, where the server's season jobs and corrections read them. Absent: left as recorded.
   */
  output?: OutputSettings;
}

export interface RunOptions {
  /** Process what is there (once it has settled), then resolve. */
  once?: boolean;
  /** Stop: no new files; files in flight are aborted and go back to pending. */
  signal?: AbortSignal;
}

export interface WatchSummary {
  done: number;
  failed: number;
  interrupted: number;
}

interface Job {
  controller: AbortController;
  finished: Promise<void>;
}

const toError = (err: unknown): Error =>
  err instanceof Error ? err : new Error(describeError(err).message);

const positive = (name: string, value: number, min: number) => {
  if (!Number.isFinite(value) || value < min) {
    throw new InvalidArgumentError(`${name} must be a number >= ${min} (got ${value}).`);
  }
  return value;
};

/**
 * Watches a folder for video files and runs a processor once per settled file version, with
 * a crash-safe state file: every file ends up with exactly one committed set of results.
 *
 * Discovery is a polling rescan (stat of every media file each `pollMs`) rather than
 * fs.watch: it works the same on local disks, NFS/SMB shares and bind mounts, needs no
 * inotify limits, and the settle check needs repeated stats anyway.
 */
export class FolderWatcher {
  readonly root: string;
  readonly statePath: string;
  readonly #opts: Required<Pick<WatchOptions, 'concurrency' | 'settleMs' | 'pollMs'>> & {
    outDir: string | undefined;
    extensions: readonly string[];
    retry: RetryPolicy;
    process: ProcessFile;
    onEvent: (event: WatchEvent) => void;
    now: () => number;
  };
  readonly #store: StateStore;
  readonly #lock: StateLock;
  readonly #workDir: string;
  readonly #tracker: StabilityTracker;
  readonly #jobs = new Map<string, Job>();
  #stopping = false;
  #fatal: Error | undefined;
  #wake: (() => void) | undefined;
  #summary: WatchSummary = { done: 0, failed: 0, interrupted: 0 };
  #disposed = false;

  private constructor(
    options: WatchOptions,
    root: string,
    statePath: string,
    store: StateStore,
    lock: StateLock,
  ) {
    this.root = root;
    this.statePath = statePath;
    const outDir = options.outDir === undefined ? undefined : resolve(options.outDir);
    this.#opts = {
      outDir,
      concurrency: positive('concurrency', options.concurrency ?? 1, 1),
      settleMs: positive('settle time', options.settleMs ?? 5000, 0),
      pollMs: positive('poll interval', options.pollMs ?? 1000, 10),
      extensions: options.extensions ?? MEDIA_EXTENSIONS,
      retry: { ...DEFAULT_RETRY, ...options.retry },
      process: options.process,
      onEvent: options.onEvent ?? (() => undefined),
      now: options.now ?? Date.now,
    };
    positive('retry attempts', this.#opts.retry.maxAttempts, 1);
    this.#store = store;
    this.#lock = lock;
    const id = createHash('sha1').update(statePath).digest('hex').slice(0, 10);
    this.#workDir = join(outDir ?? root, '.introdetect-work', id);
    this.#tracker = new StabilityTracker(this.#opts.settleMs);
  }

  /** Locks and loads the state file and recovers what a crash interrupted. */
  static async open(options: WatchOptions): Promise<FolderWatcher> {
    const root = resolve(options.root);
    const statePath = statePathOf(options);
    await mkdir(join(statePath, '..'), { recursive: true });
    const lock = await acquireStateLock(statePath);
    let store: StateStore | undefined;
    try {
      store = await StateStore.open(statePath, root);
      if (options.output !== undefined) {
        store.output = options.output;
        await store.save();
      }
      const watcher = new FolderWatcher(options, root, statePath, store, lock);
      await watcher.#recover();
      return watcher;
    } catch (err) {
      await store?.dispose();
      await lock.release();
      throw err;
    }
  }

  /** Runs until `signal` aborts (or, with `once`, until nothing is left to do). */
  async run(options: RunOptions = {}): Promise<WatchSummary> {
    if (this.#disposed) throw new Error('FolderWatcher is disposed');
    const { signal, once = false } = options;
    this.#summary = { done: 0, failed: 0, interrupted: 0 };
    this.#stopping = false;
    const onAbort = () => this.#stop('signal');
    signal?.addEventListener('abort', onAbort, { once: true });
    if (signal?.aborted) this.#stop('signal');
    this.#emit({
      type: 'started',
      root: this.root,
      state: this.statePath,
      files: this.#store.size,
    });
    try {
      while (!this.#stopping) {
        const idle = await this.#tick();
        if (once && idle) break;
        if (this.#stopping) break;
        await this.#sleep(this.#opts.pollMs);
      }
      await this.#drain();
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }
    if (this.#fatal !== undefined) {
      const err = this.#fatal;
      this.#fatal = undefined;
      throw err;
    }
    if (once) this.#emit({ type: 'idle', done: this.#summary.done, failed: this.#summary.failed });
    return { ...this.#summary };
  }

  /** A snapshot of what the state file records for `key` (path under the root). */
  record(key: string): FileRecord | undefined {
    return this.#store.get(key);
  }

  /** Aborts files in flight (back to pending), waits for them, releases the state file. */
  async dispose(): Promise<void> {
    if (this.#disposed) return;
    this.#stop('disposed');
    await this.#drain();
    this.#disposed = true;
    await this.#store.dispose();
    await this.#lock.release();
    await rm(this.#workDir, { recursive: true, force: true });
    await rmdir(dirname(this.#workDir)).catch(() => undefined); // only when no other watcher's
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.dispose();
  }

  #emit(event: WatchEvent): void {
    try {
      this.#opts.onEvent(event);
    } catch {
      // a logging failure must not break the state machine
    }
  }

  #stop(reason: string): void {
    if (this.#stopping) return;
    this.#stopping = true;
    if (this.#jobs.size > 0 || reason !== 'disposed') this.#emit({ type: 'stopping', reason });
    for (const job of this.#jobs.values()) job.controller.abort(new AbortedError());
    this.#wake?.();
  }

  async #drain(): Promise<void> {
    while (this.#jobs.size > 0) await Promise.all([...this.#jobs.values()].map((j) => j.finished));
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((done) => {
      const timer = setTimeout(() => finish(), ms);
      const finish = () => {
        clearTimeout(timer);
        this.#wake = undefined;
        done();
      };
      this.#wake = finish;
    });
  }

  /** Interrupted runs are redone; committed-but-unrecorded results are finished, not redone. */
  async #recover(): Promise<void> {
    await rm(this.#workDir, { recursive: true, force: true });
    let changed = false;
    for (const [key, rec] of [...this.#store.entries()]) {
      if (rec.status === 'processing') {
        // A file that keeps taking the process down (out of memory…) must not loop forever.
        const exhausted = rec.attempts >= this.#opts.retry.maxAttempts;
        this.#store.set(key, {
          ...rec,
          ...(exhausted
            ? {
                status: 'failed' as const,
                permanent: true,
                lastError: `interrupted ${rec.attempts} times (the watcher was killed while processing it)`,
                errorCode: null,
              }
            : { status: 'pending' as const }),
          updatedAt: this.#iso(),
        });
        this.#emit({ type: 'recovered', key, was: 'processing' });
        changed = true;
      } else if (rec.status === 'committing') {
        await commitStaged(rec.staged);
        const complete = (await Promise.all(rec.staged.map((s) => pathExists(s.to)))).every(
          Boolean,
        );
        this.#store.set(key, {
          ...rec,
          status: complete ? 'done' : 'pending',
          results: complete ? rec.staged.map((s) => s.to) : [],
          staged: [],
          updatedAt: this.#iso(),
        });
        this.#emit({ type: 'recovered', key, was: 'committing' });
        changed = true;
      }
    }
    if (changed) await this.#store.save();
  }

  #iso(): string {
    return new Date(this.#opts.now()).toISOString();
  }

  /** One rescan and dispatch; true when nothing is settling, queued, due or running. */
  async #tick(): Promise<boolean> {
    const files = await scanTree(this.root, {
      accept: (name) => isMediaName(name, this.#opts.extensions),
      skipDirs: this.#opts.outDir ? [this.#opts.outDir] : [],
    });
    if (this.#stopping) return false;
    const now = this.#opts.now();
    const present = new Set(files.map((f) => f.key));
    this.#tracker.retain(present);
    let pruned = false;
    for (const [key, rec] of [...this.#store.entries()]) {
      if (!present.has(key) && !this.#jobs.has(key) && rec.status !== 'committing') {
        this.#store.delete(key);
        pruned = true;
      }
    }
    if (pruned) await this.#store.save();

    let waiting = false;
    for (const file of files) {
      if (this.#jobs.has(file.key)) continue;
      const rec = this.#store.get(file.key);
      const known = rec !== undefined && sameSignature(rec, file);
      if (known) {
        if (rec.status === 'done') continue;
        if (rec.status === 'failed') {
          if (rec.permanent) continue;
          // not due yet; with --once it is left for the next run
          if (rec.nextAttemptAt !== null && rec.nextAttemptAt > now) continue;
        }
      }
      // A version already recorded settled once (it was picked); it need not settle again.
      const settled = this.#tracker.observe(file.key, file, now) || known;
      if (!settled) {
        waiting = true;
        continue;
      }
      if (this.#jobs.size >= this.#opts.concurrency) {
        waiting = true;
        continue;
      }
      this.#start(file);
    }
    return !waiting && this.#jobs.size === 0;
  }

  #start(file: ScannedFile): void {
    const controller = new AbortController();
    const job: Job = { controller, finished: Promise.resolve() };
    this.#jobs.set(file.key, job);
    job.finished = this.#process(file, controller.signal)
      .catch((err: unknown) => {
        // state bookkeeping failed (disk full…): stop rather than lose track of files
        this.#fatal ??= toError(err);
        this.#stop('state error');
      })
      .finally(() => {
        this.#jobs.delete(file.key);
        this.#wake?.();
      });
  }

  async #process(file: ScannedFile, signal: AbortSignal): Promise<void> {
    const { key, path } = file;
    const current = await statSignature(path);
    if (!current || !sameSignature(current, file)) {
      this.#tracker.forget(key); // changed since the scan: settle again
      return;
    }
    const prev = this.#store.get(key);
    const sameVersion = prev !== undefined && sameSignature(prev, file);
    const before = sameVersion ? prev.attempts : 0;
    const signature: FileSignature = { size: file.size, mtimeNs: file.mtimeNs, ino: file.ino };
    const base: FileRecord = {
      ...signature,
      status: 'processing',
      attempts: before + 1,
      lastError: sameVersion ? prev.lastError : null,
      errorCode: sameVersion ? prev.errorCode : null,
      permanent: false,
      nextAttemptAt: null,
      results: [],
      staged: [],
      updatedAt: this.#iso(),
      elapsedMs: null,
    };
    this.#store.set(key, base);
    await this.#store.save();
    this.#emit({ type: 'picked', key, attempt: base.attempts });

    const started = performance.now();
    const scratch = join(this.#workDir, randomBytes(6).toString('hex'));
    try {
      await mkdir(scratch, { recursive: true });
      // Its own in-place edit (Matroska chapters) must not make the file look new.
      let edited: FileSignature | undefined;
      const output = await this.#opts.process(path, signal, scratch, {
        inputEdited: (before, after) => {
          if (sameSignature(before, signature)) edited = after;
        },
      });
      if (signal.aborted) throw new AbortedError({ cause: signal.reason });
      const staged = await stageResults(
        output,
        uniqueResultBase(
          { root: this.root, outDir: this.#opts.outDir },
          key,
          [...this.#store.entries()].map(([k]) => k),
        ),
      );
      if (signal.aborted) {
        await discardStaged(staged);
        throw new AbortedError({ cause: signal.reason });
      }
      // From here on the results are complete: a crash finishes the renames, never redoes.
      const version = edited
        ? { size: edited.size, mtimeNs: edited.mtimeNs, ino: edited.ino }
        : signature;
      this.#store.set(key, {
        ...base,
        ...version,
        status: 'committing',
        staged,
        updatedAt: this.#iso(),
      });
      await this.#store.save();
      await commitStaged(staged);
      const elapsedMs = Math.round(performance.now() - started);
      const results = staged.map((s) => s.to);
      this.#store.set(key, {
        ...base,
        ...version,
        status: 'done',
        lastError: null,
        errorCode: null,
        results,
        updatedAt: this.#iso(),
        elapsedMs,
      });
      await this.#store.save();
      this.#summary.done++;
      this.#emit({ type: 'done', key, elapsedMs, results });
    } catch (err) {
      await this.#failed(key, path, base, before, err, signal);
    } finally {
      await rm(scratch, { recursive: true, force: true });
    }
  }

  async #failed(
    key: string,
    path: string,
    base: FileRecord,
    before: number,
    err: unknown,
    signal: AbortSignal,
  ): Promise<void> {
    if (signal.aborted) {
      this.#store.set(key, {
        ...base,
        status: 'pending',
        attempts: before,
        updatedAt: this.#iso(),
      });
      await this.#store.save();
      this.#summary.interrupted++;
      this.#emit({ type: 'interrupted', key });
      return;
    }
    if (!(await pathExists(path))) {
      this.#store.delete(key);
      await this.#store.save();
      this.#emit({ type: 'vanished', key });
      return;
    }
    const kind = classifyFailure(err);
    const { message, code } = describeError(err);
    if (kind === 'fatal') {
      this.#store.set(key, {
        ...base,
        status: 'pending',
        attempts: before,
        updatedAt: this.#iso(),
      });
      await this.#store.save();
      this.#fatal ??= toError(err);
      this.#stop(`${message}${code ? ` [${code}]` : ''}`);
      return;
    }
    const permanent = kind === 'permanent' || base.attempts >= this.#opts.retry.maxAttempts;
    const retryInMs = permanent ? undefined : retryDelayMs(base.attempts, this.#opts.retry);
    this.#store.set(key, {
      ...base,
      status: 'failed',
      lastError: message,
      errorCode: code,
      permanent,
      nextAttemptAt: retryInMs === undefined ? null : this.#opts.now() + retryInMs,
      updatedAt: this.#iso(),
    });
    await this.#store.save();
    this.#summary.failed++;
    this.#emit({ type: 'failed', key, reason: message, code, attempt: base.attempts, retryInMs });
  }
}
