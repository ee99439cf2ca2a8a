import { FlowProducer, Queue, type ConnectionOptions, type FlowJob, type KeepJobs } from 'bullmq';
import { readdir, stat } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { InputNotFoundError } from '../errors.js';
import { statSignature, type FileSignature } from '../watch/fileSignature.js';
import { isMediaName, MEDIA_EXTENSIONS } from '../watch/mediaFiles.js';
import { scanTree } from '../watch/scanTree.js';
import { DONE_VERSIONS, doneAmong } from './doneVersions.js';
import {
  EPISODE_JOB,
  episodeJobId,
  QUEUE_NAME,
  SEASON_JOB,
  seasonJobId,
  type EpisodeJobData,
  type SeasonJobData,
} from './jobs.js';

/** One media folder's episodes, found under a path given to `queue add`. */
export interface SeasonPlan {
  readonly root: string;
  readonly dir: string;
  readonly episodes: ReadonlyArray<{ file: string; key: string } & FileSignature>;
  /** Keys of other media of the folder, not in this plan (two with one stem keep their extension). */
  readonly others?: readonly string[];
}

/**
 * The seasons under `paths`: a folder is scanned recursively (as `watch` scans), and each
 * folder holding media is a season whose keys are relative to the folder given; a file is an
 * episode of its folder (files of one folder given together make one season).
 */
export async function planSeasons(
  paths: readonly string[],
  extensions: readonly string[] = MEDIA_EXTENSIONS,
): Promise<SeasonPlan[]> {
  const seasons = new Map<
    string,
    { root: string; dir: string; episodes: SeasonPlan['episodes'][number][] }
  >();
  const addTo = (root: string, file: string, signature: FileSignature) => {
    const dir = dirname(file);
    const id = `${root}\0${dir}`;
    let season = seasons.get(id);
    if (!season) seasons.set(id, (season = { root, dir, episodes: [] }));
    const key = relative(root, file).split(sep).join('/');
    if (!season.episodes.some((e) => e.key === key))
      season.episodes.push({ file, key, ...signature });
  };
  for (const path of paths) {
    const abs = resolve(path);
    let isDir: boolean;
    try {
      isDir = (await stat(abs)).isDirectory();
    } catch (cause) {
      throw new InputNotFoundError(path, { cause });
    }
    if (isDir) {
      const accept = (name: string) => isMediaName(name, extensions);
      for (const f of await scanTree(abs, { accept })) addTo(abs, f.path, f);
    } else {
      const signature = await statSignature(abs);
      if (!signature) throw new InputNotFoundError(path);
      addTo(dirname(abs), abs, signature);
    }
  }
  for (const season of seasons.values()) {
    season.episodes.sort((a, b) => (basename(a.file) < basename(b.file) ? -1 : 1));
  }
  return [...seasons.values()];
}

export interface EnqueueOptions {
  connection: ConnectionOptions;
  /** Results under this folder (mirroring each root) instead of next to the media. */
  outDir?: string;
  /** Runs per episode before it fails for good (default 3). */
  attempts?: number;
  /** Wait before the first retry, ms; doubles each time (default 30 s). */
  backoffMs?: number;
  /** Finished jobs kept in Redis (default `KEEP_COMPLETED`); the done file versions are kept apart. */
  keepCompleted?: KeepJobs;
  /** Failed jobs (the dead letters) kept in Redis (default `KEEP_FAILED`). */
  keepFailed?: KeepJobs;
}

const DAY_S = 24 * 3600;
/**
 * Completed jobs kept: the last 1,000 (enough for `queue status`'s throughput over the last
 * 500 episodes), none older than 7 days. Removed as later jobs finish, so Redis holds a bounded
 * number of jobs however large the library; what is done stays known by file version
 * (`doneVersions.ts`), so adding the library again still adds nothing.
 */
export const KEEP_COMPLETED = { count: 1000, age: 7 * DAY_S } satisfies KeepJobs;
/** Failed jobs kept, for `queue status` and `queue retry-failed`: the last 10,000, 30 days. */
export const KEEP_FAILED = { count: 10_000, age: 30 * DAY_S } satisfies KeepJobs;

export interface EnqueueSummary {
  /** Seasons that got a flow (with at least one new episode). */
  seasons: number;
  /** Episode jobs added. */
  added: number;
  /** Episodes left alone: this version of the file is done, or has a job in the queue. */
  skipped: number;
}

