import type { DetectedSegment, DetectionResult } from '../fusion/detectionResult.js';
import {
  confirmedIntro,
  cutAround,
  findParts,
  type PartEpisode,
  type PartsConfig,
} from './findParts.js';
import { joinRepeatedPieces } from './joinRepeatedPieces.js';
import {
  adoptCalledStretch,
  agreedStretch,
  callsIntro,
  dropUnrepeated,
  type HeardStretch,
} from './seasonIntro.js';
import { repeatedRuns, unionOf, type MatchOptions } from './repeatedRuns.js';
import { DEFAULT_SERIES, matchOf, partsOf, type SeriesConfig } from './seriesConfig.js';
import type { SecondPrint } from './secondPrint.js';
import type { PictureSeconds } from './sharedShots.js';

/** An episode detected alone, with the prints of its intro's search span. */
export interface PrintedEpisode {
  result: DetectionResult;
  /** prints[i] is second `result.probabilities.intro.from + i` of the file. */
  prints: SecondPrint[];
  /**
   * The picture print of every second its detection decoded (head and tail), by second of the
   * file: where recaps and previews are matched. Without it the episode gets neither and is
   * nobody's source.
   */
  pictures?: PictureSeconds;
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
  /** Recaps and previews (defaults: the model's `series` block). */
  parts?: Partial<PartsConfig & { recapReach: number }>;
}

/** Explicit options over a model's series config (`DEFAULT_SERIES` without one). */
export function resolveJoin(options: JoinOptions = {}, base: SeriesConfig = DEFAULT_SERIES): Join {
  return {
    reach: Math.max(1, options.reach ?? base.reach),
    match: { ...matchOf(base), ...options.match },
    minOverlap: options.minOverlap ?? base.minOverlap,
    trimSeconds: options.trimSeconds ?? base.trimSeconds,
    trimAgreed: base.trimAgreed === 1,
    adoptMin: base.adoptMin,
    trimLead: base.trimLead,
    dropUnrepeated: base.dropUnrepeated,
    parts: { ...partsOf(base), ...options.parts },
  };
}

/** Join options with every value settled. */
export interface Join {
  reach: number;
  match: MatchOptions;
  minOverlap: number;
  trimSeconds: number;
  trimAgreed: boolean;
  adoptMin: number;
  trimLead: number;
  dropUnrepeated: number;
  parts: PartsConfig & { recapReach: number };
}

interface Pending {
  prints: readonly SecondPrint[];
  /** The intro track's probabilities, as detected alone. */
  values: readonly number[];
  /** Stretches shared with a partner, in seconds of the intro track. */
  shared: Array<{ start: number; end: number }>;
  /** Those of them matched on sound as well as pictures, with the partner they are shared with. */
  heard: HeardStretch[];
  /** The intro as detected alone, in seconds of the intro track. */
  intro: { start: number; end: number } | null;
  /** The episodes it was compared with. */
  partners: Pending[];
  /** The intro track, each repeated second raised to its surest copy's probability. */
  evidence: number[];
}

/**
 * The series step, one episode at a time: `add` each episode as it is detected, in order, and
 * get back those whose neighbours have all been seen (at most `reach` episodes late); `finish`
 * returns the rest. Only `reach` + 1 episodes' prints are held at once, however long the
 * season, and the picture prints of `parts.recapReach` episodes released before them.
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
 * overshoots a stretch matched on sound and pictures by at most `trimSeconds` (at its start:
 * `trimLead`) is cut back to it: with `trimAgreed`, to the part every partner holding the intro
 * agrees on (`agreedStretch`: a sting some episodes put before the intro repeats with them
 * only), else to any such stretch (picture-only stretches are not trusted for this either).
 * Before that, an intro the season repeats nowhere moves to a stretch whose partner copy is
 * that partner's intro (`adoptCalledStretch`, `adoptMin`), and a short one is dropped when a
 * partner's intro is repeated (`dropUnrepeated`, off by default). An episode that was alone in
 * the series comes back unchanged, without `repeated`.
 *
 * Recaps and previews (`findRecap`, `findPreview`): when an episode is released, its start is
 * matched, on pictures, against the episodes released before it (their final results), and
 * its end against the next episode, which is still held (`reach` ≥ 1). So a result is final
 * when it comes back — its preview needed no later amendment — and `detectSeries` hands it
 * out (`detect` prints it, `detectSeason` writes it) once and for all. Each result gets
 * `segments`: its intro and credits, and the recap and preview found (an intro a recap
 * overlaps is cut back from it; credits are left as they are).
 */
export class SeriesJoiner {
  private readonly join: Join;
  private readonly pending: Held[] = [];
  /** The last `parts.recapReach` episodes released, as final: a recap's possible sources. */
  private readonly history: PartEpisode[] = [];
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
    this.pending.push({ result: episode.result, pending: next, pictures: episode.pictures });
    this.added++;
    return this.pending.length > this.join.reach ? [this.release()] : [];
  }

  finish(): DetectionResult[] {
    if (this.added === 1) return this.pending.splice(0).map((p) => p.result);
    const out: DetectionResult[] = [];
    while (this.pending.length > 0) out.push(this.release());
    return out;
  }

  /**
   * The first held episode, final: its intro joined, then its recap (against the episodes
   * released before it) and its preview (against the next one, still held), so that a result
   * is never revisited once released.
   */
  private release(): DetectionResult {
    const held = this.pending.shift()!;
    const result = refined(held.result, held.pending, this.join);
    if (!held.pictures) return withSegments(result, []);
    const parts = this.join.parts;
    const own = partEpisode(result, result.repeated, held.pictures);
    const later = this.pending.flatMap((p) =>
      p.pictures ? [partEpisode(p.result, sharedInFile(p), p.pictures)] : [],
    );
    const next = this.pending[0]?.pictures ? later[0] : undefined;
    const { recap, preview } = findParts(own, this.history, next, later, parts);
    this.history.push({ ...own, preview: preview && { start: preview.start, end: preview.end } });
    if (this.history.length > parts.recapReach) this.history.shift();
    // A model can call a recap intro (generated footage): the recap, which the earlier
    // episodes confirm, wins. On the development corpora no recap overlapped the model's
    // intro. Credits stay: cutting them back from previews cost one credits end within ±1 s
    // there (a false preview inside them), so a preview may overlap them.
    const intro = cutAround(result.intro, recap);
    return withSegments({ ...result, intro }, [recap, preview]);
  }
}

