import { execa } from 'execa';
import { Queue } from 'bullmq';
import { existsSync, mkdirSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedis, type RedisServer } from '../../scripts/lib/redisServer.js';
import { redisConnection } from '../../src/queue/connection.js';
import { QUEUE_NAME } from '../../src/queue/jobs.js';
import type { QueueStatus } from '../../src/queue/queueStatus.js';
import { seededBytes } from '../helpers/badMedia.js';
import { concatClip, scratch, type ClipPart } from '../helpers/clips.js';
import {
  CLI,
  cliOn,
  killWorker,
  leftovers,
  settled,
  startWorker as startWorkerOn,
  statusOf,
  until as untilOn,
  type WorkerProcess,
} from '../helpers/queueWorkers.js';

// The built CLI against a real Redis (Debian's redis-server, AOF on, its own port and folder):
// `queue add` a generated season, real `worker` processes (killed with -9 and SIGTERM on the
// way), results checked on disk in the layout of `watch`.
const tmp = scratch('introdetect-queue-');
const INTRO: ClipPart = ['testsrc2', "aevalsrc='0.3*sin(2*PI*(200+30*t)*t)'", 12];

let redis: RedisServer;
const cli = (...args: string[]) => cliOn(redis.url, ...args);
/** `queue add` with a short retry delay (a transient failure is retried within the test). */
const add = (...paths: string[]) => cli('queue', 'add', ...paths, '--retry-delay', '0.5');
/** A worker whose killed jobs are back in the queue within about 2 s. */
const startWorker = (...extra: string[]) =>
  startWorkerOn(redis.url, '--lock-duration', '1', ...extra);
const stopWorker = killWorker;
const status = () => statusOf(redis.url);
const until = (done: (s: QueueStatus) => boolean, timeoutMs = 60_000) =>
  untilOn(redis.url, done, timeoutMs);

function episode(path: string, seed: number, before: number): string {
  return concatClip(path, [
    [`life=mold=10:ratio=0.3:seed=${seed}`, 'anoisesrc=c=pink:a=0.2', before],
    INTRO,
    ['smptehdbars', `aevalsrc='0.2*sin(2*PI*${300 + 50 * seed}*t)'`, 8],
  ]);
}

