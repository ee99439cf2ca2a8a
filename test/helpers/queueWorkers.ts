import { execa, type ResultPromise } from 'execa';
import { readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { redisConnection } from '../../src/queue/connection.js';
import { queueStatus, type QueueStatus } from '../../src/queue/queueStatus.js';

/** The built CLI (`npm run build` first). */
export const CLI = resolve(import.meta.dirname, '../../dist/cli/main.js');
export const TINY_FUSED = 'test/fixtures/models/tiny-fused';

/** `introdetect ARGS --redis URL`, not rejecting, stdout and stderr together in `all`. */
export const cliOn = (redisUrl: string, ...args: string[]) =>
  execa('node', [CLI, ...args, '--redis', redisUrl], { reject: false, all: true });

/** A real `introdetect worker` process, its log (stderr: one timestamped line per job event). */
export interface WorkerProcess {
  child: ResultPromise<{ reject: false; all: true }>;
  log(): string;
  /** Waits until the log matches (fails when the worker exits first, or after `timeoutMs`). */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<void>;
}

export function startWorker(redisUrl: string, ...extra: string[]): WorkerProcess {
  const child = execa(
    'node',
    [CLI, 'worker', '--redis', redisUrl, '--models', TINY_FUSED, '--threads', '1', ...extra],
    { reject: false, all: true },
  );
  let text = '';
  child.all.on('data', (d: Buffer) => (text += d.toString()));
  return {
    child,
    log: () => text,
    waitFor: async (pattern, timeoutMs = 60_000) => {
      const deadline = Date.now() + timeoutMs;
      while (!pattern.test(text)) {
        if (Date.now() > deadline)
          throw new Error(`worker never logged ${String(pattern)}:\n${text}`);
        if (child.exitCode !== null) throw new Error(`worker exited (${child.exitCode}):\n${text}`);
        await new Promise((r) => setTimeout(r, 25));
      }
    },
  };
}

/** SIGKILLs the worker unless it has exited; resolves when it is gone. */
export async function killWorker(w: WorkerProcess): Promise<void> {
  if (w.child.exitCode === null && w.child.signalCode === null) w.child.kill('SIGKILL');
  await w.child;
}

/**
 * One job event of a worker's log: `<ISO time> started|completed|failed|abandoned <kind> <job
 * id> …` (abandoned: its lock ran out while the worker had it).
 */
export interface JobEvent {
  at: number;
  event: 'started' | 'completed' | 'failed' | 'abandoned';
  kind: string;
  id: string;
  line: string;
}

export function jobEvents(log: string): JobEvent[] {
  const events: JobEvent[] = [];
  for (const line of log.split('\n')) {
    const m = /^(\S+Z) (started|completed|failed|abandoned) (\w+) (\S+)/.exec(line);
    if (m) {
      events.push({
        at: Date.parse(m[1]!),
        event: m[2] as JobEvent['event'],
        kind: m[3]!,
        id: m[4]!,
        line,
      });
    }
  }
  return events;
}

/** When one worker had one job in hand: from its start to its end (or the worker's death). */
export interface Holding {
  worker: number;
  id: string;
  from: number;
  to: number;
}

/**
 * The spans over which each worker held each job, from its log: a job started is held until the
 * worker logs it completed, failed or abandoned, else until `diedAt` (it was killed holding it).
 */
export function holdings(log: string, worker: number, diedAt: number): Holding[] {
  const open = new Map<string, number>();
  const spans: Holding[] = [];
  for (const e of jobEvents(log)) {
    if (e.event === 'started') {
      open.set(e.id, e.at);
    } else if (open.has(e.id)) {
      spans.push({ worker, id: e.id, from: open.get(e.id)!, to: e.at });
      open.delete(e.id);
    }
  }
  for (const [id, from] of open) spans.push({ worker, id, from, to: diedAt });
  return spans;
}

/** Pairs of spans in which two different workers held one job at the same time. */
export function overlaps(spans: readonly Holding[]): string[] {
  const found: string[] = [];
  for (const [i, a] of spans.entries()) {
    for (const b of spans.slice(i + 1)) {
      if (a.id === b.id && a.worker !== b.worker && a.from < b.to && b.from < a.to) {
        found.push(
          `${a.id}: worker ${a.worker} [${a.from}, ${a.to}] ∩ worker ${b.worker} [${b.from}, ${b.to}]`,
        );
      }
    }
  }
  return found;
}

export const statusOf = (redisUrl: string) => queueStatus(redisConnection(redisUrl));

/** Polls the queue until `done` holds (or fails with the last status). */
export async function until(
  redisUrl: string,
  done: (s: QueueStatus) => boolean,
  timeoutMs = 90_000,
): Promise<QueueStatus> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const s = await statusOf(redisUrl);
    if (done(s)) return s;
    if (Date.now() > deadline)
      throw new Error(`queue never got there: ${JSON.stringify(s, null, 1)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Nothing waiting, delayed, active or waiting for children. */
export const settled = (s: QueueStatus) =>
  s.counts.waiting +
    s.counts.active +
    s.counts.delayed +
    s.counts['waiting-children'] +
    s.counts.prioritized ===
  0;

/** Files under `dir` (recursively) that are staged, temporary or partial leftovers. */
export function leftovers(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((p) =>
    /\.(staged|tmp|partial)$/.test(p),
  );
}
