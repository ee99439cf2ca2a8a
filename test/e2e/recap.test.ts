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
    'watch: a file gets its recap from the stored episodes before it (no preview: the next one is not in yet)',
    { timeout: 300_000 },
    async () => {
      const dir = tmp.path('ingest');
      mkdirSync(join(dir, 'Show'), { recursive: true });
      for (const f of files) copyFileSync(f, join(dir, 'Show', basename(f)));
      const run = await cli('watch', dir, '--once', '--settle', '0');
      expect(run.exitCode).toBe(0);
      const read = (name: string) =>
        JSON.parse(readFileSync(join(dir, `Show/${name}.intro.json`), 'utf8')) as DetectionResult;
      expectNear(segment(read('e2'), 'recap'), 0, 10);
      expectNear(segment(read('e3'), 'recap'), 0, 8);
      expect(segment(read('e1'), 'preview')).toBeUndefined();
    },
  );
});
