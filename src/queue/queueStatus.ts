import { Queue, type ConnectionOptions, type Job } from 'bullmq';
import { EPISODE_JOB, QUEUE_NAME, type EpisodeJobData, type SeasonJobData } from './jobs.js';
import { failureCode } from './runJobs.js';

const STATES = [
  'waiting',
  'active',
  'delayed',
  'waiting-children',
  'prioritized',
  'completed',
  'failed',
] as const;
type State = (typeof STATES)[number];

export interface FailedJob {
  readonly id: string;
  readonly kind: string;
  /** The file (episode) or folder (season). */
  readonly target: string;
  readonly code: string | null;
  readonly reason: string;
  readonly attempts: number;
}

export interface QueueStatus {
  /** Jobs per state, episodes and seasons together. */
  readonly counts: Readonly<Record<State, number>>;
  /** Episode jobs completed per hour over the most recent completions (up to 500), or null. */
  readonly episodesPerHour: number | null;
  /** Episode jobs not finished yet (waiting, delayed, active). */
  readonly episodesLeft: number;
  /** Seconds until they are done at that rate, or null. */
  readonly etaSeconds: number | null;
  readonly failed: readonly FailedJob[];
}

/** The numbers `queue status` prints. */
export async function queueStatus(
  connection: ConnectionOptions,
  maxFailed = 50,
): Promise<QueueStatus> {
  const queue = new Queue(QUEUE_NAME, { connection });
  try {
    const counts = (await queue.getJobCounts(...STATES)) as Record<State, number>;
    const recent = (await queue.getJobs(['completed'], 0, 499, false)).filter(
      (j): j is Job => j !== undefined && j.name === EPISODE_JOB && !!j.finishedOn,
    );
    let episodesPerHour: number | null = null;
    if (recent.length > 0) {
      const end = Math.max(...recent.map((j) => j.finishedOn!));
      const start = Math.min(...recent.map((j) => j.processedOn ?? j.finishedOn!));
      episodesPerHour = end > start ? (recent.length * 3_600_000) / (end - start) : null;
    }
    const open = await queue.getJobs(['waiting', 'delayed', 'active', 'prioritized'], 0, -1);
    const episodesLeft = open.filter((j) => j?.name === EPISODE_JOB).length;
    const failedJobs = (await queue.getJobs(['failed'], 0, maxFailed - 1, false)).filter(
      (j): j is Job => j !== undefined,
    );
    return {
      counts,
      episodesPerHour,
      episodesLeft,
      etaSeconds: episodesPerHour ? (episodesLeft * 3600) / episodesPerHour : null,
      failed: failedJobs.map((j) => {
        const data = j.data as Partial<EpisodeJobData & SeasonJobData>;
        return {
          id: j.id ?? '?',
          kind: j.name,
          target: data.file ?? data.dir ?? '',
          code: failureCode(j.failedReason) ?? null,
          reason: j.failedReason,
          attempts: j.attemptsMade,
        };
      }),
    };
  } finally {
    await queue.close();
  }
}

/** Moves every failed job back to waiting; resolves to how many there were. */
export async function retryFailed(connection: ConnectionOptions): Promise<number> {
  const queue = new Queue(QUEUE_NAME, { connection });
  try {
    const n = await queue.getFailedCount();
    await queue.retryJobs({ state: 'failed', count: 1000 });
    return n;
  } finally {
    await queue.close();
  }
}

/**
 * Removes the jobs not started yet (waiting and delayed); the jobs in flight finish. Their
 * files can be added again later.
 */
export async function drainQueue(connection: ConnectionOptions): Promise<number> {
  const queue = new Queue(QUEUE_NAME, { connection });
  try {
    const counts = await queue.getJobCounts('waiting', 'delayed', 'prioritized');
    await queue.drain(true);
    return (counts.waiting ?? 0) + (counts.delayed ?? 0) + (counts.prioritized ?? 0);
  } finally {
    await queue.close();
  }
}

/** One screen of `queue status`. */
export function formatQueueStatus(status: QueueStatus): string {
  const lines = [
    `jobs: ${STATES.filter(
      (s) => status.counts[s] > 0 || ['waiting', 'active', 'completed', 'failed'].includes(s),
    )
      .map((s) => `${s} ${status.counts[s]}`)
      .join(', ')}`,
    `episodes left: ${status.episodesLeft}`,
    `throughput: ${status.episodesPerHour === null ? 'n/a (nothing completed yet)' : `${status.episodesPerHour.toFixed(1)} episodes/hour`}`,
    `eta: ${status.etaSeconds === null ? 'n/a' : formatDuration(status.etaSeconds)}`,
  ];
  if (status.failed.length > 0) {
    lines.push(`failed (${status.counts.failed}):`);
    for (const f of status.failed) {
      lines.push(
        `  ${f.kind} ${f.target}: ${f.code ?? 'ERROR'} after ${f.attempts} attempt(s): ${f.reason}`,
      );
    }
  }
  return `${lines.join('\n')}\n`;
}

function formatDuration(seconds: number): string {
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return h > 0 ? `${h} h ${m} min` : m > 0 ? `${m} min ${s % 60} s` : `${s} s`;
}
