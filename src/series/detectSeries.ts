import { AbortedError, IntrodetectError } from '../errors.js';
import { detectEpisode, type DetectOptions, type DetectProgress } from '../fusion/detectEpisode.js';
import type { DetectionResult } from '../fusion/detectionResult.js';
import { joinRepeatedPieces } from '../fusion/joinRepeatedPieces.js';
import { modelFor } from '../fusion/modelChoice.js';
import { repeatedRuns, unionOf, type MatchOptions } from './repeatedRuns.js';
import { secondPrint, type SecondPrint } from './secondPrint.js';

export interface SeriesOptions extends Omit<DetectOptions, 'onSample' | 'onProgress'> {
  /**
   * Each episode is compared with this many others, the nearest in the order given (default
   * 4: enough for a season whose intro changes now and then, linear in the season's length).
   */
  partners?: number;
  /** When two seconds count as the same (defaults: `MATCH_DEFAULTS`). */
  match?: Partial<MatchOptions>;
  /** Progress of the file being detected, by its index in `files`. */
  onProgress?: (index: number, progress: DetectProgress) => void;
}

/** One file's outcome: its refined result, or the error that stopped it. */
export type SeriesOutcome =
  | { file: string; result: DetectionResult; error?: undefined }
  | { file: string; result?: undefined; error: IntrodetectError };

/** An episode detected alone, with the prints of its intro's search span. */
export interface PrintedEpisode {
  result: DetectionResult;
  /** prints[i] is second `result.probabilities.intro.from + i` of the file. */
  prints: SecondPrint[];
}

/**
 * Detects several episodes of one series (a season, say) and lets them help each other: each
 * is detected alone, then compared with its neighbours for stretches of the intro's search
 * span with the same pictures and sound (`repeatedRuns`); an intro the model found in pieces
 * is joined over them (`joinRepeatedPieces`). A file that fails is reported in its outcome
 * and left out of the comparison; aborting rejects.
 */
export async function detectSeries(
  files: readonly string[],
  options: SeriesOptions = {},
): Promise<SeriesOutcome[]> {
  const { onProgress, partners, match, ...detectOptions } = options;
  const { model, owned } = await modelFor(options, options.signal);
  try {
    const detected: Array<{ file: string; episode?: PrintedEpisode; error?: IntrodetectError }> =
      [];
    for (const [index, file] of files.entries()) {
      const seconds = new Map<number, SecondPrint>();
      try {
        const result = await detectEpisode(file, {
          ...detectOptions,
          model,
          onSample: (sample, second) => {
            if (!seconds.has(second))
              seconds.set(second, secondPrint(sample, model.config.frameSize));
          },
          ...(onProgress ? { onProgress: (p: DetectProgress) => onProgress(index, p) } : {}),
        });
        const track = result.probabilities.intro;
        const prints: SecondPrint[] = [];
        for (let i = 0; i < track.values.length; i++) {
          const p = seconds.get(track.from + i);
          if (!p) break;
          prints.push(p);
        }
        detected.push({ file, episode: { result, prints } });
      } catch (err) {
        if (!(err instanceof IntrodetectError) || err instanceof AbortedError) throw err;
        detected.push({ file, error: err });
      }
    }
    const episodes = detected.flatMap((d) => (d.episode ? [d.episode] : []));
    const refined = refineSeries(episodes, {
      ...(partners !== undefined ? { partners } : {}),
      ...(match ? { match } : {}),
    });
    let next = 0;
    return detected.map((d) =>
      d.episode ? { file: d.file, result: refined[next++]! } : { file: d.file, error: d.error! },
    );
  } finally {
    if (owned) await model.dispose();
  }
}

/**
 * The series step of `detectSeries` on episodes already detected: each result with its
 * `repeated` stretches and its intro joined over them. Alone, an episode comes back unchanged.
 *
 * The intro is joined over the seconds called intro in this episode or, for stretches matched
 * on sound as well as pictures, at the aligned second of an episode that shares the stretch:
 * the same sequence should get one answer, and the copy the model is surest of gives it (an
 * intro of quick cuts can dip below the threshold at different places in different copies).
 * Picture-only matches (vision models) share no probabilities: reused footage and still title
 * cards match on pictures alone, and on validation borrowing over them moved ends off by a
 * second (±1-s boundaries 6 → 3 of 9) where joining the episode's own pieces changed nothing.
 */
export function refineSeries(
  episodes: readonly PrintedEpisode[],
  options: Pick<SeriesOptions, 'partners' | 'match'> = {},
): DetectionResult[] {
  if (episodes.length < 2) return episodes.map((e) => e.result);
  const partners = options.partners ?? 4;
  const shared: Array<Array<{ start: number; end: number }>> = episodes.map(() => []);
  const evidence = episodes.map((e) => [...e.result.probabilities.intro.values]);
  const borrow = (to: number, from: number, span: { start: number; end: number }, d: number) => {
    const own = evidence[to]!;
    const other = episodes[from]!.result.probabilities.intro.values;
    for (let t = span.start; t < span.end; t++) own[t] = Math.max(own[t]!, other[t + d] ?? 0);
  };
  for (let i = 0; i < episodes.length; i++) {
    for (const j of nearest(i, episodes.length, partners)) {
      if (j < i && nearest(j, episodes.length, partners).includes(i)) continue; // done as (j, i)
      for (const run of repeatedRuns(episodes[i]!.prints, episodes[j]!.prints, options.match)) {
        shared[i]!.push(run.a);
        shared[j]!.push(run.b);
        if (!run.sound) continue;
        // A print's index is its second's index in the intro track, in both episodes.
        borrow(i, j, run.a, run.b.start - run.a.start);
        borrow(j, i, run.b, run.a.start - run.b.start);
      }
    }
  }
  return episodes.map(({ result }, i) => {
    const track = result.probabilities.intro;
    const repeated = unionOf(shared[i]!).map((r) => ({
      start: r.start + track.from,
      end: r.end + track.from,
    }));
    const intro = joinRepeatedPieces(
      result.intro,
      { from: track.from, values: evidence[i]! },
      result.threshold.intro,
      repeated,
    );
    return { ...result, intro, repeated };
  });
}

/** The `count` indexes nearest to `i` in [0, n), i itself excluded: i−1, i+1, i−2, … */
function nearest(i: number, n: number, count: number): number[] {
  const out: number[] = [];
  for (let step = 1; out.length < Math.min(count, n - 1); step++) {
    if (i - step >= 0) out.push(i - step);
    if (out.length < count && i + step < n) out.push(i + step);
  }
  return out;
}
