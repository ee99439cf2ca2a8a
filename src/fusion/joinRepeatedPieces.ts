import type { ProbabilityTrack } from './detectionResult.js';
import type { Interval } from './pickInterval.js';

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
 */
export function joinRepeatedPieces(
  intro: Interval | null,
  evidence: ProbabilityTrack,
  threshold: number,
  repeated: ReadonlyArray<{ start: number; end: number }>,
): Interval | null {
  if (!intro) return null;
  const p = (t: number): number => evidence.values[t - evidence.from] ?? 0;
  let start = intro.start;
  let end = intro.end;
  for (const r of repeated) {
    const overlap = Math.min(r.end, intro.end) - Math.max(r.start, intro.start);
    if (overlap < MIN_OVERLAP * (intro.end - intro.start)) continue;
    for (let t = r.start; t < r.end; t++) {
      if (p(t) > threshold) {
        start = Math.min(start, t);
        end = Math.max(end, t + 1);
      }
    }
  }
  if (start === intro.start && end === intro.end) return intro;
  let sum = 0;
  for (let t = start; t < end; t++) sum += p(t);
  return { start, end, confidence: sum / (end - start) };
}
