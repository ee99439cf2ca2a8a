import type { DetectedSegment, DetectionResult } from '../fusion/detectionResult.js';
import { segmentsOfResult } from '../fusion/formats/segments.js';
import type { Interval } from '../fusion/pickInterval.js';
import { boundaryCues, type BoundaryCueOptions } from './boundaryCues.js';
import {
  DEFAULT_REACH,
  round3,
  snapBoundary,
  type SnapCue,
  type SnapOptions,
} from './snapBoundary.js';

export interface RefineOptions extends BoundaryCueOptions, Omit<SnapOptions, 'centre' | 'reach'> {
  /**
   * Where the truth lies relative to the whole-second boundary, by kind of boundary (s).
   * Defaults, chosen on the validation split's copies shifted by whole frames (`npm run
   * bench:refine`): the credits' start is decided about half a second early (`credits.start`
   * +0.5), the intro's end a little (`intro.end` +0.25); every other boundary 0.
   */
  centres?: Partial<Record<BoundaryKind, number>>;
  /**
   * How far from there a cue is taken (s, default 1.5); that much is decoded each side. A
   * decision a whole second off still has its cut within reach (on eval-v1, three intro ends
   * decided a second late into a silent second were moved to where the sound came back, 1.7 s
   * past the cut, when the reach was 1 s).
   */
  reach?: number;
}

/** Which end of which part a boundary is (a segment's type and end). */
export type BoundaryKind = `${DetectedSegment['type']}.${'start' | 'end'}`;

const DEFAULT_CENTRES: Partial<Record<BoundaryKind, number>> = {
  'credits.start': 0.5,
  'intro.end': 0.25,
};

/** An intro's or the credits' boundary (the parts the models decide, with tuned centres). */
const isMain = (kind: BoundaryKind) => kind.startsWith('intro.') || kind.startsWith('credits.');

/** A boundary this close to the end of the file is its end (s). */
const END_SLACK = 1;

/**
 * Where a part goes once its boundaries have moved: both ends moved, unless that would leave
 * it empty or inside out (a part of a second or two whose ends snapped to one cut between
 * them, or past each other): such a part keeps its whole seconds.
 */
export function placeOf(
  moved: ReadonlyMap<number, number>,
): (part: { start: number; end: number }) => { start: number; end: number } {
  return ({ start, end }) => {
    const to = { start: moved.get(start) ?? start, end: moved.get(end) ?? end };
    return to.start < to.end ? to : { start, end };
  };
}

/** One boundary moved to the frame (what `refineResult` did, for logs and tests). */
export interface RefinedBoundary {
  from: number;
  to: number;
  cue: SnapCue;
  kind: BoundaryKind;
}

/**
 * A result with every boundary of its parts (intro, credits and each segment) moved from whole
 * seconds to the frame where picture or sound changes (`snapBoundary`), decoding a few seconds
 * around each one. A boundary at the file's start stays; one in its last second moves to its
 * end. One boundary shared by two parts (an intro ending where a recap begins) is decoded once
 * and moves for both. A part that refining would leave empty keeps its whole seconds
 * (`placeOf`). The result's per-second probabilities stay as they were.
 */
export async function refineResult(
  result: DetectionResult,
  options: RefineOptions = {},
): Promise<{ result: DetectionResult; boundaries: RefinedBoundary[] }> {
  const { reach = DEFAULT_REACH, centres: given, ...rest } = options;
  const centres = { ...DEFAULT_CENTRES, ...given };
  // The intro and credits are among the segments (`segmentsOfResult` keeps them in step).
  const segments = segmentsOfResult(result);
  // Each boundary once, with the kind it is first named as (segments in time order), except
  // that one the intro or the credits share with another part is theirs: their centres are the
  // measured ones (eval-v2's s03e01: a false preview ending where the credits start took the
  // credits' start to the cut a second before the right one).
  const kinds = new Map<number, BoundaryKind>();
  // The file's own start and end are boundaries already: a part that ends within the last
  // second (a credits roll that runs to the end) ends where the file does.
  const moved = new Map<number, number>();
  const add = (v: number, kind: BoundaryKind) => {
    if (v >= result.duration - END_SLACK) moved.set(v, round3(result.duration));
    else if (v > 0 && (!kinds.has(v) || (isMain(kind) && !isMain(kinds.get(v)!))))
      kinds.set(v, kind);
  };
  for (const part of segments) {
    add(part.start, `${part.type}.start`);
    add(part.end, `${part.type}.end`);
  }
  const boundaries: RefinedBoundary[] = [];
  for (const [t, kind] of [...kinds].sort((a, b) => a[0] - b[0])) {
    const centre = centres[kind] ?? 0;
    const from = Math.max(0, t + centre - reach);
    const to = Math.min(result.duration, t + centre + reach);
    const cues = await boundaryCues(result.file, from, to, rest);
    const snapped = snapBoundary(t, cues, { ...rest, centre, reach });
    moved.set(t, snapped.time);
    boundaries.push({ from: t, to: snapped.time, cue: snapped.cue, kind });
  }
  const place = placeOf(moved);
  const interval = (i: Interval | null): Interval | null => i && { ...i, ...place(i) };
  const segment = (s: DetectedSegment): DetectedSegment => ({ ...s, ...place(s) });
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
