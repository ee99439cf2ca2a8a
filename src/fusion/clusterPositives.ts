import densityClustering from 'density-clustering';
import { InvalidArgumentError } from '../errors.js';

/** A run of positive seconds that DBSCAN grouped together. */
export interface Cluster {
  /** First positive second (index into the probabilities). */
  start: number;
  /** One past the last positive second (half-open). */
  end: number;
  /** Number of positive seconds in the cluster (gaps between them are not counted). */
  count: number;
  /** Sum of the probabilities of those seconds. */
  mass: number;
}

/**
 * Groups the positive seconds (probability strictly greater than `threshold`) with DBSCAN over
 * their 1-D indices (density-clustering): two seconds are neighbours when they are closer than
 * `eps` seconds (strictly: eps = 3 bridges gaps of up to 1 missing second), a core second has
 * at least `minPts` neighbours (itself included). Noise seconds are dropped. Clusters come back
 * sorted by start.
 *
 * DBSCAN compares all pairs: fine for one search span of an episode (a few thousand seconds),
 * not for an unbounded stream.
 */
export function clusterPositives(
  probs: ArrayLike<number>,
  threshold: number,
  eps: number,
  minPts: number,
): Cluster[] {
  if (!(eps > 0)) throw new InvalidArgumentError(`eps must be > 0 (got ${eps}).`);
  if (!Number.isInteger(minPts) || minPts < 1) {
    throw new InvalidArgumentError(`minPts must be an integer >= 1 (got ${minPts}).`);
  }
  const seconds: number[] = [];
  for (let i = 0; i < probs.length; i++) if (probs[i]! > threshold) seconds.push(i);
  if (seconds.length === 0) return [];
  const dbscan = new densityClustering.DBSCAN();
  const groups = dbscan.run(
    seconds.map((s) => [s]),
    eps,
    minPts,
    (p, q) => Math.abs(p[0]! - q[0]!),
  );
  const clusters = groups
    .filter((g) => g.length > 0)
    .map((g) => {
      let start = Infinity;
      let last = -Infinity;
      let mass = 0;
      for (const idx of g) {
        const s = seconds[idx]!;
        if (s < start) start = s;
        if (s > last) last = s;
        mass += probs[s]!;
      }
      return { start, end: last + 1, count: g.length, mass };
    });
  return clusters.sort((a, b) => a.start - b.start);
}
