import { Worker, type ConnectionOptions, type Job } from 'bullmq';
import type { EdlActions } from '../fusion/formats/edl.js';
import type { OutputFormat } from '../fusion/formats/index.js';
import type { SidecarKind } from '../fusion/formats/sidecar.js';
import { modelFor, type ModelChoice } from '../fusion/modelChoice.js';
import type { LocateFfmpegOptions } from '../streams/locateFfmpeg.js';
import {
  EPISODE_JOB,
  QUEUE_NAME,
  SEASON_JOB,
  type EpisodeJobData,
  type EpisodeJobResult,
  type SeasonJobData,
} from './jobs.js';
import { jobFailure, runEpisodeJob, runSeasonJob, type JobContext } from './runJobs.js';

export interface QueueWorkerOptions extends LocateFfmpegOptions, ModelChoice {
  connection: ConnectionOptions;
  /** Jobs run at the same time by this worker (default 1). */
  concurrency?: number;
  /** Results under this folder, mirroring each job's root (over the folder given at `queue add`). */
  outDir?: string;
  /** Result files per episode (default json). */
  formats?: readonly OutputFormat[];
  /** Sidecars beside each video (default none). */
  sidecars?: readonly SidecarKind[];
  edlActions?: EdlActions;
  /**
   * How long a job's lock lasts without renewal, ms (default 30 s): a worker killed mid-job
   * gives its jobs back to the queue about this long after it died.
   */
  lockDurationMs?: number;
  /** How often this worker checks for stalled jobs, ms (default: lockDurationMs). */
  stalledIntervalMs?: number;
  /** One line per job event (started, completed, failed, stalled). */
  onEvent?: (line: string) => void;
  /** Aborts the model load. */
  signal?: AbortSignal;
}

/**
 * A BullMQ worker of introdetect's queue with one model loaded for all its jobs. Stalled jobs
 * (their worker died: the lock was not renewed) go back to the queue, up to twice per job
 * before it fails. `close()` lets the jobs in flight finish; `close(true)` leaves them to
 * the stalled check of the other workers.
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
      formats = ['json'],
      sidecars = [],
      edlActions,
      lockDurationMs = 30_000,
      stalledIntervalMs = lockDurationMs,
      onEvent,
      signal,
      ...choice
    } = options;
    const { model, owned } = await modelFor(choice, signal);
    const context: JobContext = {
      detect: { ...choice, model },
      outDir,
      formats,
      sidecars,
      edlActions,
      onWarning: choice.onWarning,
    };
    const worker = new Worker(
      QUEUE_NAME,
      async (job: Job, _token?: string, jobSignal?: AbortSignal) => {
        onEvent?.(`started ${job.name} ${job.id ?? '?'} ${describe(job)}`);
        try {
          if (job.name === EPISODE_JOB) {
            return await runEpisodeJob(job.data as EpisodeJobData, context, jobSignal);
          }
          if (job.name === SEASON_JOB) {
            const values = await job.getChildrenValues<EpisodeJobResult>();
            return await runSeasonJob(job.data as SeasonJobData, Object.values(values), context);
          }
          throw new Error(`unknown job kind "${job.name}"`);
        } catch (err) {
          throw jobFailure(err);
        }
      },
      {
        connection,
        concurrency,
        lockDuration: lockDurationMs,
        stalledInterval: stalledIntervalMs,
        maxStalledCount: 2,
        autorun: false,
      },
    );
    worker.on('completed', (job) =>
      onEvent?.(`completed ${job.name} ${job.id ?? '?'} ${describe(job)}`),
    );
    worker.on('failed', (job, err) =>
      onEvent?.(
        `failed ${job?.name ?? ''} ${job?.id ?? '?'} ${job ? describe(job) : ''}: ${err.message}`,
      ),
    );
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
