import { randomUUID } from 'node:crypto';
import { InvalidArgumentError } from '../errors.js';
import { describeError } from '../watch/failurePolicy.js';

export type JobState = 'queued' | 'running' | 'done' | 'failed' | 'canceled';

/** What the API shows of a job. */
export interface JobView<P, R> {
  id: string;
  /** What the job works on (a season's folder): one live job per target. */
  target: string;
  state: JobState;
  progress: P | null;
  result: R | null;
  error: string | null;
  createdAt: string;
  finishedAt: string | null;
}

export type JobWork<P, R> = (signal: AbortSignal, report: (progress: P) => void) => Promise<R>;

interface Job<P, R> extends JobView<P, R> {
  work: JobWork<P, R>;
  controller: AbortController;
}

/** The queue is full: more jobs are waiting than the runner accepts. */
export class JobQueueFullError extends InvalidArgumentError {
  constructor(limit: number) {
    super(`${limit} jobs are already waiting; try again once some have finished.`);
  }
}

/**
 * An in-process job runner: jobs run one at a time (a detection already uses the CPU's
 * cores), at most `maxQueued` wait, and the last `keepFinished` finished ones are kept for
 * their progress to be read. A target with a live job gets that job back instead of a second.
 */
export class JobRunner<P, R> {
  readonly #jobs = new Map<string, Job<P, R>>();
  readonly #waiting: Job<P, R>[] = [];
  readonly #maxQueued: number;
  readonly #keepFinished: number;
  #running: Promise<void> | undefined;
  #closed = false;

  constructor(options: { maxQueued?: number; keepFinished?: number } = {}) {
    this.#maxQueued = options.maxQueued ?? 16;
    this.#keepFinished = options.keepFinished ?? 100;
  }

  /** Queues `work` for `target`, or returns the job already queued or running for it. */
  submit(target: string, work: JobWork<P, R>): { job: JobView<P, R>; created: boolean } {
    if (this.#closed) throw new InvalidArgumentError('The server is shutting down.');
    for (const job of this.#jobs.values()) {
      if (job.target === target && (job.state === 'queued' || job.state === 'running')) {
        return { job: view(job), created: false };
      }
    }
    if (this.#waiting.length >= this.#maxQueued) throw new JobQueueFullError(this.#maxQueued);
    const job: Job<P, R> = {
      id: randomUUID(),
      target,
      state: 'queued',
      progress: null,
      result: null,
      error: null,
      createdAt: new Date().toISOString(),
      finishedAt: null,
      work,
      controller: new AbortController(),
    };
    this.#jobs.set(job.id, job);
    this.#waiting.push(job);
    this.#pump();
    return { job: view(job), created: true };
  }

  get(id: string): JobView<P, R> | undefined {
    const job = this.#jobs.get(id);
    return job && view(job);
  }

  list(): JobView<P, R>[] {
    return [...this.#jobs.values()].map(view);
  }

  /** Cancels waiting jobs, aborts the running one and waits for it. */
  async close(): Promise<void> {
    this.#closed = true;
    for (const job of this.#waiting.splice(0)) this.#finish(job, 'canceled', null, null);
    for (const job of this.#jobs.values()) job.controller.abort(new Error('server closing'));
    await this.#running;
  }

  #pump(): void {
    if (this.#running) return;
    const job = this.#waiting.shift();
    if (!job) return;
    job.state = 'running';
    this.#running = job
      .work(job.controller.signal, (progress) => {
        job.progress = progress;
      })
      .then(
        (result) => this.#finish(job, 'done', result, null),
        (err: unknown) =>
          this.#finish(
            job,
            job.controller.signal.aborted ? 'canceled' : 'failed',
            null,
            describeError(err).message,
          ),
      )
      .finally(() => {
        this.#running = undefined;
        this.#pump();
      });
  }

  #finish(job: Job<P, R>, state: JobState, result: R | null, error: string | null): void {
    Object.assign(job, { state, result, error, finishedAt: new Date().toISOString() });
    const finished = [...this.#jobs.values()].filter((j) => j.finishedAt !== null);
    for (const old of finished.slice(0, Math.max(0, finished.length - this.#keepFinished))) {
      this.#jobs.delete(old.id);
    }
  }
}

function view<P, R>(job: Job<P, R>): JobView<P, R> {
  const { id, target, state, progress, result, error, createdAt, finishedAt } = job;
  return { id, target, state, progress, result, error, createdAt, finishedAt };
}
