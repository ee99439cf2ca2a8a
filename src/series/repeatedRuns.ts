import { similarity, soundSimilarity, type SecondPrint } from './secondPrint.js';

/** When two seconds count as the same picture and sound (see `repeatedRuns`). */
export interface MatchOptions {
  /** Least sound correlation (default 0.9). */
  audioMin: number;
  /** Least picture correlation, at the aligned second or one either side (default 0.8). */
  videoMin: number;
  /** Least picture correlation when either episode has no sound (default 0.9). */
  videoOnlyMin: number;
  /** Shortest run reported, in seconds from its first match to its last (default 8). */
  minRun: number;
  /** Unmatched seconds in a row a run may bridge (default 2: fades, a re-graded second). */
  maxGap: number;
  /**
   * Seconds a run may grow at each end on sound alone (default 1): at a cut, one copy's 1-fps
   * frame can still show the shot before it, so a run found on picture and sound starts a
   * second late without this.
   */
  soundEdge: number;
}

export const MATCH_DEFAULTS: Readonly<MatchOptions> = Object.freeze({
  audioMin: 0.9,
  videoMin: 0.8,
  videoOnlyMin: 0.9,
  minRun: 8,
  maxGap: 2,
  soundEdge: 1,
});

/** Half-open [start, end) in seconds, of `a` and of `b` respectively (same length). */
export interface RepeatedRun {
  a: { start: number; end: number };
  b: { start: number; end: number };
  /** Matched on sound as well as pictures (false when either episode has no sound). */
  sound: boolean;
}

/**
 * The stretches that two episodes share: runs of seconds i of `a` and i + d of `b` (one
 * offset d per run) whose prints match. Two copies start at different fractions of a second,
 * so sound is compared aligned and half a second either way (`soundSimilarity`), and the
 * picture may match one second either side (a cut can fall between the two sampling phases).
 * Of runs on neighbouring offsets that overlap, only the strongest is kept. An intro repeated
 * from one episode to the next is such a run; so are a studio logo and a recap, which is why
 * these runs only ever join what the model already called intro (see `joinRepeatedPieces`).
 */
export function repeatedRuns(
  a: readonly SecondPrint[],
  b: readonly SecondPrint[],
  options: Partial<MatchOptions> = {},
): RepeatedRun[] {
  const o = { ...MATCH_DEFAULTS, ...options };
  const na = a.length;
  const nb = b.length;
  if (na === 0 || nb === 0) return [];
  const video = new Float32Array(na * nb);
  const withAudio = a.every((p) => p.audio) && b.every((p) => p.audio);
  for (let i = 0; i < na; i++) {
    const pa = a[i]!.video;
    for (let j = 0; j < nb; j++) video[i * nb + j] = similarity(pa, b[j]!.video);
  }
  /**
   * How well seconds i of a and j of b match (0 when they do not). A picture matched a second
   * off counts a little less, so of runs on neighbouring offsets the aligned one is strongest.
   * Sound (three times the work) is only compared where the pictures already match.
   */
  const score = (i: number, j: number): number => {
    const need = withAudio ? o.videoMin : o.videoOnlyMin;
    const exact = video[i * nb + j]!;
    const before = j > 0 ? video[i * nb + j - 1]! : -1;
    const after = j + 1 < nb ? video[i * nb + j + 1]! : -1;
    const side = Math.max(before, after);
    if (Math.max(exact, side) < need) return 0;
    const sound = withAudio ? soundSimilarity(a[i]!, b[j]!) : 1;
    if (sound < o.audioMin) return 0;
    return sound + Math.max(exact, 0.99 * side);
  };

  const found: Array<RepeatedRun & { strength: number }> = [];
  for (let d = -(na - 1); d < nb; d++) {
    const iFrom = Math.max(0, -d);
    const iTo = Math.min(na, nb - d);
    let first = -1;
    let last = -1;
    let strength = 0;
    const close = () => {
      if (first >= 0 && last + 1 - first >= o.minRun) {
        const sounds = (i: number) => withAudio && soundSimilarity(a[i]!, b[i + d]!) >= o.audioMin;
        for (let k = 0; k < o.soundEdge && first - 1 >= iFrom && sounds(first - 1); k++) first--;
        for (let k = 0; k < o.soundEdge && last + 1 < iTo && sounds(last + 1); k++) last++;
        found.push({
          a: { start: first, end: last + 1 },
          b: { start: first + d, end: last + 1 + d },
          sound: withAudio,
          strength,
        });
      }
      first = -1;
      strength = 0;
    };
    for (let i = iFrom; i < iTo; i++) {
      const s = score(i, i + d);
      if (s > 0) {
        if (first < 0) first = i;
        last = i;
        strength += s;
      } else if (first >= 0 && i - last > o.maxGap) {
        close();
      }
    }
    close();
  }
  // Steady music, or a picture allowed a second either side, can make the same stretch match
  // on a neighbouring offset too: keep the strongest of those only.
  const kept: Array<RepeatedRun & { strength: number }> = [];
  for (const run of found.sort((x, y) => y.strength - x.strength)) {
    const d = run.b.start - run.a.start;
    const shadow = kept.some(
      (k) =>
        Math.abs(k.b.start - k.a.start - d) <= 1 && k.a.start < run.a.end && run.a.start < k.a.end,
    );
    if (!shadow) kept.push(run);
  }
  return kept
    .sort((x, y) => x.a.start - y.a.start)
    .map(({ a: ra, b: rb, sound }) => ({ a: ra, b: rb, sound }));
}

/** The union of half-open intervals, sorted, touching ones joined. */
export function unionOf(
  intervals: ReadonlyArray<{ start: number; end: number }>,
): Array<{ start: number; end: number }> {
  const out: Array<{ start: number; end: number }> = [];
  for (const iv of [...intervals].sort((x, y) => x.start - y.start)) {
    const prev = out[out.length - 1];
    if (prev && iv.start <= prev.end) prev.end = Math.max(prev.end, iv.end);
    else out.push({ start: iv.start, end: iv.end });
  }
  return out;
}
