import type { DetectionResult } from '../fusion/detectionResult.js';
import { joinRepeatedPieces } from './joinRepeatedPieces.js';
import { repeatedRuns, unionOf, type MatchOptions } from './repeatedRuns.js';
import { DEFAULT_SERIES, matchOf, type SeriesConfig } from './seriesConfig.js';
import type { SecondPrint } from './secondPrint.js';

/** An episode detected alone, with the prints of its intro's search span. */
export interface PrintedEpisode {
  result: DetectionResult;
  /** prints[i] is second `result.probabilities.intro.from + i` of the file. */
  prints: SecondPrint[];
}

export interface JoinOptions {
  /**
   * Each episode is compared with this many episodes before it and after it in the order
   * given (default: the model's `series.reach`, 2: up to 4 partners, enough for a season whose
   * intro changes now and then; the work grows linearly with the season).
   */
  reach?: number;
  /** When two seconds count as the same (defaults: the model's `series` block). */
  match?: Partial<MatchOptions>;
  /** Least share of the model's intro a stretch must hold to widen it (default 0.5). */
  minOverlap?: number;
  /** How far an intro is cut back to a stretch matched on sound and pictures (default 2 s). */
  trimSeconds?: number;
}

/** Explicit options over a model's series config (`DEFAULT_SERIES` without one). */
export function resolveJoin(options: JoinOptions = {}, base: SeriesConfig = DEFAULT_SERIES): Join {
  return {
    reach: Math.max(1, options.reach ?? base.reach),
    match: { ...matchOf(base), ...options.match },
    minOverlap: options.minOverlap ?? base.minOverlap,
    trimSeconds: options.trimSeconds ?? base.trimSeconds,
  };
}

/** Join options with every value settled. */
export interface Join {
  reach: number;
  match: MatchOptions;
  minOverlap: number;
  trimSeconds: number;
}

interface Pending {
  prints: readonly SecondPrint[];
  /** The intro track's probabilities, as detected alone. */
  values: readonly number[];
  /** Stretches shared with a partner, in seconds of the intro track. */
  shared: Array<{ start: number; end: number }>;
  /** Those of them matched on sound as well as pictures. */
  heard: Array<{ start: number; end: number }>;
  /** The intro track, each repeated second raised to its surest copy's probability. */
  evidence: number[];
}

/**
 * The series step, one episode at a time: `add` each episode as it is detected, in order, and
 * get back those whose neighbours have all been seen (at most `reach` episodes late); `finish`
 * returns the rest. Only `reach` + 1 episodes' prints are held at once, however long the
 * season.
 *
 * Each result comes back with its `repeated` stretches (the union of the stretches it shares
 * with its partners, `repeatedRuns`) and its intro joined over them (`joinRepeatedPieces`),
 * reading every second called intro in this episode or, for stretches matched on sound as well
 * as pictures, at the aligned second of the partner that shares it: the same sequence should
 * get one answer, and the copy the model is surest of gives it (an intro of quick cuts dips
 * below the threshold at different places in different copies). Picture-only matches (vision
 * models) share no probabilities: reused footage and still title cards match on pictures
 * alone, and on validation borrowing over them moved ends off by a second (±1-s boundaries
 * 6 → 3 of 9) where joining the episode's own pieces changed nothing. Then an intro that
 * overshoots a stretch matched on sound and pictures by at most `trimSeconds` is cut back to
 * it (the copies agree on where the sequence starts and ends; picture-only stretches are not
 * trusted for this either). An episode that was alone in the series comes back unchanged,
 * without `repeated`.
 */
export class SeriesJoiner {
  private readonly join: Join;
  private readonly pending: Array<{ result: DetectionResult; pending: Pending }> = [];
  private added = 0;

  /** `config`: the model's series block (`seriesConfigOf`); `options` override it. */
  constructor(options: JoinOptions = {}, config: SeriesConfig = DEFAULT_SERIES) {
    this.join = resolveJoin(options, config);
  }

  add(episode: PrintedEpisode): DetectionResult[] {
    const next = pendingOf(episode);
    for (const earlier of this.pending.slice(-this.join.reach)) {
      compare(earlier.pending, next, this.join.match);
    }
    this.pending.push({ result: episode.result, pending: next });
    this.added++;
    const ready = this.pending.length > this.join.reach ? this.pending.splice(0, 1) : [];
    return ready.map((p) => refined(p.result, p.pending, this.join));
  }

  finish(): DetectionResult[] {
    const rest = this.pending.splice(0);
    if (this.added === 1) return rest.map((p) => p.result);
    return rest.map((p) => refined(p.result, p.pending, this.join));
  }
}

/**
 * The series step for one episode against partners already detected (`watch`: the files of
 * its folder processed before it), whose results it does not change.
 */
export function refineWith(
  episode: PrintedEpisode,
  partners: ReadonlyArray<{ prints: readonly SecondPrint[]; values: readonly number[] }>,
  options: JoinOptions = {},
  config: SeriesConfig = DEFAULT_SERIES,
): DetectionResult {
  if (partners.length === 0) return episode.result;
  const join = resolveJoin(options, config);
  const target = pendingOf(episode);
  for (const partner of partners)
    compare(target, pending(partner.prints, partner.values), join.match);
  return refined(episode.result, target, join);
}

function pendingOf({ result, prints }: PrintedEpisode): Pending {
  return pending(prints, result.probabilities.intro.values);
}

function pending(prints: readonly SecondPrint[], values: readonly number[]): Pending {
  return { prints, values, shared: [], heard: [], evidence: [...values] };
}

function compare(x: Pending, y: Pending, match: MatchOptions): void {
  for (const run of repeatedRuns(x.prints, y.prints, match)) {
    x.shared.push(run.a);
    y.shared.push(run.b);
    if (!run.sound) continue;
    x.heard.push(run.a);
    y.heard.push(run.b);
    // A print's index is its second's index in the intro track, in both episodes.
    borrow(x, y, run.a, run.b.start - run.a.start);
    borrow(y, x, run.b, run.a.start - run.b.start);
  }
}

/** Raises `to`'s evidence over `span` to `from`'s probabilities `d` seconds further on. */
function borrow(to: Pending, from: Pending, span: { start: number; end: number }, d: number) {
  for (let t = span.start; t < span.end; t++)
    to.evidence[t] = Math.max(to.evidence[t]!, from.values[t + d] ?? 0);
}

function refined(
  result: DetectionResult,
  { shared, heard, evidence }: Pending,
  join: Join,
): DetectionResult {
  const track = result.probabilities.intro;
  const inFile = (stretches: Array<{ start: number; end: number }>) =>
    unionOf(stretches).map((r) => ({ start: r.start + track.from, end: r.end + track.from }));
  const repeated = inFile(shared);
  const intro = joinRepeatedPieces(
    result.intro,
    { from: track.from, values: evidence },
    result.threshold.intro,
    repeated,
    { trim: { to: inFile(heard), max: join.trimSeconds }, minOverlap: join.minOverlap },
  );
  return { ...result, intro, repeated };
}

/** The series step on episodes already detected, in order (see `SeriesJoiner`). */
export function refineSeries(
  episodes: readonly PrintedEpisode[],
  options: JoinOptions = {},
  config: SeriesConfig = DEFAULT_SERIES,
): DetectionResult[] {
  const joiner = new SeriesJoiner(options, config);
  return [...episodes.flatMap((e) => joiner.add(e)), ...joiner.finish()];
}
