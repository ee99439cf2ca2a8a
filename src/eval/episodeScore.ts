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
