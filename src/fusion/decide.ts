import { clusterPositives } from './clusterPositives.js';
import type { TargetDecision } from './decisionConfig.js';
import { type Interval, pickInterval } from './pickInterval.js';

/**
 * Per-second probabilities of one target over one search span → the interval (in seconds of
 * the span), or null. `clusterPositives` then `pickInterval` with the model's decision block.
 */
export function decide(probs: ArrayLike<number>, decision: TargetDecision): Interval | null {
  const clusters = clusterPositives(probs, decision.threshold, decision.eps, decision.minPts);
  return pickInterval(clusters, probs, {
    rule: decision.rule,
    mergeGap: decision.mergeGap,
    minLength: decision.minLength,
  });
}
