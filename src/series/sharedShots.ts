import { similarity } from './secondPrint.js';

/** Picture prints by second of the file: every second an episode's detection decoded. */
export type PictureSeconds = ReadonlyMap<number, Float32Array>;

/** When two seconds show the same shot (see `sharedShots`). */
export interface ShotMatch {
  /** Least picture correlation, at the aligned second or one either side. */
  videoMin: number;
  /** Shortest shot reported, in seconds (runs of matching seconds on one offset). */
  minShot: number;
}

/** A stretch of `a`'s seconds [start, end) whose pictures recur in `b`'s [start + d, end + d). */
export interface SharedShot {
  start: number;
  end: number;
  /** Offset of the copy in `b`: second t of `a` shows what second t + d of `b` shows. */
  d: number;
  /** Mean picture correlation of its seconds, in [0, 1]. */
  similarity: number;
}

/**
 * The shots of `a` (only its seconds `zone`, ascending) that recur in `b` (only its seconds
 * `allowed`): runs of at least `minShot` seconds t of `a` and t + d of `b`, one offset d per
 * run, whose pictures match. Pictures only: a recap or a preview re-uses an episode's
 * footage under other sound (a narrator, music), and re-cuts it, so each shot sits at its own
 * offset and may be as short as two seconds. The picture may match a second either side (two
 * copies sampled at different phases of a cut); a match a second off counts a little less,
 * so of runs on neighbouring offsets that overlap only the strongest is kept. Offsets further
 * apart can match one stretch (a still shot): all of those are returned.
 */
export function sharedShots(
  zone: readonly number[],
  a: PictureSeconds,
  allowed: readonly number[],
  b: PictureSeconds,
  match: ShotMatch,
): SharedShot[] {
  const za = zone.filter((t) => a.has(t));
  const zb = allowed.filter((t) => b.has(t));
  if (za.length === 0 || zb.length === 0) return [];
  const bIndex = new Map(zb.map((t, j) => [t, j]));
  const nb = zb.length;
  const sims = new Float32Array(za.length * nb);
  za.forEach((t, i) => {
    const pa = a.get(t)!;
    zb.forEach((u, j) => (sims[i * nb + j] = similarity(pa, b.get(u)!)));
  });
  /** How well second za[i] matches second u of b (−1 when u is not allowed). */
  const at = (i: number, u: number): number => {
    const j = bIndex.get(u);
    return j === undefined ? -1 : sims[i * nb + j]!;
  };
  const score = (i: number, u: number): number =>
    Math.max(at(i, u), 0.99 * Math.max(at(i, u - 1), at(i, u + 1)));

  const found: Array<SharedShot & { strength: number }> = [];
  const offsets = new Set<number>();
  for (const t of za) for (const u of zb) offsets.add(u - t);
  for (const d of [...offsets].sort((x, y) => x - y)) {
    let first = -1;
    let last = -1;
    let sum = 0;
    const close = () => {
      if (first >= 0 && za[last]! + 1 - za[first]! >= match.minShot) {
        found.push({
          start: za[first]!,
          end: za[last]! + 1,
          d,
          similarity: Math.min(1, sum / (last - first + 1)),
          strength: sum,
        });
      }
      first = -1;
      sum = 0;
    };
    for (let i = 0; i < za.length; i++) {
      // A run is whole seconds in a row, on both sides.
      if (first >= 0 && za[i]! !== za[last]! + 1) close();
      const s = bIndex.has(za[i]! + d) ? score(i, za[i]! + d) : 0;
      if (s >= match.videoMin) {
        if (first < 0) first = i;
        last = i;
        sum += s;
      } else close();
    }
    close();
  }
  const kept: Array<SharedShot & { strength: number }> = [];
  for (const run of found.sort((x, y) => y.strength - x.strength)) {
    const shadow = kept.some(
      (k) => Math.abs(k.d - run.d) <= 1 && k.start < run.end && run.start < k.end,
    );
    if (!shadow) kept.push(run);
  }
  return kept
    .sort((x, y) => x.start - y.start || x.d - y.d)
    .map(({ start, end, d, similarity }) => ({ start, end, d, similarity }));
}

/** The seconds of `pictures` outside every interval of `not`, ascending. */
export function secondsOutside(
  pictures: PictureSeconds,
  not: ReadonlyArray<{ start: number; end: number } | null | undefined>,
  within: { start: number; end: number } = { start: 0, end: Number.POSITIVE_INFINITY },
): number[] {
  const out: number[] = [];
  for (const t of pictures.keys()) {
    if (t < within.start || t >= within.end) continue;
    if (not.some((iv) => iv && t >= iv.start && t < iv.end)) continue;
    out.push(t);
  }
  return out.sort((x, y) => x - y);
}
