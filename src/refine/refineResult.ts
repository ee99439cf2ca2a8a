import type { DetectedSegment, DetectionResult } from '../fusion/detectionResult.js';
import { segmentsOfResult } from '../fusion/formats/segments.js';
import type { Interval } from '../fusion/pickInterval.js';
import { boundaryCues, type BoundaryCueOptions } from './boundaryCues.js';
import { round3, snapBoundary, type SnapCue, type SnapOptions } from './snapBoundary.js';

export interface RefineOptions extends BoundaryCueOptions, SnapOptions {
  /** Seconds decoded around each boundary's expected place, each side (default 1.5). */
  span?: number;
}

/** A boundary this close to the end of the file is its end (s). */
const END_SLACK = 1;

/** One boundary moved to the frame (what `refineResult` did, for logs and tests). */
export interface RefinedBoundary {
  from: number;
  to: number;
  cue: SnapCue;
}

/**
 * A result with every boundary of its parts (intro, credits and each segment) moved from whole
 * seconds to the frame where picture or sound changes (`snapBoundary`), decoding a few seconds
 * around each one. A boundary at the file's start stays; one in its last second moves to its end. One boundary shared by two
 * parts (an intro ending where a recap begins) is decoded once and moves for both. The result's
 * per-second probabilities stay as they were.
 */
export async function refineResult(
  result: DetectionResult,
  options: RefineOptions = {},
): Promise<{ result: DetectionResult; boundaries: RefinedBoundary[] }> {
  const { span = 1.5, centre = -0.5, ...rest } = options;
  const segments = segmentsOfResult(result);
  const times = new Set<number>();
  // The file's own start and end are boundaries already: a part that ends within the last
  // second (a credits roll that runs to the end) ends where the file does.
  const moved = new Map<number, number>();
  const add = (v: number) => {
    if (v >= result.duration - END_SLACK) moved.set(v, round3(result.duration));
    else if (v > 0) times.add(v);
  };
  for (const part of [result.intro, result.credits, ...segments]) {
    if (part) {
      add(part.start);
      add(part.end);
    }
  }
  const boundaries: RefinedBoundary[] = [];
  for (const t of [...times].sort((a, b) => a - b)) {
    const from = Math.max(0, t + centre - span);
    const to = Math.min(result.duration, t + centre + span);
    const cues = await boundaryCues(result.file, from, to, rest);
    const snapped = snapBoundary(t, cues, { ...rest, centre, reach: span });
    moved.set(t, snapped.time);
    boundaries.push({ from: t, to: snapped.time, cue: snapped.cue });
  }
  const at = (v: number) => moved.get(v) ?? v;
  const interval = (i: Interval | null): Interval | null =>
    i && { ...i, start: at(i.start), end: at(i.end) };
  const segment = (s: DetectedSegment): DetectedSegment => ({
    ...s,
    start: at(s.start),
    end: at(s.end),
  });
  return {
    result: {
      ...result,
      intro: interval(result.intro),
      credits: interval(result.credits),
      segments: segments.map(segment),
    },
    boundaries,
  };
}
