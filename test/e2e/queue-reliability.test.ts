import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { mkdirSync, readdirSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startRedis, type RedisServer } from '../../scripts/lib/redisServer.js';
import { redisConnection } from '../../src/queue/connection.js';
import { DONE_VERSIONS } from '../../src/queue/doneVersions.js';
import { QUEUE_NAME } from '../../src/queue/jobs.js';
import { seededBytes } from '../helpers/badMedia.js';
import { concatClip, scratch } from '../helpers/clips.js';
import {
  cliOn,
  holdings,
  jobEvents,
  killWorker,
  leftovers,
  overlaps,
  settled,
  startWorker,
  until,
  type Holding,
  type WorkerProcess,
} from '../helpers/queueWorkers.js';

// The queue's promises under faults, on a real Redis (redis-server, AOF on) and real
// `introdetect worker` processes (the built CLI): workers killed with -9 mid-job, Redis
// restarted mid-run, two workers side by side, finished jobs removed from Redis.
//
// Workers here look for stalled jobs every 0.5 s instead of every 30 s (`--stalled-interval`),
// hold a job's lock for 3 s (`--lock-duration`: a killed worker's job is back in the queue
// within about 4 s; shorter locks run out on this busy 2-core machine while a worker is merely
// slow, see the SIGSTOP test), and let a job lose its worker up to 10 times before it fails
// (`--max-stalled 10`: all ten kills may hit one job).
const FAST = ['--lock-duration', '3', '--stalled-interval', '0.5', '--max-stalled', '10'];
const KILLS = 10;
/**
 * Episodes of the kill loop: more than KILLS, since a worker may finish a job before its kill
 * and take the next (the kills then land in that one), so none may run out before the 10th.
 */
const EPISODES = 14;

const tmp = scratch('introdetect-queue-faults-');
let redis: RedisServer;
let workers: WorkerProcess[] = [];
const cli = (...args: string[]) => cliOn(redis.url, ...args);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A 40-s episode (H.264 + AAC, 160×90): a few seconds of work for a worker. */
function episode(path: string, seed: number): string {
  return concatClip(path, [
    [`life=mold=10:ratio=0.3:seed=${seed}`, 'anoisesrc=c=pink:a=0.2', 8 + seed],
    ['testsrc2', "aevalsrc='0.3*sin(2*PI*(200+30*t)*t)'", 12],
    ['smptehdbars', `aevalsrc='0.2*sin(2*PI*${300 + 50 * seed}*t)'`, 20 - seed],
  ]);
}

function season(name: string, episodes: number): { root: string; dir: string; files: string[] } {
  const root = tmp.path(name);
  const dir = join(root, 'Show', 'Season 1');
  mkdirSync(dir, { recursive: true });
  const files = Array.from({ length: episodes }, (_, i) =>
    episode(join(dir, `e${i + 1}.mp4`), i + 1),
  );
  return { root, dir, files };
}

/** The job a worker holds now (concurrency 1): started, neither completed nor failed yet. */
function inHand(w: WorkerProcess): string | undefined {
  let held: string | undefined;
  for (const e of jobEvents(w.log())) {
    if (e.event === 'started') held = e.id;
    else if (e.id === held) held = undefined;
  }
  return held;
}

