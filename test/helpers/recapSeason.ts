import { join } from 'node:path';
import { expect } from 'vitest';
import type { DetectedSegment, DetectionResult } from '../../src/fusion/detectionResult.js';
import { concatClip as episode, type ClipPart as Part } from './clips.js';

// A generated season of three episodes with a recap and a preview (test/e2e/recap.test.ts,
// test/e2e/queue-parts.test.ts). Every shot is its own lavfi footage (seeded, so the same shot
// renders the same frames wherever it is used); the intro and the credits card are the same in
// each episode. Episode 2 opens with a recap re-cut from episode 1's body (the first seconds of
// three of its shots, under other sound: a narrator), episode 3 with one from episode 2's, and
// episode 1 ends with a preview of episode 2's body after its credits.
const INTRO: Part = ['testsrc2', "aevalsrc='0.3*sin(2*PI*(200+30*t)*t)'", 12];
const CREDITS: Part = ['smptehdbars', "aevalsrc='0.2*sin(2*PI*660*t)*sin(PI*t)'", 10];
const NARRATOR = 'anoisesrc=c=white:a=0.08';

/** Footage of one shot, `seconds` long from its start, under `sound`. */
const shots: Record<string, string> = {
  b1: 'life=mold=10:ratio=0.3:seed=11',
  b2: 'cellauto=rule=30:seed=12:random_fill_ratio=0.5',
  b3: 'mandelbrot=start_x=-0.743643887:start_y=0.131825904',
  b4: 'sierpinski=seed=14:type=carpet',
  c1: 'life=mold=5:ratio=0.5:seed=21',
  c2: 'cellauto=rule=90:seed=22:random_fill_ratio=0.3',
  c3: 'mandelbrot=start_x=0.282:start_y=0.01:start_scale=1.5',
  c4: 'sierpinski=seed=24:type=triangle',
  d1: 'life=mold=20:ratio=0.2:seed=31',
  d2: 'cellauto=rule=150:seed=32:random_fill_ratio=0.6',
  d3: 'testsrc',
  x1: 'life=mold=2:ratio=0.7:seed=41',
  x3: 'cellauto=rule=110:seed=43:random_fill_ratio=0.4',
};
const shot = (id: string, seconds: number, sound = 'anoisesrc=c=pink:a=0.2'): Part => [
  shots[id]!,
  sound,
  seconds,
];
const body = (...ids: string[]): Part[] =>
  ids.map((id, k) => shot(id, 8, `aevalsrc='0.2*sin(2*PI*${300 + 70 * k}*t)'`));

/**
 * Writes the season into `dir` (which must exist) as e1.mp4, e2.mp4, e3.mp4; returns their
 * paths. Where the parts are: e1's preview [60, 67), e2's recap [0, 10), e3's recap [0, 8).
 */
export function recapSeason(dir: string): string[] {
  return [
    // 6 + 12 + 32 + 10 + 7 = 67 s: the preview (7 s) from 60 s on.
    episode(join(dir, 'e1.mp4'), [
      shot('x1', 6),
      INTRO,
      ...body('b1', 'b2', 'b3', 'b4'),
      CREDITS,
      shot('c2', 4, NARRATOR),
      shot('c4', 3, NARRATOR),
    ]),
    // Recap [0, 10): 3 s of b2, 4 s of b4, 3 s of b1; then the intro.
    episode(join(dir, 'e2.mp4'), [
      shot('b2', 3, NARRATOR),
      shot('b4', 4, NARRATOR),
      shot('b1', 3, NARRATOR),
      INTRO,
      ...body('c1', 'c2', 'c3', 'c4'),
      CREDITS,
    ]),
    // Recap [0, 8): 4 s of c3, 4 s of c1; then a cold open and the intro.
    episode(join(dir, 'e3.mp4'), [
      shot('c3', 4, NARRATOR),
      shot('c1', 4, NARRATOR),
      shot('x3', 6),
      INTRO,
      ...body('d1', 'd2', 'd3'),
      CREDITS,
    ]),
  ];
}

/** The first segment of `type` in a result. */
export const segmentOf = (r: DetectionResult, type: DetectedSegment['type']) =>
  r.segments?.find((s) => s.type === type);

/** A part found within ±2 s of [start, end), with a confidence in (0, 1]. */
export function expectNear(s: DetectedSegment | undefined, start: number, end: number): void {
  expect(s, `${start}-${end}`).toBeDefined();
  expect(Math.abs(s!.start - start)).toBeLessThanOrEqual(2);
  expect(Math.abs(s!.end - end)).toBeLessThanOrEqual(2);
  expect(s!.confidence).toBeGreaterThan(0);
  expect(s!.confidence).toBeLessThanOrEqual(1);
}
