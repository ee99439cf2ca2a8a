import { basename, extname } from 'node:path';
import { expect } from 'vitest';
import { parsePrediction } from '../../src/eval/parsePrediction.js';
import type { DetectionResult } from '../../src/fusion/detectionResult.js';
import type { Mode } from '../../src/fusion/modelConfig.js';

export interface ExpectedDetection {
  file: string;
  mode: Mode;
  /** Fractions of the file searched (model.json `decision.*.span`). */
  spans: { intro: number; credits: number };
  /** Length of the clip (s); checked to ±0.25 s when given (containers pad audio). */
  seconds?: number;
  /**
   * The whole clip was decoded: the probability tracks cover exactly the searched head
   * `[0, ceil(d · introSpan))` and tail `[floor(d · (1 − creditsSpan)), floor(d))`.
   */
  exact: boolean;
}

/** The keys of every `detect --format json` object (`repeated` only beside a season). */
export const DETECTION_KEYS = [
  'credits',
  'duration',
  'file',
  'id',
  'intro',
  'mode',
  'probabilities',
  'segments',
  'threshold',
];
const SEGMENT_TYPES = ['intro', 'credits', 'recap', 'preview', 'coldOpen', 'postCredits'];

/** Checks one `detect --format json` object against the README's schema; returns it typed. */
export function expectWellFormedDetection(
  value: unknown,
  want: ExpectedDetection,
): DetectionResult {
  expect(value).toBeTypeOf('object');
  const r = value as DetectionResult;
  // `repeated` only when the file was detected with other episodes of its series.
  expect(
    Object.keys(r)
      .filter((k) => k !== 'repeated')
      .sort(),
  ).toEqual(DETECTION_KEYS);
  expect(r.id).toBe(basename(want.file, extname(want.file)));
  expect(r.file).toBe(want.file);
  expect(Number.isFinite(r.duration) && r.duration >= 0).toBe(true);
  if (want.seconds !== undefined) expect(Math.abs(r.duration - want.seconds)).toBeLessThan(0.25);
  expect(r.mode).toBe(want.mode);

  const whole = Math.floor(r.duration + 1e-3);
  const { intro, credits } = r.probabilities;
  expect(intro.from).toBe(0);
  expect(Number.isInteger(credits.from) && credits.from >= 0).toBe(true);
  for (const track of [intro, credits]) {
    expect(track.from + track.values.length).toBeLessThanOrEqual(Math.max(whole, 0));
    for (const p of track.values) {
      expect(Number.isFinite(p)).toBe(true);
      expect(p).toBeGreaterThanOrEqual(0);
      expect(p).toBeLessThanOrEqual(1);
    }
  }
  if (want.exact) {
    expect(intro.values).toHaveLength(Math.min(whole, Math.ceil(r.duration * want.spans.intro)));
    expect(credits.from).toBe(Math.max(0, Math.floor(r.duration * (1 - want.spans.credits))));
    expect(credits.values).toHaveLength(Math.max(0, whole - credits.from));
  }
  for (const [interval, track] of [
    [r.intro, intro],
    [r.credits, credits],
  ] as const) {
    if (interval === null) continue;
    expect(interval.start).toBeGreaterThanOrEqual(track.from);
    expect(interval.end).toBeGreaterThan(interval.start);
    expect(interval.end).toBeLessThanOrEqual(track.from + track.values.length);
    expect(interval.confidence).toBeGreaterThanOrEqual(0);
    expect(interval.confidence).toBeLessThanOrEqual(1);
  }
  for (const t of [r.threshold.intro, r.threshold.credits]) {
    expect(t).toBeTypeOf('number');
    expect(t).toBeGreaterThanOrEqual(0);
    expect(t).toBeLessThanOrEqual(1);
  }
  if (r.repeated !== undefined) expectRepeatedWithin(r.repeated, r.probabilities.intro);
  // `segments`: every part in time order; its intro and credits are the fields above.
  const segments = r.segments ?? [];
  for (const [i, seg] of segments.entries()) {
    expect(SEGMENT_TYPES).toContain(seg.type);
    expect(seg.start).toBeGreaterThanOrEqual(0);
    expect(seg.end).toBeGreaterThan(seg.start);
    expect(seg.end).toBeLessThanOrEqual(r.duration + 1);
    expect(seg.confidence).toBeGreaterThanOrEqual(0);
    expect(seg.confidence).toBeLessThanOrEqual(1);
    if (i > 0) expect(seg.start).toBeGreaterThanOrEqual(segments[i - 1]!.start);
  }
  for (const type of ['intro', 'credits'] as const) {
    const field = r[type];
    const own = segments.filter((s) => s.type === type);
    if (field === null) expect(own).toEqual([]);
    else {
      expect(own[0]!.start).toBe(field.start);
      expect(own.at(-1)!.end).toBe(field.end);
    }
  }
  expect(() => parsePrediction(r, want.file)).not.toThrow();
  return r;
}

/** `repeated`: sorted, disjoint, non-empty stretches of whole seconds inside the intro track. */
export function expectRepeatedWithin(
  repeated: ReadonlyArray<{ start: number; end: number }>,
  track: { from: number; values: readonly number[] },
): void {
  let previousEnd = -Infinity;
  for (const r of repeated) {
    expect(Number.isInteger(r.start) && Number.isInteger(r.end)).toBe(true);
    expect(r.start).toBeGreaterThan(previousEnd);
    expect(r.end).toBeGreaterThan(r.start);
    expect(r.start).toBeGreaterThanOrEqual(track.from);
    expect(r.end).toBeLessThanOrEqual(track.from + track.values.length);
    previousEnd = r.end;
  }
}
