/** Summary of a list of absolute errors (seconds); null values when the list is empty. */
export interface ErrorStats {
  n: number;
  mean: number | null;
  median: number | null;
  /** Nearest-rank 90th percentile: the smallest value with at least 90 % of values <= it. */
  p90: number | null;
}

export function mean(values: readonly number[]): number | null {
  return values.length === 0 ? null : values.reduce((a, b) => a + b, 0) / values.length;
}

/** The middle value, or the mean of the two middle values when the count is even. */
export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** Nearest-rank percentile q in (0, 100]: sorted[ceil(q/100 · n) − 1]. */
export function percentile(values: readonly number[], q: number): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((q / 100) * s.length - 1e-9));
  return s[rank - 1]!;
}

export function errorStats(values: readonly number[]): ErrorStats {
  return {
    n: values.length,
    mean: mean(values),
    median: median(values),
    p90: percentile(values, 90),
  };
}

/** a / b, or null when b is 0. */
export function ratio(a: number, b: number): number | null {
  return b === 0 ? null : a / b;
}
