/** A run of seconds the first pass found likely, [start, end) in file seconds. */
export interface CandidateRun {
  start: number;
  end: number;
  /** Sum of the probabilities over the run. */
  mass: number;
}

/**
 * The `k` runs of consecutive seconds whose first-pass probability is at least `minP`, the
 * heaviest first (ties: the earlier). With two passes the picture between keyframes is held,
 * so a short intro (a title card of a few seconds) can sit well below the decision threshold
 * in the first pass and never get a boundary; decoding every frame around such runs too lets
 * the exact pass see it. `track.values[i]` is second `track.from + i`.
 */
export function candidateRuns(
  track: { from: number; values: readonly number[] },
  minP: number,
  k: number,
): CandidateRun[] {
  const runs: CandidateRun[] = [];
  let open: CandidateRun | null = null;
  track.values.forEach((p, i) => {
    if (p >= minP) {
      const t = track.from + i;
      if (open) {
        open.end = t + 1;
        open.mass += p;
      } else open = { start: t, end: t + 1, mass: p };
    } else if (open) {
      runs.push(open);
      open = null;
    }
  });
  if (open) runs.push(open);
  return runs
    .map((r, order) => ({ r, order }))
    .sort((a, b) => b.r.mass - a.r.mass || a.order - b.order)
    .slice(0, Math.max(0, k))
    .map(({ r }) => r);
}
