import { execa } from 'execa';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DetectionResult } from '../../src/fusion/detectionResult.js';
import { concatClip as episode, ffmpeg, scratch, type ClipPart as Part } from '../helpers/clips.js';
import { expectWellFormedDetection } from '../helpers/detectionSchema.js';

// Two "episodes" of one series share a 20-s intro at different places (one at a fractional
// second, so their 1-fps frames are sampled at different phases); everything else differs.
// The random-weight fixture model says nothing about intros, but the repeated stretch the
// series step finds comes from the real decoded pictures and sound alone.
const FUSED = 'test/fixtures/models/tiny-fused';
const cli = (...args: string[]) => execa('node', ['dist/cli/main.js', ...args], { reject: false });
const tmp = scratch('introdetect-series-');

// The intro: moving test pattern over a rising tone (different every second, the same in
// both episodes). Openings and bodies: other pictures over noise or steady tones.
const INTRO: Part = ['testsrc2', "aevalsrc='0.3*sin(2*PI*(200+30*t)*t)'", 20];

/** Seconds of each file in [start, end) (repeated stretches are found to about a second). */
function expectNear(got: Array<{ start: number; end: number }>, want: [number, number][]): void {
  expect(got).toHaveLength(want.length);
  got.forEach((r, i) => {
    expect(Math.abs(r.start - want[i]![0])).toBeLessThanOrEqual(1);
    expect(Math.abs(r.end - want[i]![1])).toBeLessThanOrEqual(1);
  });
}

describe('introdetect detect, several episodes of one series', () => {
  let e1: string;
  let e2: string;
  let elsewhere: string;
  beforeAll(() => {
    mkdirSync(tmp.path('season1'));
    mkdirSync(tmp.path('other'));
    e1 = episode(tmp.path('season1/e1.mp4'), [
      ['mandelbrot', 'anoisesrc=c=pink:a=0.2', 10],
      INTRO,
      ['smptehdbars', "aevalsrc='0.2*sin(2*PI*330*t)'", 30],
    ]);
    e2 = episode(tmp.path('season1/e2.mp4'), [
      ['life=mold=10:ratio=0.3:seed=7', 'anoisesrc=c=brown:a=0.3', 23.4],
      INTRO,
      ['cellauto=rule=110', "aevalsrc='0.2*sin(2*PI*550*t)'", 50],
    ]);
    elsewhere = tmp.path('other/e2.mp4');
    ffmpeg('-i', e2, '-c', 'copy', elsewhere);
  });
  afterAll(() => tmp.cleanup());

  const detect = async (...args: string[]) => {
    const run = await cli('detect', ...args, '--models', FUSED, '--intro-span', '0.9');
    expect(run.stderr).not.toMatch(/error/i);
    expect(run.exitCode).toBe(0);
    return run.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as DetectionResult);
  };

  it('finds the intro both files share, at its place in each (files in one folder)', async () => {
    const [r1, r2] = await detect(e1, e2);
    for (const [r, file, seconds] of [
      [r1, e1, 60],
      [r2, e2, 93.4],
    ] as const) {
      expectWellFormedDetection(r, {
        file,
        mode: 'fused',
        spans: { intro: 0.9, credits: 0.25 },
        seconds,
        exact: true,
      });
    }
    expectNear(r1!.repeated!, [[10, 30]]);
    expectNear(r2!.repeated!, [[24, 43]]);
  });

  it('watch: a file joins the ones of its folder processed before it', async () => {
    const dir = tmp.path('ingest');
    mkdirSync(join(dir, 'Show'), { recursive: true });
    copyFileSync(e1, join(dir, 'Show/e1.mp4'));
    copyFileSync(e2, join(dir, 'Show/e2.mp4'));
    const watch = (...extra: string[]) =>
      cli('watch', dir, '--once', '--settle', '0', '--models', FUSED, ...extra);
    const run = await watch();
    expect(run.exitCode).toBe(0);
    const read = (name: string) =>
      JSON.parse(readFileSync(join(dir, `Show/${name}.intro.json`), 'utf8')) as DetectionResult;
    // One file at a time, in name order: e1 had no partner yet; e2 had e1 (both intros lie in
    // the first half, the span watch searches).
    expect('repeated' in read('e1')).toBe(false);
    expectNear(read('e2').repeated!, [[24, 43]]);
    // The prints live beside the state file, in a hidden folder the watcher never scans.
    expect(readdirSync(dir).filter((n) => n.startsWith('.introdetect-watch'))).toContain(
      '.introdetect-watch.series',
    );
  });

  it('reports a bad file in the season and joins the others around it', async () => {
    const bad = tmp.path('season1/e1b.mp4');
    writeFileSync(bad, 'not a video');
    try {
      const run = await cli('detect', e1, bad, e2, '--models', FUSED, '--intro-span', '0.9');
      expect(run.exitCode).toBe(5); // NOT_MEDIA, the first failure's code
      expect(run.stderr).toMatch(/e1b\.mp4: .*\[NOT_MEDIA\]/);
      const [r1, r2] = run.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as DetectionResult);
      expect([r1!.file, r2!.file]).toEqual([e1, e2]);
      expectNear(r1!.repeated!, [[10, 30]]);
      expectNear(r2!.repeated!, [[24, 43]]);
    } finally {
      rmSync(bad);
    }
  });

  it('treats each file alone with --series none, or when they are in different folders', async () => {
    const alone = await detect(e1, e2, '--series', 'none');
    expect(alone.map((r) => 'repeated' in r)).toEqual([false, false]);
    const apart = await detect(e1, elsewhere);
    expect(apart.map((r) => 'repeated' in r)).toEqual([false, false]);
  });
});
