import { execa } from 'execa';
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedis, type RedisServer } from '../../scripts/lib/redisServer.js';
import type { DetectedSegment, DetectionResult } from '../../src/fusion/detectionResult.js';
import { scratch } from '../helpers/clips.js';
import {
  CLI,
  cliOn,
  killWorker,
  startWorker,
  type WorkerProcess,
} from '../helpers/queueWorkers.js';
import { expectNear, recapSeason, segmentOf } from '../helpers/recapSeason.js';

// The season of test/helpers/recapSeason.ts (recaps in episodes 2 and 3, a preview at the end
// of episode 1) through `queue add` and a real worker on a real Redis, with the shipped models
// as `detect` uses them: the season job's results carry the recaps and the preview that
// `detect` finds on the same folder.
const tmp = scratch('introdetect-queue-parts-');
const MODELS = 'models/fused';

let redis: RedisServer;
let worker: WorkerProcess | undefined;

/** Segments as compared between the two paths: the same kinds and places, confidences to 0.02. */
function expectSame(queued: readonly DetectedSegment[], detected: readonly DetectedSegment[]) {
  const place = ({ type, start, end }: DetectedSegment) => ({ type, start, end });
  expect(queued.map(place)).toEqual(detected.map(place));
  queued.forEach((s, k) =>
    expect(Math.abs(s.confidence - detected[k]!.confidence)).toBeLessThanOrEqual(0.02),
  );
}

describe('queue season jobs find recaps and previews as detect does', () => {
  const lib = tmp.path('lib');
  const season = join(lib, 'Show', 'S01');
  let files: string[];

  beforeAll(async () => {
    redis = await startRedis();
    mkdirSync(season, { recursive: true });
    files = recapSeason(season);
  });
  afterAll(async () => {
    if (worker) await killWorker(worker);
    await redis?.stop();
    tmp.cleanup();
  });

  it(
    'episode 2 gets its recap (and the others their parts) within ±2 s, each result segment for segment as detect gives it',
    { timeout: 300_000 },
    async () => {
      const added = await cliOn(redis.url, 'queue', 'add', lib);
      expect(added.all).toMatch(/added 3 episode\(s\) in 1 season\(s\)/);
      // The shipped models (the last --models wins over the helper's tiny one), one ONNX thread
      // each: the worker and `detect` run side by side on the 2 cores of CI.
      worker = startWorker(redis.url, '--models', MODELS);
      const [detected] = await Promise.all([
        execa('node', [CLI, 'detect', ...files, '--format', 'json', '--threads', '1'], {
          reject: false,
        }),
        worker.waitFor(/completed season \S+ .*S01: joined 3/, 240_000),
      ]);
      expect(detected.exitCode).toBe(0);
      await killWorker(worker);
      worker = undefined;
      const byDetect = detected.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as DetectionResult);
      const queued = ['e1', 'e2', 'e3'].map(
        (e) => JSON.parse(readFileSync(join(season, `${e}.intro.json`), 'utf8')) as DetectionResult,
      );
      const [q1, q2, q3] = queued as [DetectionResult, DetectionResult, DetectionResult];
      expectNear(segmentOf(q2, 'recap'), 0, 10);
      expectNear(segmentOf(q3, 'recap'), 0, 8);
      expectNear(segmentOf(q1, 'preview'), 60, 67);
      // Every segment as detect gives it: recaps, preview, and the intros they cut back.
      for (const [k, q] of queued.entries()) expectSame(q.segments!, byDetect[k]!.segments!);
    },
  );

  it(
    'watch --enqueue, one file at a time: the episode before a file gets the preview that only this one reveals',
    { timeout: 300_000 },
    async () => {
      const ingest = tmp.path('ingest');
      mkdirSync(join(ingest, 'Show'), { recursive: true });
      worker = startWorker(redis.url, '--models', MODELS);
      const arrive = async (k: number) => {
        copyFileSync(files[k]!, join(ingest, 'Show', basename(files[k]!)));
        const run = await cliOn(redis.url, 'watch', ingest, '--once', '--settle', '0', '--enqueue');
        expect(run.exitCode, run.all).toBe(0);
        await worker!.waitFor(new RegExp(`completed episode \\S+ .*e${k + 1}\\.mp4`), 120_000);
      };
      const read = (name: string) =>
        JSON.parse(
          readFileSync(join(ingest, 'Show', `${name}.intro.json`), 'utf8'),
        ) as DetectionResult;
      await arrive(0);
      expect(segmentOf(read('e1'), 'preview')).toBeUndefined();
      await arrive(1);
      expect(worker.log()).toMatch(
        /Show\/e1\.mp4: preview \d+–67 s \(now that Show\/e2\.mp4 is in\)/,
      );
      const preview = segmentOf(read('e1'), 'preview');
      // As watch finds it with two episodes in (test/e2e/recap.test.ts): it ends with the file
      // and holds the preview's shots (60–67 s), maybe with the credits card before them.
      expect(preview?.end).toBe(67);
      expect(preview!.start).toBeGreaterThanOrEqual(50);
      expect(preview!.start).toBeLessThanOrEqual(60);
      expectNear(segmentOf(read('e2'), 'recap'), 0, 10);
      await killWorker(worker);
      worker = undefined;
    },
  );
});
