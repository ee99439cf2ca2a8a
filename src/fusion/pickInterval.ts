import type { Cluster } from './clusterPositives.js';
import type { PickRule } from './decisionConfig.js';

/** A detected interval, in seconds of the probabilities' timeline: [start, end). */
export interface Interval {
  start: number;
  end: number;
  /** Mean probability over the interval's seconds, in [0, 1]. */
  confidence: number;
}

export interface PickOptions {
  rule: PickRule;
  /** `mass` rule: merge clusters separated by at most this many seconds (default 0). */
  mergeGap?: number;
  /** Drop candidates shorter than this many seconds (default 0). */
  minLength?: number;
}

/** Merges neighbouring clusters (sorted by start) whose gap is at most `gap` seconds. */
export function mergeClusters(clusters: readonly Cluster[], gap: number): Cluster[] {
  const out: Cluster[] = [];
  for (const c of [...clusters].sort((a, b) => a.start - b.start)) {
    const prev = out[out.length - 1];
    if (prev && c.start - prev.end <= gap) {
      out[out.length - 1] = {
        start: prev.start,
        end: Math.max(prev.end, c.end),
        count: prev.count + c.count,
        mass: prev.mass + c.mass,
      };
    } else {
      out.push({ ...c });
    }
  }
  return out;
}

/**
 * Picks one interval from the clusters, or null when there is none ("no intro").
 * - `largest`: most positive seconds; ties go to the earlier cluster.
 * - `mass`: merge clusters at most `mergeGap` apart, then highest summed probability; ties go
 *   to the earlier one.
 * Candidates shorter than `minLength` are dropped first. Confidence is the mean of `probs` over
 * [start, end).
 */
export function pickInterval(
  clusters: readonly Cluster[],
  probs: ArrayLike<number>,
  options: PickOptions,
): Interval | null {
  const candidates = (
    options.rule === 'mass' ? mergeClusters(clusters, options.mergeGap ?? 0) : [...clusters]
  )
    .filter((c) => c.end - c.start >= (options.minLength ?? 0))
    .sort((a, b) => a.start - b.start);
  const score = (c: Cluster) => (options.rule === 'mass' ? c.mass : c.count);
  let best: Cluster | undefined;
  for (const c of candidates) if (!best || score(c) > score(best)) best = c;
  if (!best) return null;
  let sum = 0;
  for (let i = best.start; i < best.end; i++) sum += probs[i] ?? 0;
  return {
    start: best.start,
    end: best.end,
    confidence: Math.min(1, Math.max(0, sum / (best.end - best.start))),
  };
}
