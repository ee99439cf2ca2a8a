import type { Interval } from '../labels/types.js';

/** One episode's comparison of a labelled and a predicted interval of one kind. */
export interface EpisodeKindScore {
  /** The label interval clipped to [0, duration]; null when none (or empty after clipping). */
  label: Interval | null;
  /** The predicted interval clipped to [0, duration]; null when none. */
  pred: Interval | null;
  /** Per-second confusion counts over the episode's floor(duration) seconds. */
  tp: number;
  fp: number;
  fn: number;
  tn: number;
  /** |label ∩ pred| / |label ∪ pred| in seconds; 1 when both are empty, 0 when one is. */
  iou: number;
  /** |pred.start − label.start| and |pred.end − label.end|, when both have the interval. */
  startError: number | null;
  endError: number | null;
}

/** Clips an interval to [0, duration]; null when nothing is left. `Infinity` ends close here. */
function clipInterval(interval: Interval | null | undefined, duration: number): Interval | null {
  if (!interval) return null;
  const start = Math.max(0, interval.start);
  const end = Math.min(interval.end, duration);
  return end > start ? { start, end } : null;
}

/** The whole seconds t with start <= t < end, within [0, n), as the range [from, to). */
function secondRange(interval: Interval | null, n: number): [number, number] {
  if (!interval) return [0, 0];
  const from = Math.min(n, Math.max(0, Math.ceil(interval.start)));
  const to = Math.min(n, Math.max(from, Math.ceil(interval.end)));
  return [from, to];
}

/** Scores one kind (intro or credits) of one episode of `duration` seconds. */
export function scoreEpisodeKind(
  labelInterval: Interval | null | undefined,
  predInterval: Interval | null | undefined,
  duration: number,
): EpisodeKindScore {
  const n = Math.floor(duration);
  const label = clipInterval(labelInterval, duration);
  const pred = clipInterval(predInterval, duration);
  const [a0, a1] = secondRange(label, n);
  const [b0, b1] = secondRange(pred, n);
  const lenA = a1 - a0;
  const lenB = b1 - b0;
  const inter = Math.max(0, Math.min(a1, b1) - Math.max(a0, b0));
  const union = lenA + lenB - inter;
  const both = label !== null && pred !== null;
  return {
    label,
    pred,
    tp: inter,
    fp: lenB - inter,
    fn: lenA - inter,
    tn: n - union,
    iou: union === 0 ? 1 : inter / union,
    startError: both ? Math.abs(pred.start - label.start) : null,
    endError: both ? Math.abs(pred.end - label.end) : null,
  };
}

/** The seconds of `pieces` (each clipped to [0, duration]) on the grid of n whole seconds. */
function secondsOf(pieces: readonly Interval[], duration: number, n: number): Uint8Array {
  const mask = new Uint8Array(n);
  for (const piece of pieces) {
    const [from, to] = secondRange(clipInterval(piece, duration), n);
    mask.fill(1, from, to);
  }
  return mask;
}

/** The interval from the first start to the last end of the pieces left after clipping. */
function hullOf(pieces: readonly Interval[], duration: number): Interval | null {
  const clipped = pieces.flatMap((p) => clipInterval(p, duration) ?? []);
  if (clipped.length === 0) return null;
  return {
    start: Math.min(...clipped.map((p) => p.start)),
    end: Math.max(...clipped.map((p) => p.end)),
  };
}

/**
 * Scores one part type of one episode where label and prediction may each hold several pieces
 * (or none): the per-second counts and IoU over the union of the pieces' seconds, the
 * boundaries (and `label`/`pred`) from the first start to the last end. With at most one piece
 * on each side it is {@link scoreEpisodeKind}.
 */
export function scoreEpisodeParts(
  labelPieces: readonly Interval[],
  predPieces: readonly Interval[],
  duration: number,
): EpisodeKindScore {
  const n = Math.floor(duration);
  const label = hullOf(labelPieces, duration);
  const pred = hullOf(predPieces, duration);
  const a = secondsOf(labelPieces, duration, n);
  const b = secondsOf(predPieces, duration, n);
  let tp = 0;
  let fp = 0;
  let fn = 0;
  for (let t = 0; t < n; t++) {
    if (a[t] && b[t]) tp++;
    else if (b[t]) fp++;
    else if (a[t]) fn++;
  }
  const union = tp + fp + fn;
  const both = label !== null && pred !== null;
  return {
    label,
    pred,
    tp,
    fp,
    fn,
    tn: n - union,
    iou: union === 0 ? 1 : tp / union,
    startError: both ? Math.abs(pred.start - label.start) : null,
    endError: both ? Math.abs(pred.end - label.end) : null,
  };
}

/** One episode's mid-credits scene(s) against the predicted credits. */
export interface MidCreditsScore {
  /** The labelled scenes, clipped to [0, duration]. */
  scenes: Interval[];
  /** Whole seconds of the scenes (the per-second grid of {@link scoreEpisodeKind}). */
  seconds: number;
  /** Of those, the seconds inside a predicted credits piece: 0 when the scene stays playable. */
  insideCredits: number;
}

/** How much of the labelled mid-credits scenes lies inside the predicted credits pieces. */
export function scoreMidCredits(
  scenes: readonly Interval[],
  creditsPieces: readonly Interval[],
  duration: number,
): MidCreditsScore {
  const n = Math.floor(duration);
  const a = secondsOf(scenes, duration, n);
  const b = secondsOf(creditsPieces, duration, n);
  let seconds = 0;
  let insideCredits = 0;
  for (let t = 0; t < n; t++) {
    if (!a[t]) continue;
    seconds++;
    if (b[t]) insideCredits++;
  }
  return {
    scenes: scenes.flatMap((s) => clipInterval(s, duration) ?? []),
    seconds,
    insideCredits,
  };
}
