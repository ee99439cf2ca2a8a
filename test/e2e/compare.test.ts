import { execa } from 'execa';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DetectionResult } from '../../src/fusion/detectionResult.js';
import { concatClip, scratch, type ClipPart } from '../helpers/clips.js';

// `introdetect compare` on a tiny labelled set of real clips: two episodes of one series that
// share an intro, one of another series without one. The random-weight fixtures say nothing
// about accuracy; what is checked is the harness: both modes on the same episodes, the table,
// the JSON, the predictions, and the series grouping.
const cli = (...args: string[]) => execa('node', ['dist/cli/main.js', ...args], { reject: false });
const tmp = scratch('introdetect-compare-');
const INTRO: ClipPart = ['testsrc2', "aevalsrc='0.3*sin(2*PI*(200+30*t)*t)'", 20];

describe('introdetect compare', () => {
  let labels: string;
  beforeAll(() => {
    mkdirSync(tmp.path('a'));
    mkdirSync(tmp.path('b'));
    concatClip(tmp.path('a/a1.mp4'), [
      ['mandelbrot', 'anoisesrc=c=pink:a=0.2', 6],
      INTRO,
      ['smptehdbars', "aevalsrc='0.2*sin(2*PI*330*t)'", 34],
    ]);
    concatClip(tmp.path('a/a2.mp4'), [INTRO, ['rgbtestsrc', 'anoisesrc=c=brown:a=0.3', 40]]);
    concatClip(tmp.path('b/b1.mp4'), [['cellauto=rule=30', "aevalsrc='0.2*sin(2*PI*550*t)'", 30]]);
    labels = tmp.path('labels.json');
    const entry = (file: string, series: string, intro: [string, string] | null) => ({
      start: intro?.[0] ?? null,
      end: intro?.[1] ?? null,
      file,
      series,
      split: 'test',
    });
    writeFileSync(
      labels,
      JSON.stringify({
        a1: entry('a/a1.mp4', 'a', ['0:00:06', '0:00:26']),
        a2: entry('a/a2.mp4', 'a', ['0:00:00', '0:00:20']),
        b1: entry('b/b1.mp4', 'b', null),
      }),
    );
  });
  afterAll(() => tmp.cleanup());

  const compare = (...extra: string[]) =>
    cli(
      'compare',
      '--labels',
      labels,
      '--fused-models',
      'test/fixtures/models/tiny-fused',
      '--vision-models',
      'test/fixtures/models/tiny-vision',
      ...extra,
    );

  it('scores both modes on the same episodes: a table, JSON metrics and predictions', async () => {
    const run = await compare('--json', tmp.path('m.json'), '--pred-dir', tmp.path('pred'));
    expect(run.exitCode).toBe(0);
    const [head, , ...rows] = run.stdout.trim().split('\n');
    expect(head).toMatch(/^metric\s+vision\s+fused$/);
    expect(rows.find((r) => r.startsWith('episodes scored'))).toMatch(/\s3\s+3$/);
    for (const name of [
      'intro per-second F1 %',
      'credits presence P / R %',
      'speed, media s per wall s',
    ])
      expect(rows.some((r) => r.startsWith(name))).toBe(true);
    const runs = JSON.parse(readFileSync(tmp.path('m.json'), 'utf8')) as Array<{
      mode: string;
      metrics: { episodes: { matched: number } };
      failures: unknown[];
    }>;
    expect(runs.map((r) => [r.mode, r.metrics.episodes.matched, r.failures.length])).toEqual([
      ['vision', 3, 0],
      ['fused', 3, 0],
    ]);
    // Series a's two episodes were detected together; b1 alone.
    const pred = (mode: string, id: string) =>
      JSON.parse(readFileSync(tmp.path(`pred/${mode}/${id}.json`), 'utf8')) as DetectionResult;
    for (const mode of ['fused', 'vision']) {
      expect(pred(mode, 'a1').repeated).toBeDefined();
      expect(pred(mode, 'a2').repeated).toBeDefined();
      expect('repeated' in pred(mode, 'b1')).toBe(false);
    }
    const shared = pred('fused', 'a1').repeated![0]!;
    expect(Math.abs(shared.start - 6)).toBeLessThanOrEqual(1);
    expect(Math.abs(shared.end - 26)).toBeLessThanOrEqual(1);
  });

  it('--series both scores each mode before and after the series step, from one detection', async () => {
    const run = await compare('--modes', 'fused', '--series', 'both', '--pred-dir', tmp.path('p3'));
    expect(run.exitCode).toBe(0);
    expect(run.stdout.split('\n')[0]).toMatch(/^metric\s+fused-alone\s+fused$/);
    const pred = (dir: string, id: string) =>
      JSON.parse(readFileSync(tmp.path(`p3/${dir}/${id}.json`), 'utf8')) as DetectionResult;
    expect('repeated' in pred('fused-alone', 'a1')).toBe(false);
    expect(pred('fused', 'a1').repeated).toBeDefined();
    // The same detection underneath: the probabilities are identical.
    expect(pred('fused', 'a2').probabilities).toEqual(pred('fused-alone', 'a2').probabilities);
  });

  it('--series none scores each episode alone; a missing file is a failure, not a crash', async () => {
    writeFileSync(
      tmp.path('labels2.json'),
      readFileSync(labels, 'utf8').replace('"b/b1.mp4"', '"b/missing.mp4"'),
    );
    const run = await cli(
      'compare',
      '--labels',
      tmp.path('labels2.json'),
      '--modes',
      'fused',
      '--fused-models',
      'test/fixtures/models/tiny-fused',
      '--series',
      'none',
      '--pred-dir',
      tmp.path('pred2'),
      '--json',
      tmp.path('m2.json'),
    );
    expect(run.exitCode).toBe(0);
    expect(run.stderr).toMatch(/b1: failed: Input not found: .*missing\.mp4/);
    const [fused] = JSON.parse(readFileSync(tmp.path('m2.json'), 'utf8')) as Array<{
      failures: Array<{ id: string }>;
    }>;
    expect(fused!.failures.map((f) => f.id)).toEqual(['b1']);
    const a1 = JSON.parse(readFileSync(tmp.path('pred2/fused/a1.json'), 'utf8')) as DetectionResult;
    expect('repeated' in a1).toBe(false);
  });

  it('--refine adds a refined column from the same detections, with what refining cost beside detection', async () => {
    const run = await compare('--modes', 'fused', '--refine', '--json', tmp.path('m4.json'));
    expect(run.exitCode, run.stderr).toBe(0);
    const [head, , ...rows] = run.stdout.trim().split('\n');
    expect(head).toMatch(/^metric\s+fused\s+fused refined$/);
    expect(rows.find((r) => r.startsWith('refining, % of detection wall s'))).toMatch(
      /\s-\s+\d+\.\d$/,
    );
    const runs = JSON.parse(readFileSync(tmp.path('m4.json'), 'utf8')) as Array<{
      label: string;
      wallSeconds: number;
      refineSeconds?: number;
    }>;
    expect(runs.map((r) => r.label)).toEqual(['fused', 'fused refined']);
    expect(runs[0]!.refineSeconds).toBeUndefined();
    expect(runs[1]!.refineSeconds).toBeGreaterThan(0);
    // Speed is detection's in both columns: refining is counted apart.
    expect(runs[1]!.wallSeconds).toBe(runs[0]!.wallSeconds);
  });
});