describe('introdetect queue + worker (BullMQ on a real Redis)', () => {
  const lib = tmp.path('lib');
  const season = join(lib, 'Show', 'S01');
  let worker: WorkerProcess | undefined;

  beforeAll(async () => {
    redis = await startRedis();
    mkdirSync(season, { recursive: true });
    mkdirSync(tmp.path('bad'));
    [4, 6.5, 9].forEach((before, i) => episode(join(season, `e${i + 1}.mp4`), i + 1, before));
    writeFileSync(tmp.path('bad/broken.mp4'), seededBytes(64 * 1024));
  });
  afterAll(async () => {
    if (worker) await stopWorker(worker);
    await redis?.stop();
    tmp.cleanup();
  });

  it('processes an added season into results in the layout of watch, once; a touched file is redone', async () => {
    const first = await add(lib);
    expect(first.all).toMatch(/added 3 episode\(s\) in 1 season\(s\)/);
    expect(first.exitCode).toBe(0);
    worker = startWorker('--concurrency', '2');
    const done = await until((s) => settled(s) && s.counts.completed === 4);
    expect(done.failed).toEqual([]);
    for (const e of ['e1', 'e2', 'e3']) {
      const result = JSON.parse(readFileSync(join(season, `${e}.intro.json`), 'utf8')) as {
        file: string;
      };
      expect(result.file).toBe(join(season, `${e}.mp4`));
    }
    // The series prints live where watch keeps them (beside its default state file).
    expect(existsSync(join(lib, '.introdetect-watch.series'))).toBe(true);
    expect(leftovers(lib)).toEqual([]);
    expect(worker.log()).toMatch(/completed season/);
    // The season job ran the series step over its three episodes, after they were done.
    const queue = new Queue(QUEUE_NAME, { connection: redisConnection(redis.url) });
    try {
      const [seasonJob] = (await queue.getJobs(['completed'])).filter((j) => j.name === 'season');
      expect(seasonJob?.returnvalue).toMatchObject({ dir: season, joined: 3 });
      expect(seasonJob!.processedOn!).toBeGreaterThanOrEqual(
        Math.max(
          ...(await queue.getJobs(['completed']))
            .filter((j) => j.name === 'episode')
            .map((j) => j.finishedOn!),
        ),
      );
    } finally {
      await queue.close();
    }

    // Adding the same library again adds nothing.
    const e2Result = join(season, 'e2.intro.json');
    const before = statSync(e2Result).mtimeMs;
    const again = await add(lib);
    expect(again.all).toMatch(/added 0 episode\(s\) in 0 season\(s\); 3 already queued or done/);
    await new Promise((r) => setTimeout(r, 500));
    expect((await status()).counts.completed).toBe(4);
    expect(statSync(e2Result).mtimeMs).toBe(before);

    // A touched file is a new version: its episode and its season are done again.
    const later = new Date(Date.now() + 5000);
    utimesSync(join(season, 'e2.mp4'), later, later);
    const touched = await add(lib);
    expect(touched.all).toMatch(/added 1 episode\(s\) in 1 season\(s\); 2 already queued or done/);
    await until((s) => settled(s) && s.counts.completed === 6);
    expect(statSync(e2Result).mtimeMs).toBeGreaterThan(before);
    expect(leftovers(lib)).toEqual([]);
  });

  it('fails a bad file with its code and message, dead-lettered in queue status; the rest go on', async () => {
    const bad = await add(tmp.path('bad/broken.mp4'));
    expect(bad.exitCode).toBe(0);
    const s = await until((st) => settled(st) && st.counts.failed === 1);
    expect(s.failed).toHaveLength(1);
    expect(s.failed[0]).toMatchObject({
      kind: 'episode',
      target: tmp.path('bad/broken.mp4'),
      code: 'NOT_MEDIA',
      attempts: 1,
    });
    expect(s.failed[0]!.reason).toMatch(/broken\.mp4/);
    // Its season still ran (joining nothing).
    expect(s.counts.completed).toBe(7);
    const printed = await cli('queue', 'status');
    expect(printed.all).toMatch(/failed \(1\):/);
    expect(printed.all).toMatch(/episode .*broken\.mp4: NOT_MEDIA after 1 attempt\(s\): /);
    expect(printed.all).toMatch(/throughput: [\d.]+ episodes\/hour/);
    // A Redis that does not answer fails fast, with its own code.
    const nowhere = await execa(
      'node',
      [CLI, 'queue', 'status', '--redis', 'redis://127.0.0.1:1'],
      {
        reject: false,
      },
    );
    expect(nowhere.exitCode).toBe(17);
    expect(nowhere.stderr).toMatch(/\[QUEUE_UNAVAILABLE\]/);
  });

  it('SIGTERM lets the job in flight finish, then the worker exits 0', async () => {
    const w = worker!;
    const dir = tmp.path('lib2/S02');
    mkdirSync(dir, { recursive: true });
    episode(join(dir, 'a.mp4'), 7, 40);
    await add(tmp.path('lib2'));
    await w.waitFor(/started episode \S+ .*a\.mp4/);
    w.child.kill('SIGTERM');
    const exit = await w.child;
    worker = undefined;
    expect(exit.exitCode).toBe(0);
    expect(w.log()).toMatch(/completed episode \S+ .*a\.mp4/);
    expect(w.log()).toMatch(/worker stopped/);
    expect(existsSync(join(dir, 'a.intro.json'))).toBe(true);
  });

  it('a job whose worker is killed with -9 goes back to the queue, and another worker finishes it', async () => {
    const dir = tmp.path('lib3/S03');
    mkdirSync(dir, { recursive: true });
    episode(join(dir, 'k.mp4'), 9, 60);
    await add(tmp.path('lib3'));
    const first = startWorker();
    await first.waitFor(/started episode \S+ .*k\.mp4/);
    first.child.kill('SIGKILL');
    await first.child;
    expect(first.log()).not.toMatch(/completed episode \S+ .*k\.mp4/);
    expect(existsSync(join(dir, 'k.intro.json'))).toBe(false);
    worker = startWorker();
    await worker.waitFor(/completed season \S+ .*S03/, 90_000);
    expect(existsSync(join(dir, 'k.intro.json'))).toBe(true);
    expect(leftovers(tmp.path('lib3'))).toEqual([]);
    // Done once: one completed episode job for the file, after a stalled recovery.
    const queue = new Queue(QUEUE_NAME, { connection: redisConnection(redis.url) });
    try {
      const jobs = (await queue.getJobs(['completed'])).filter(
        (j) => (j.data as { file?: string }).file === join(dir, 'k.mp4'),
      );
      expect(jobs).toHaveLength(1);
      expect(jobs[0]!.attemptsStarted).toBeGreaterThanOrEqual(2);
      expect(worker.log()).toMatch(new RegExp(`stalled ${jobs[0]!.id}: back to the queue`));
    } finally {
      await queue.close();
    }
  });

  it('watch --enqueue feeds the queue from an ingest folder; a worker writes the results where watch would', async () => {
    const ingest = tmp.path('ingest');
    mkdirSync(join(ingest, 'Show'), { recursive: true });
    episode(join(ingest, 'Show', 'n1.mp4'), 11, 5);
    const out = tmp.path('ingest-out');
    const watch = await execa(
      'node',
      [
        CLI,
        'watch',
        ingest,
        '--once',
        '--settle',
        '0',
        '--enqueue',
        '--redis',
        redis.url,
        '--out',
        out,
      ],
      { reject: false, all: true },
    );
    expect(watch.exitCode).toBe(0);
    expect(existsSync(join(out, '.introdetect-watch.json'))).toBe(true);
    await worker!.waitFor(/completed season \S+ .*ingest\/Show/);
    const result = JSON.parse(readFileSync(join(out, 'Show', 'n1.intro.json'), 'utf8')) as {
      file: string;
    };
    expect(result.file).toBe(join(ingest, 'Show', 'n1.mp4'));
    expect(existsSync(join(ingest, 'Show', 'n1.intro.json'))).toBe(false);
  });
});