/** An episode held by `SeriesJoiner` until its partners after it are in. */
interface Held {
  result: DetectionResult;
  pending: Pending;
  pictures: PictureSeconds | undefined;
}

function partEpisode(
  result: DetectionResult,
  repeated: ReadonlyArray<{ start: number; end: number }> | undefined,
  pictures: PictureSeconds,
): PartEpisode {
  return {
    duration: result.duration,
    pictures,
    intro: confirmedIntro(result.intro, repeated),
    credits: result.credits,
  };
}

/** The stretches a held episode shares with the partners compared so far, in file seconds. */
function sharedInFile({ result, pending }: Held): Array<{ start: number; end: number }> {
  const from = result.probabilities.intro.from;
  return unionOf(pending.shared).map((r) => ({ start: r.start + from, end: r.end + from }));
}

/**
 * `result` with its `segments`: its intro and credits as they are now, the `found` parts,
 * and any other part it already had, in time order.
 */
export function withSegments(
  result: DetectionResult,
  found: ReadonlyArray<DetectedSegment | null>,
): DetectionResult {
  // Credits in pieces (around a mid-credits scene) stay pieces while they still span the
  // credits as they are now; otherwise the credits interval replaces them.
  const pieces = (result.segments ?? []).filter((s) => s.type === 'credits');
  const credits = result.credits;
  const keepPieces =
    credits !== null &&
    pieces.length > 1 &&
    pieces[0]!.start === credits.start &&
    pieces.at(-1)!.end === credits.end;
  // The series step's recap or preview replaces one the model's heads found; where it finds
  // none, the heads' stays.
  const replaced = new Set<string>(['intro', 'credits']);
  for (const s of found) if (s) replaced.add(s.type);
  const segments: DetectedSegment[] = [
    ...(result.segments ?? []).filter((s) => !replaced.has(s.type)),
    ...(result.intro ? [{ type: 'intro' as const, ...result.intro }] : []),
    ...(keepPieces ? pieces : credits ? [{ type: 'credits' as const, ...credits }] : []),
    ...found.filter((s): s is DetectedSegment => s !== null),
  ];
  return { ...result, segments: segments.sort((a, b) => a.start - b.start || a.end - b.end) };
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
  const from = result.probabilities.intro.from;
  const intro = result.intro && { start: result.intro.start - from, end: result.intro.end - from };
  return pending(prints, result.probabilities.intro.values, intro);
}

function pending(
  prints: readonly SecondPrint[],
  values: readonly number[],
  intro: { start: number; end: number } | null = null,
): Pending {
  return { prints, values, shared: [], heard: [], evidence: [...values], intro, partners: [] };
}

function compare(x: Pending, y: Pending, match: MatchOptions): void {
  x.partners.push(y);
  y.partners.push(x);
  for (const run of repeatedRuns(x.prints, y.prints, match)) {
    x.shared.push(run.a);
    y.shared.push(run.b);
    if (!run.sound) continue;
    x.heard.push({ ...run.a, partner: y, called: callsIntro(y.intro, run.b) });
    y.heard.push({ ...run.b, partner: x, called: callsIntro(x.intro, run.a) });
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
  { shared, heard, evidence, partners }: Pending,
  join: Join,
): DetectionResult {
  const track = result.probabilities.intro;
  const inFile = (stretches: Array<{ start: number; end: number }>) =>
    unionOf(stretches).map((r) => ({ start: r.start + track.from, end: r.end + track.from }));
  const repeated = inFile(shared);
  const threshold = result.threshold.intro;
  const p = (t: number) => evidence[t - track.from] ?? 0;
  const inFileHeard = heard.map((h) => ({
    ...h,
    start: h.start + track.from,
    end: h.end + track.from,
  }));
  const placed = adoptCalledStretch(
    result.intro,
    repeated,
    inFileHeard.filter((h) => h.called),
    p,
    threshold,
    join.adoptMin,
  );
  const partnerRepeated = join.dropUnrepeated > 0 && partners.some(introRepeated);
  const kept = dropUnrepeated(placed, repeated, partnerRepeated, join.dropUnrepeated);
  const trimTo = join.trimAgreed
    ? agreedStretch(kept, inFileHeard, join.minOverlap)
    : unionOf(inFileHeard);
  const intro = joinRepeatedPieces(
    kept,
    { from: track.from, values: evidence },
    threshold,
    repeated,
    {
      trim: { to: trimTo, max: join.trimSeconds, maxStart: join.trimLead },
      minOverlap: join.minOverlap,
    },
  );
  return { ...result, intro, repeated };
}

/** Whether a held episode's own intro lies at least half in stretches it shares. */
function introRepeated({ intro, shared }: Pending): boolean {
  if (!intro) return false;
  let inside = 0;
  for (const r of unionOf(shared))
    inside += Math.max(0, Math.min(r.end, intro.end) - Math.max(r.start, intro.start));
  return inside >= 0.5 * (intro.end - intro.start);
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