async function waitUntil(what: () => boolean, label: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!what()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${label}`);
    await sleep(20);
  }
}

/** The completed jobs in Redis, by kind. */
async function completedJobs(kind: string) {
  const queue = new Queue(QUEUE_NAME, { connection: redisConnection(redis.url) });
  try {
    return (await queue.getJobs(['completed'])).filter((j) => j.name === kind);
  } finally {
    await queue.close();
  }
}

/** Every episode has one result, whole, in the layout of `watch`, and nothing else is there. */
function expectOneWholeResultEach(dir: string, files: readonly string[]) {
  const results = readdirSync(dir)
    .filter((n) => n.endsWith('.intro.json'))
    .sort();
  expect(results).toEqual(files.map((f) => f.replace(/^.*\/(.*)\.mp4$/, '$1.intro.json')).sort());
  for (const file of files) {
    const result = JSON.parse(readFileSync(file.replace(/\.mp4$/, '.intro.json'), 'utf8')) as {
      file: string;
      duration: number;
    };
    expect(result.file).toBe(file);
    expect(result.duration).toBeGreaterThan(39);
  }
}

describe('queue reliability (real Redis, real workers)', () => {
  const spans: Holding[] = [];

  beforeEach(async () => {
    redis = await startRedis();
  });
  afterEach(async () => {
    await Promise.all(workers.map(killWorker));
    workers = [];
    await redis.stop();
  });
  afterAll(() => tmp.cleanup());

  it(`a worker killed with -9 mid-job, ${KILLS} times over: every episode is done exactly once, nothing lost or half-written`, async () => {
    const { root, dir, files } = season('kills', EPISODES);
    // What a worker killed while writing e1's results leaves (the kills below seldom land in
    // the milliseconds of writing): hidden copies, staged or temporary, never renamed into place.
    writeFileSync(join(dir, '.e1.intro.json.0badc0de.staged'), '{"file":');
    writeFileSync(join(dir, '.e1.intro.json.1234abcd.tmp'), '');
    expect((await cli('queue', 'add', root)).all).toMatch(
      new RegExp(`added ${EPISODES} episode\\(s\\) in 1 season\\(s\\)`),
    );

    const killed: string[] = [];
    for (let i = 0; i < KILLS; i++) {
      const w = startWorker(redis.url, ...FAST);
      workers.push(w);
      await waitUntil(() => inHand(w) !== undefined, `worker ${i} to take a job`);
      // Kill at a different point of the job each time: decoding, inference, writing results.
      await sleep((i * 150) % 1500);
      // Finished meanwhile: kill it in the middle of the next one.
      await waitUntil(() => inHand(w) !== undefined, `worker ${i} to take another job`);
      killed.push(inHand(w)!);
      await killWorker(w);
      spans.push(...holdings(w.log(), i, Date.now()));
      expect(w.child.signalCode).toBe('SIGKILL');
    }

    // Two workers finish what is left.
    const finishers = [startWorker(redis.url, ...FAST), startWorker(redis.url, ...FAST)];
    workers.push(...finishers);
    const done = await until(redis.url, (s) => settled(s) && s.counts.completed === EPISODES + 1);
    await Promise.all(finishers.map(killWorker));
    finishers.forEach((w, i) => spans.push(...holdings(w.log(), KILLS + i, Date.now())));

    // Nothing lost: every episode job completed, and its season; none failed.
    expect(done.failed).toEqual([]);
    expect(done.counts.failed).toBe(0);
    const episodes = await completedJobs('episode');
    expect(episodes.map((j) => (j.data as { file: string }).file).sort()).toEqual(
      [...files].sort(),
    );
    // Each job completed once, by one worker, the killed ones included.
    const logs = workers.map((w) => w.log()).join('\n');
    const completions = jobEvents(logs).filter((e) => e.event === 'completed');
    expect(completions.map((e) => e.id).sort()).toEqual(
      [...episodes.map((j) => j.id!), ...(await completedJobs('season')).map((j) => j.id!)].sort(),
    );
    for (const id of killed) expect(completions.some((e) => e.id === id)).toBe(true);
    // The season joined all of them, after the kills.
    expect(logs).toMatch(new RegExp(`completed season \\S+ .*Season 1: joined ${EPISODES}`));
    // One result per episode, whole; no staged or temporary file left behind.
    expectOneWholeResultEach(dir, files);
    expect(leftovers(root)).toEqual([]);
    // Its print store: one print and one result detected alone per episode, nothing more.
    const store = join(root, '.introdetect-watch.series');
    const stored = readdirSync(store, { recursive: true, encoding: 'utf8' }).filter((p) =>
      statSync(join(store, p)).isFile(),
    );
    expect(stored.filter((p) => p.startsWith('alone/'))).toHaveLength(EPISODES);
    expect(stored.filter((p) => !p.startsWith('alone/'))).toHaveLength(EPISODES);
    // Never two workers on one job at once (a killed worker holds its job until it died).
    expect(overlaps(spans)).toEqual([]);
  });

  it('Redis restarted mid-run (AOF): the workers reconnect and no job is lost; a bad episode fails with its code, the rest go on', async () => {
    const { root, dir, files } = season('restart', 5);
    writeFileSync(join(dir, 'e0-broken.mp4'), seededBytes(64 * 1024));
    const pair = [startWorker(redis.url, ...FAST), startWorker(redis.url, ...FAST)];
    workers.push(...pair);
    await Promise.all(pair.map((w) => w.waitFor(/worker ready/)));
    expect((await cli('queue', 'add', root)).all).toMatch(/added 6 episode\(s\) in 1 season\(s\)/);
    // Mid-run: an episode done, jobs in hand.
    await waitUntil(
      () =>
        pair.some((w) => /completed episode/.test(w.log())) &&
        pair.some((w) => inHand(w) !== undefined),
      'an episode done and another in hand',
    );
    const restartedAt = Date.now();
    await redis.restart();

    const done = await until(redis.url, (s) => settled(s) && s.counts.completed === 6);
    // Both workers lived through it, and work went on after it.
    for (const w of pair) expect(w.child.exitCode).toBeNull();
    const after = pair.flatMap((w) => jobEvents(w.log())).filter((e) => e.at > restartedAt);
    expect(after.some((e) => e.event === 'completed')).toBe(true);
    // Nothing lost: 5 episodes and their season completed, the broken file failed at once.
    expect(done.counts.failed).toBe(1);
    expect(done.failed).toEqual([
      expect.objectContaining({
        kind: 'episode',
        target: join(dir, 'e0-broken.mp4'),
        code: 'NOT_MEDIA',
        attempts: 1,
      }),
    ]);
    const episodes = await completedJobs('episode');
    expect(episodes.map((j) => (j.data as { file: string }).file).sort()).toEqual(
      [...files].sort(),
    );
    const logs = pair.map((w) => w.log()).join('\n');
    expect(logs).toMatch(/completed season \S+ .*Season 1: joined 5/);
    expectOneWholeResultEach(dir, files);
    expect(leftovers(root)).toEqual([]);
    await Promise.all(pair.map(killWorker));
    pair.forEach((w, i) => spans.push(...holdings(w.log(), 100 + i, Date.now())));
  });

  it('two workers never hold one episode at once (over both runs above)', () => {
    // Both runs had workers side by side: the ten killed one after another plus two, and a pair.
    expect(new Set(spans.map((s) => s.worker)).size).toBe(KILLS + 4);
    expect(overlaps(spans)).toEqual([]);
  });

  it('a worker that stalls past its lock (SIGSTOP) loses the job to another, and when it wakes gives it up and writes nothing', async () => {
    const { root, dir, files } = season('stopped', 1);
    const short = ['--lock-duration', '1', '--stalled-interval', '0.5'];
    const a = startWorker(redis.url, ...short);
    workers.push(a);
    await a.waitFor(/worker ready/);
    await cli('queue', 'add', root);
    await waitUntil(() => inHand(a) !== undefined, 'worker a to take the episode');
    const id = inHand(a)!;
    a.child.kill('SIGSTOP');
    try {
      const b = startWorker(redis.url, ...short);
      workers.push(b);
      await b.waitFor(/completed season \S+ .*Season 1: joined 1/);
      expect(b.log()).toMatch(new RegExp(`completed episode ${id} `));
    } finally {
      a.child.kill('SIGCONT');
    }
    const result = files[0]!.replace(/\.mp4$/, '.intro.json');
    const written = statSync(result);
    await a.waitFor(new RegExp(`abandoned episode ${id} `), 30_000);
    expect(a.log()).not.toMatch(new RegExp(`completed episode ${id} `));
    // Nothing written by the worker that woke up: the result is the one b wrote.
    await sleep(500);
    const now = statSync(result);
    expect([now.ino, now.mtimeMs]).toEqual([written.ino, written.mtimeMs]);
    expectOneWholeResultEach(dir, files);
    expect(leftovers(root)).toEqual([]);
    // It goes on with other jobs; the episode stays done once.
    expect(a.child.exitCode).toBeNull();
    const s = await until(redis.url, settled);
    expect(s.counts).toMatchObject({ completed: 2, failed: 0 });
  });

  it('finished jobs leave Redis, and adding the library again still does no work twice', async () => {
    const { root, dir, files } = season('cleanup', 2);
    writeFileSync(join(dir, 'e0-broken.mp4'), seededBytes(64 * 1024));
    const w = startWorker(redis.url, ...FAST);
    workers.push(w);
    const first = await cli('queue', 'add', root, '--keep-completed', '0', '--keep-failed', '0');
    expect(first.all).toMatch(/added 3 episode\(s\) in 1 season\(s\)/);
    await w.waitFor(/completed season \S+ .*Season 1: joined 2/, 90_000);

    // Redis keeps no job: none in any state, no job's keys.
    const s = await until(redis.url, settled);
    expect(s.counts).toMatchObject({ completed: 0, failed: 0 });
    const client = new Redis(redis.url);
    try {
      expect(await client.keys(`bull:${QUEUE_NAME}:ep-*`)).toEqual([]);
      expect(await client.keys(`bull:${QUEUE_NAME}:season-*`)).toEqual([]);
      // What stays: the done version of each file, one field each.
      expect(await client.hlen(`bull:${QUEUE_NAME}:${DONE_VERSIONS}`)).toBe(2);
    } finally {
      client.disconnect();
    }
    expectOneWholeResultEach(dir, files);

    // Added again: the two done are skipped; the failed one, forgotten, is tried again.
    const mtimes = files.map((f) => statSync(f.replace(/\.mp4$/, '.intro.json')).mtimeMs);
    const startedBefore = jobEvents(w.log()).filter((e) => e.event === 'started').length;
    const again = await cli('queue', 'add', root);
    expect(again.all).toMatch(/added 1 episode\(s\) in 1 season\(s\); 2 already queued or done/);
    await until(redis.url, (st) => settled(st) && st.counts.failed === 1);
    await w.waitFor(/completed season[^\n]*joined 0/);
    const startedNow = jobEvents(w.log()).filter((e) => e.event === 'started');
    // The broken file and its season, nothing else.
    expect(startedNow.slice(startedBefore).map((e) => e.kind)).toEqual(['episode', 'season']);
    expect(startedNow.slice(startedBefore)[0]!.line).toMatch(/e0-broken\.mp4/);
    expect(files.map((f) => statSync(f.replace(/\.mp4$/, '.intro.json')).mtimeMs)).toEqual(mtimes);

    // A changed file is a new version: done again.
    const later = new Date(Date.now() + 5000);
    utimesSync(files[1]!, later, later);
    const touched = await cli('queue', 'add', root);
    expect(touched.all).toMatch(/added 1 episode\(s\) in 1 season\(s\)/);
    await waitUntil(
      () => statSync(files[1]!.replace(/\.mp4$/, '.intro.json')).mtimeMs > mtimes[1]!,
      'the changed file to be redone',
    );
    expect(statSync(files[0]!.replace(/\.mp4$/, '.intro.json')).mtimeMs).toBe(mtimes[0]);
  });
});
