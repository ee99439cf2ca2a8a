/**
 * Measures `introdetect queue` + `worker` against `introdetect detect` on the same files: each
 * run gets a fresh redis-server (loopback, random port, AOF on, its own folder), W worker
 * processes (concurrency 1 each) started and ready before the season set is added, and is
 * timed from `queue add` until every job has finished.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Queue } from 'bullmq';
import { redisConnection } from '../../src/queue/connection.js';
import { QUEUE_NAME } from '../../src/queue/jobs.js';
import { startRedis } from '../../scripts/lib/redisServer.js';

const CLI = 'dist/cli/main.js';

export interface QueueRun {
  workers: number;
  wallS: number;
  episodes: number;
  /** Redis commands the run took, per episode (season jobs included, this bench's polling not). */
  redisCommandsPerEpisode: number;
}

function redisCli(port: number, ...args: string[]): string {
  return execFileSync('redis-cli', ['-p', String(port), ...args], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
  });
}

function startWorker(url: string, models: string, out: string): Promise<ChildProcess> {
  const child = spawn(
    'node',
    [CLI, 'worker', '--redis', url, '--models', models, '--out', out, '--concurrency', '1'],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  return new Promise((resolve, reject) => {
    let text = '';
    child.stderr.on('data', (d: Buffer) => {
      text += d.toString();
      if (text.includes('worker ready')) resolve(child);
    });
    child.once('exit', (code) => reject(new Error(`worker exited ${code}: ${text}`)));
  });
}

/** `detect` over every file, one process (model loaded once, as a worker does): wall seconds. */
export function timeDetect(files: readonly string[], models: string): number {
  const t0 = performance.now();
  execFileSync('node', [CLI, 'detect', ...files, '--models', models], { stdio: 'ignore' });
  return (performance.now() - t0) / 1000;
}

/** The season set `root` through the queue with `workers` worker processes. */
export async function timeQueue(
  root: string,
  episodes: number,
  workers: number,
  models: string,
): Promise<QueueRun> {
  const redis = await startRedis({ prefix: 'bench-redis-' });
  const out = mkdtempSync(join(tmpdir(), 'bench-queue-out-'));
  const children: ChildProcess[] = [];
  const queue = new Queue(QUEUE_NAME, { connection: redisConnection(redis.url) });
  try {
    for (let i = 0; i < workers; i++) children.push(await startWorker(redis.url, models, out));
    const commandsNow = () =>
      Number(/total_commands_processed:(\d+)/.exec(redisCli(redis.port, 'INFO', 'stats'))![1]);
    // The poll below, and what it costs Redis (INFO itself counts one), to leave it out.
    const counts = () =>
      queue.getJobCounts('waiting', 'active', 'delayed', 'waiting-children', 'completed', 'failed');
    const probe = commandsNow();
    await counts();
    const perPoll = commandsNow() - probe - 1;
    let polls = 0;
    const commandsBefore = commandsNow();
    const t0 = performance.now();
    execFileSync('node', [CLI, 'queue', 'add', root, '--redis', redis.url], { stdio: 'ignore' });
    for (;;) {
      const c = await counts();
      if (c.waiting! + c.active! + c.delayed! + c['waiting-children']! === 0) {
        if (c.failed! > 0) throw new Error(`${c.failed} job(s) failed`);
        break;
      }
      polls++;
      await new Promise((r) => setTimeout(r, 100));
    }
    const wallS = (performance.now() - t0) / 1000;
    const commands = commandsNow() - commandsBefore - 1 - (polls + 1) * perPoll;
    return { workers, wallS, episodes, redisCommandsPerEpisode: commands / episodes };
  } finally {
    await queue.close();
    for (const c of children) c.kill('SIGKILL');
    await redis.stop();
    rmSync(out, { recursive: true, force: true });
  }
}
