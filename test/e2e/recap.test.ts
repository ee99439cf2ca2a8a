import { execa } from 'execa';
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DetectionResult } from '../../src/fusion/detectionResult.js';
import { scratch } from '../helpers/clips.js';
import { expectNear, recapSeason, segmentOf as segment } from '../helpers/recapSeason.js';

// The generated season of test/helpers/recapSeason.ts (a recap in episodes 2 and 3, a preview
// at the end of episode 1), detected together through the CLI with the shipped models
// (models/fused, the CLI's default).
const cli = (...args: string[]) => execa('node', ['dist/cli/main.js', ...args], { reject: false });
const tmp = scratch('introdetect-recap-');

describe('the series step finds recaps and previews (a generated season, through the CLI)', () => {
  let files: string[];
  beforeAll(() => {
    mkdirSync(tmp.path('season'));
    files = recapSeason(tmp.path('season'));
  });
  afterAll(() => tmp.cleanup());

  it(
    'finds the recap built from episode 1 in episode 2 (and the others) within ±2 s',
    { timeout: 300_000 },
    async () => {
      const run = await cli('detect', ...files, '--format', 'json');
      expect(run.stderr).not.toMatch(/error/i);
      expect(run.exitCode).toBe(0);
      const [r1, r2, r3] = run.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as DetectionResult);
      expectNear(segment(r2!, 'recap'), 0, 10);
      expectNear(segment(r3!, 'recap'), 0, 8);
      expectNear(segment(r1!, 'preview'), 60, 67);
      expect(segment(r1!, 'recap')).toBeUndefined();
      expect(segment(r2!, 'preview')).toBeUndefined();
      expect(segment(r3!, 'preview')).toBeUndefined();
      for (const r of [r1!, r2!, r3!]) {
        const starts = r.segments!.map((s) => s.start);
        expect(starts).toEqual([...starts].sort((a, b) => a - b));
      }
    },
  );

  it(
    'watch: a file gets its recap from the stored episodes before it, and the one before it the preview that only this one reveals',
    { timeout: 300_000 },
    async () => {
      const dir = tmp.path('ingest');
      mkdirSync(join(dir, 'Show'), { recursive: true });
      // One at a time, as an ingest folder fills: e1 is written before e2 exists.
      const arrive = async (f: string) => {
        copyFileSync(f, join(dir, 'Show', basename(f)));
        const run = await cli(
          ...['watch', dir, '--once', '--settle', '0', '--format', 'json,edl'],
          ...['--edl-action', 'preview=2'],
        );
        expect(run.exitCode, run.stderr).toBe(0);
        return run.stderr;
      };
      const read = (name: string) =>
        JSON.parse(readFileSync(join(dir, `Show/${name}.intro.json`), 'utf8')) as DetectionResult;
      await arrive(files[0]!);
      expect(segment(read('e1'), 'preview')).toBeUndefined();
      const log = await arrive(files[1]!);
      // e2's arrival shows e1's tail is a preview of it: e1's results are rewritten.
      expect(log).toMatch(/Show\/e1\.mp4: preview \d+–67 s \(now that Show\/e2\.mp4 is in\)/);
      const e1 = read('e1');
      const preview = segment(e1, 'preview');
      // It ends with the file and holds the preview's shots, 60–67 s. With two episodes in, the
      // credits card before it (50–60 s; the model misses e2's credits) may come with it: it
      // takes a third episode to show that card as season furniture (detect on the whole season
      // gives 60–67).
      expect(preview?.end).toBe(67);
      expect(preview!.start).toBeLessThanOrEqual(60);
      expect(preview!.start).toBeGreaterThanOrEqual(50);
      const starts = e1.segments!.map((s) => s.start);
      expect(starts).toEqual([...starts].sort((a, b) => a - b));
      // The EDL result is rewritten too, with the preview's action.
      expect(readFileSync(join(dir, 'Show/e1.intro.edl'), 'utf8')).toMatch(
        new RegExp(`^${preview!.start}\\.0+\\s+67\\.0+\\s+2$`, 'm'),
      );
      await arrive(files[2]!);
      expectNear(segment(read('e2'), 'recap'), 0, 10);
      expectNear(segment(read('e3'), 'recap'), 0, 8);
      expect(segment(read('e2'), 'preview')).toBeUndefined();
      expect(segment(read('e1'), 'preview')).toEqual(preview);
    },
  );
});
