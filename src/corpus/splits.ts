import type { Rng } from './rng.js';
import type { Split } from './types.js';

/**
 * Splits series (never episodes) into train / val / test: the series are shuffled with the
 * seed; the first max(1, round(20 %)) go to test, the next max(1, round(15 %)) to val, the rest
 * to train. One series: train only. Two: one test, one train.
 */
export function assignSplits(seriesIds: readonly string[], rng: Rng): Map<string, Split> {
  const order = rng.shuffle(seriesIds);
  const n = order.length;
  const nTest = n >= 2 ? Math.max(1, Math.round(n * 0.2)) : 0;
  const nVal = n >= 3 ? Math.max(1, Math.round(n * 0.15)) : 0;
  const out = new Map<string, Split>();
  order.forEach((id, i) => out.set(id, i < nTest ? 'test' : i < nTest + nVal ? 'val' : 'train'));
  return out;
}
