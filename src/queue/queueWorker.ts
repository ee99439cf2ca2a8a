import { Worker, type ConnectionOptions, type Job } from 'bullmq';
import type { Passes } from '../fusion/detectEpisode.js';
import { modelFor, type ModelChoice } from '../fusion/modelChoice.js';
import type { LocateFfmpegOptions } from '../streams/locateFfmpeg.js';
import type { OutputSettings } from '../watch/outputSettings.js';
import { DONE_VERSIONS, markDone } from './doneVersions.js';
import {
  EPISODE_JOB,
  QUEUE_NAME,
  SEASON_JOB,
  type EpisodeJobData,
  type EpisodeJobResult,
  type SeasonJobData,
  type SeasonJobResult,
} from './jobs.js';
import { jobFailure, runEpisodeJob, runSeasonJob, type JobContext } from './runJobs.js';

export interface QueueWorkerOptions extends LocateFfmpegOptions, ModelChoice {
  connection: ConnectionOptions;
  /** Jobs run at the same time by this worker (default 1). */
  concurrency?: number;
  /** Results under this folder, mirroring each job's root (over the folder given at `queue add`). */
  outDir?: string;
  /**
   * What to write per episode (result files, sidecars, EDL actions), for every job; default:
   * what the watcher recorded in each library's state file (`watch --format`…), else json
   * results only. Matroska chapters are never set by a worker. Reviewers' corrections
   * (`introdetect serve`) win over every detection either way.
   */
  output?: OutputSettings;
  /** Decoding passes per file (default DEFAULT_PASSES, 1; see Passes). */
  passes?: Passes;
  /**
   * How long a job's lock lasts without renewal, ms (default 30 s): a worker killed mid-job
   * gives its jobs back to the queue about this long after it died.
   */
  lockDurationMs?: number;
  /** How often this worker checks for stalled jobs, ms (default: lockDurationMs). */
  stalledIntervalMs?: number;
  /**
   * Times a job may stall (its worker died mid-job) and go back to the queue; once more and it
   * fails (default 2): a file that kills its workers (out of memory, say) cannot take them
   * all down in turn forever.
   */
  maxStalledCount?: number;
  /** One line per job event (started, completed, failed, stalled). */
  onEvent?: (line: string) => void;
  /** Aborts the model load. */
  signal?: AbortSignal;
}

/**
 * A BullMQ worker of introdetect's queue with one model loaded for all its jobs. Stalled jobs
 * (their worker died: the lock was not renewed) go back to the queue, up to `maxStalledCount`
 * times per job before it fails. A job whose lock this worker failed to renew in time (it
 * stalled: another worker may have the job now) is stopped, and writes nothing more.
 * `close()` lets the jobs in flight finish; `close(true)` leaves them to the stalled check of
 * the other workers.
 */
export class QueueWorker implements AsyncDisposable {
  readonly #worker: Worker;
  readonly #dispose: () => Promise<void>;

  private constructor(worker: Worker, dispose: () => Promise<void>) {
    this.#worker = worker;
    this.#dispose = dispose;
  }

  static async start(options: QueueWorkerOptions): Promise<QueueWorker> {
    const {
      connection,
      concurrency = 1,
      outDir,
      output,
      lockDurationMs = 30_000,
      stalledIntervalMs = lockDurationMs,
      maxStalledCount = 2,
      onEvent,
      signal,
      ...choice
    } = options;
    const { model, owned } = await modelFor(choice, signal);
    const context: JobContext = {
      detect: { ...choice, model },
      outDir,
      output,
      onWarning: choice.onWarning,
      ...(onEvent ? { onEvent } : {}),
    };
    // The jobs in this worker's hands, and those of them whose lock it lost.
    const inHand = new Set<string>();
    const lost = new Set<string>();
    const worker = new Worker(
      QUEUE_NAME,
      async (job: Job, token?: string, jobSignal?: AbortSignal) => {
        const id = job.id ?? '?';
        inHand.add(id);
        onEvent?.(`started ${job.name} ${id} ${describe(job)}`);
        // A lease: before writing, the lock is renewed, or the job is given up (another
        // worker may have it since this one stalled past the lock's duration).
        const run = {
          signal: jobSignal,
          beforeWrite: async () => {
            if (lost.has(id) || !token || (await job.extendLock(token, lockDurationMs)) !== 1) {
              lost.add(id);
              throw new LockLostError(id);
            }
          },
        };
        try {
          if (job.name === EPISODE_JOB) {
            const data = job.data as EpisodeJobData;
            const result = await runEpisodeJob(data, context, run);
            // Its results are written: this version is done, even once the job is removed.
            await markDone(
              await worker.getBackend().client,
              worker.toKey(DONE_VERSIONS),
              data.file,
              job.id!,
            );
            return result;
          }
          if (job.name === SEASON_JOB) {
            const values = await job.getChildrenValues<EpisodeJobResult>();
            return await runSeasonJob(
              job.data as SeasonJobData,
              Object.values(values),
              context,
              run,
            );
          }
          throw new Error(`unknown job kind "${job.name}"`);
        } catch (err) {
          if (lost.has(id)) {
            onEvent?.(
              `abandoned ${job.name} ${id} ${describe(job)}: its lock ran out (this worker stalled longer than the lock duration), so another worker has it; this one writes nothing more`,
            );
            throw err instanceof LockLostError ? err : new LockLostError(id);
          }
          throw jobFailure(err);
        } finally {
          inHand.delete(id);
          lost.delete(id);
        }
      },
      {
        connection,
        concurrency,
        lockDuration: lockDurationMs,
        stalledInterval: stalledIntervalMs,
        maxStalledCount,
        autorun: false,
      },
    );
    worker.on('completed', (job, value) =>
      onEvent?.(
        `completed ${job.name} ${job.id ?? '?'} ${describe(job)}${
          job.name === SEASON_JOB ? `: joined ${(value as SeasonJobResult).joined}` : ''
        }`,
      ),
    );
    worker.on('failed', (job, err) =>
      onEvent?.(
        `failed ${job?.name ?? ''} ${job?.id ?? '?'} ${job ? describe(job) : ''}: ${err.message}`,
      ),
    );
    // A lock not renewed in time: stop the job at once (its ffmpeg killed), write nothing.
    worker.on('lockRenewalFailed', (jobIds) => {
      for (const jobId of jobIds) {
        if (!inHand.has(jobId)) continue;
        lost.add(jobId);
        worker.cancelJob(jobId, 'its lock ran out');
      }
    });
    worker.on('stalled', (jobId) => onEvent?.(`stalled ${jobId}: back to the queue`));
    worker.on('error', (err) => onEvent?.(`error: ${err.message}`));
    const dispose = () => (owned ? model.dispose() : Promise.resolve());
    void worker.run().catch((err: unknown) => onEvent?.(`error: ${String(err)}`));
    await worker.waitUntilReady();
    return new QueueWorker(worker, dispose);
  }

  /** Stops taking jobs; without `force`, waits for the jobs in flight to finish. Frees the model. */
  async close(force = false): Promise<void> {
    try {
      await this.#worker.close(force);
    } finally {
      await this.#dispose();
    }
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}

function describe(job: Job): string {
  const data = job.data as Partial<EpisodeJobData & SeasonJobData>;
  return data.file ?? data.dir ?? '';
}

/** The job's lock ran out while this worker had it: another worker may be running it now. */
class LockLostError extends Error {
  constructor(jobId: string) {
    super(`lost the lock of job ${jobId}`);
    this.name = 'LockLostError';
  }
}
