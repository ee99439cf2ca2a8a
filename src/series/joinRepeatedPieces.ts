import type { ProbabilityTrack } from '../fusion/detectionResult.js';
import type { Interval } from '../fusion/pickInterval.js';

/** Least share of the model's intro that must lie in a repeated stretch for it to be used. */
export const MIN_OVERLAP = 0.5;

/**
 * The model's intro, widened over the other pieces called intro inside a stretch this episode
 * shares with its series. An intro of quick cuts can dip below the threshold for a few seconds
 * and come out in pieces, of which the decision keeps one; when the same pictures and sound
 * recur in other episodes, the pieces belong to one repeated sequence. `evidence` is the
 * probability track to read the pieces from: the episode's own, or one where repeated seconds
 * carry the highest probability of their copies (`refineSeries`). Only seconds above
 * `threshold` widen it, so a repeated logo or recap next to the intro that no copy calls intro
 * is never added, and an episode with no intro keeps none. A stretch counts only when it holds
 * at least half of the intro. `repeated` holds file seconds, sorted and disjoint. Confidence
 * is the mean of `evidence` over the widened interval.
 *
 * `trim`: stretches to cut the intro back to where it overshoots one by at most `max` seconds
 * (a repeated sequence ends where its copies stop matching; the model's edges can spill a
 * second or two into what comes before or after). Only ever shrinks, so a repeated logo
 * before the intro is never added this way either.
 */
export function joinRepeatedPieces(
  intro: Interval | null,
  evidence: ProbabilityTrack,
  threshold: number,
  repeated: ReadonlyArray<{ start: number; end: number }>,
  trim?: { to: ReadonlyArray<{ start: number; end: number }>; max: number },
): Interval | null {
  if (!intro) return null;
  const p = (t: number): number => evidence.values[t - evidence.from] ?? 0;
  let start = intro.start;
  let end = intro.end;
  /** Whether stretch r holds at least MIN_OVERLAP of [from, to). */
  const holds = (r: { start: number; end: number }, from: number, to: number) =>
    Math.min(r.end, to) - Math.max(r.start, from) >= MIN_OVERLAP * (to - from);
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
    if (r.start > start && r.start - start <= trim!.max && r.start < end) start = r.start;
    if (r.end < end && end - r.end <= trim!.max && r.end > start) end = r.end;
  }
  if (start === intro.start && end === intro.end) return intro;
  let sum = 0;
  for (let t = start; t < end; t++) sum += p(t);
  return { start, end, confidence: sum / (end - start) };
}