/**
 * Adds a flow per season: the season job with one child per episode whose file version has no
 * job yet. Adding a library twice adds nothing the second time; a changed file (new signature)
 * gets a new episode job, and its season a new join over the whole folder.
 */
export async function enqueueSeasons(
  seasons: readonly SeasonPlan[],
  options: EnqueueOptions,
): Promise<EnqueueSummary> {
  const enqueuer = new Enqueuer(options);
  try {
    return await enqueuer.add(seasons);
  } finally {
    await enqueuer.close();
  }
}

/** A connection that adds season flows (`queue add`, `watch --enqueue`); `close()` it. */
export class Enqueuer {
  readonly #options: EnqueueOptions;
  readonly #queue: Queue;
  readonly #flows: FlowProducer;

  constructor(options: EnqueueOptions) {
    this.#options = options;
    this.#queue = new Queue(QUEUE_NAME, { connection: options.connection });
    this.#flows = new FlowProducer({ connection: options.connection });
  }

  async close(): Promise<void> {
    await this.#flows.close();
    await this.#queue.close();
  }

  /** See `enqueueSeasons`. */
  async add(seasons: readonly SeasonPlan[]): Promise<EnqueueSummary> {
    const {
      outDir,
      attempts = 3,
      backoffMs = 30_000,
      keepCompleted = KEEP_COMPLETED,
      keepFailed = KEEP_FAILED,
    } = this.#options;
    const queue = this.#queue;
    const flows = this.#flows;
    const client = await queue.getBackend().client;
    const retention = {
      attempts,
      backoff: { type: 'exponential', delay: backoffMs },
      removeOnComplete: keepCompleted,
      removeOnFail: keepFailed,
    };
    const summary: EnqueueSummary = { seasons: 0, added: 0, skipped: 0 };
    for (const season of seasons) {
      const layout = {
        root: season.root,
        ...(outDir !== undefined ? { outDir: resolve(outDir) } : {}),
      };
      const keys = [...season.episodes.map((e) => e.key), ...(season.others ?? [])];
      const children: FlowJob[] = [];
      const jobIds = season.episodes.map((e) => episodeJobId(e.file, e));
      const done = await doneAmong(
        client,
        queue.toKey(DONE_VERSIONS),
        season.episodes.map((e) => e.file),
        jobIds,
      );
      for (const [i, episode] of season.episodes.entries()) {
        const jobId = jobIds[i]!;
        // Done (its job may be removed since), or in the queue in any state.
        if (done[i] || (await queue.getJob(jobId))) {
          summary.skipped++;
          continue;
        }
        const data: EpisodeJobData = {
          ...layout,
          file: episode.file,
          key: episode.key,
          siblings: keys.filter((k) => k !== episode.key),
          size: episode.size,
          mtimeNs: episode.mtimeNs,
          ino: episode.ino,
        };
        children.push({
          name: EPISODE_JOB,
          queueName: QUEUE_NAME,
          data,
          opts: { jobId, ...retention, ignoreDependencyOnFailure: true },
        });
      }
      if (children.length === 0) continue;
      const data: SeasonJobData = { ...layout, dir: season.dir, episodes: keys };
      await flows.add({
        name: SEASON_JOB,
        queueName: QUEUE_NAME,
        data,
        opts: {
          jobId: seasonJobId(
            season.dir,
            children.map((c) => c.opts!.jobId!),
          ),
          ...retention,
        },
        children,
      });
      summary.seasons++;
      summary.added += children.length;
    }
    return summary;
  }
}

/**
 * One file of the folder `root` as a season of its own (`watch --enqueue`: files arrive one at
 * a time, and each season job joins its file with the episodes of its folder stored before).
 */
export async function planFile(
  root: string,
  file: string,
  extensions: readonly string[] = MEDIA_EXTENSIONS,
): Promise<SeasonPlan> {
  const abs = resolve(file);
  const signature = await statSignature(abs);
  if (!signature) throw new InputNotFoundError(file);
  const dir = dirname(abs);
  const names = (await readdir(dir).catch(() => [] as string[])).filter(
    (n) => n !== basename(abs) && isMediaName(n, extensions),
  );
  const keyOf = (path: string) => relative(resolve(root), path).split(sep).join('/');
  return {
    root: resolve(root),
    dir,
    episodes: [{ file: abs, key: keyOf(abs), ...signature }],
    others: names.map((n) => keyOf(join(dir, n))),
  };
}
