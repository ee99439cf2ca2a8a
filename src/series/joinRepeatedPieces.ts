import type { ProbabilityTrack } from '../fusion/detectionResult.js';
import type { Interval } from '../fusion/pickInterval.js';

/** How `joinRepeatedPieces` widens and cuts back (the model's `series` block sets both). */
export interface JoinPiecesOptions {
  /** Least share of the model's intro a stretch must hold to be used (default 0.5). */
  minOverlap?: number;
  /** Stretches to cut the intro back to where it overshoots one by at most `max` seconds. */
  trim?: { to: ReadonlyArray<{ start: number; end: number }>; max: number; maxStart?: number };
}

/**
 * The model's intro, widened over the other pieces called intro inside a stretch this episode
 * shares with its series. An intro of quick cuts can dip below the threshold for a few seconds
 * and come out in pieces, of which the decision keeps one; when the same pictures and sound
 * recur in other episodes, the pieces belong to one repeated sequence. `evidence` is the
 * probability track to read the pieces from: the episode's own, or one where repeated seconds
 * carry the highest probability of their copies (`refineSeries`). Only seconds above
 * `threshold` widen it, so a repeated logo or recap next to the intro that no copy calls intro
 * is never added, and an episode with no intro keeps none. A stretch counts only when it holds
 * at least `minOverlap` (half) of the intro. `repeated` holds file seconds, sorted and disjoint. Confidence
 * is the mean of `evidence` over the widened interval.
 *
 * `options.trim`: stretches to cut the intro back to where it overshoots one by at most `max` seconds
 * (a repeated sequence ends where its copies stop matching; the model's edges can spill a
 * second or two into what comes before or after). Only ever shrinks, so a repeated logo
 * before the intro is never added this way either.
 */
export function joinRepeatedPieces(
  intro: Interval | null,
  evidence: ProbabilityTrack,
  threshold: number,
  repeated: ReadonlyArray<{ start: number; end: number }>,
  options: JoinPiecesOptions = {},
): Interval | null {
  if (!intro) return null;
  const { trim, minOverlap = 0.5 } = options;
  const p = (t: number): number => evidence.values[t - evidence.from] ?? 0;
  let start = intro.start;
  let end = intro.end;
  /** Whether stretch r holds at least minOverlap of [from, to). */
  const holds = (r: { start: number; end: number }, from: number, to: number) =>
    Math.min(r.end, to) - Math.max(r.start, from) >= minOverlap * (to - from);
  for (const r of repeated) {
    if (!holds(r, intro.start, intro.end)) continue;
    for (let t = r.start; t < r.end; t++) {
      if (p(t) > threshold) {
        start = Math.min(start, t);
        end = Math.max(end, t + 1);
      }
    }
  }
  for (const r of trim?.to ?? []) {
    if (!holds(r, start, end)) continue;
    if (r.start > start && r.start - start <= (trim!.maxStart ?? trim!.max) && r.start < end)
      start = r.start;
    if (r.end < end && end - r.end <= trim!.max && r.end > start) end = r.end;
  }
  if (start === intro.start && end === intro.end) return intro;
  let sum = 0;
  for (let t = start; t < end; t++) sum += p(t);
  return { start, end, confidence: sum / (end - start) };
}
