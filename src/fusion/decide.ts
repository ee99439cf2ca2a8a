import { clusterPositives } from './clusterPositives.js';
import type { TargetDecision } from './decisionConfig.js';
import { type Interval, pickInterval } from './pickInterval.js';

/**
 * Per-second probabilities of one target over one search span → the interval (in seconds of
 * the span), or null. `clusterPositives` then `pickInterval` with the model's decision block.
 */
export function decide(probs: ArrayLike<number>, decision: TargetDecision): Interval | null {
  const clusters = clusterPositives(probs, decision.threshold, decision.eps, decision.minPts);
  const picked = pickInterval(clusters, probs, {
    rule: decision.rule,
    mergeGap: decision.mergeGap,
    minLength: decision.minLength,
  });
  return picked && decision.edge > 0 ? trimEdges(picked, probs, decision.edge) : picked;
}

/**
 * Drops the interval's first and last seconds while their probability is below `edge`, never
 * past its most probable second (an interval that never reaches `edge` keeps only that
 * second's side untouched). Confidence is recomputed over what is left.
 */
export function trimEdges(interval: Interval, probs: ArrayLike<number>, edge: number): Interval {
  let peak = interval.start;
  for (let t = interval.start; t < interval.end; t++)
    if ((probs[t] ?? 0) > (probs[peak] ?? 0)) peak = t;
  let start = interval.start;
  let end = interval.end;
  while (start < peak && (probs[start] ?? 0) < edge) start++;
  while (end - 1 > peak && (probs[end - 1] ?? 0) < edge) end--;
  let sum = 0;
  for (let t = start; t < end; t++) sum += probs[t] ?? 0;
  return { start, end, confidence: Math.min(1, Math.max(0, sum / (end - start))) };
}
