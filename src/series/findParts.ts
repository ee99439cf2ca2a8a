import type { DetectedSegment } from '../fusion/detectionResult.js';
import { secondsOutside, sharedShots, type PictureSeconds } from './sharedShots.js';

/** Half-open [start, end) in seconds of the file. */
interface Span {
  start: number;
  end: number;
}

/** What the series step knows of an episode when it looks for recaps and previews. */
export interface PartEpisode {
  duration: number;
  /** Picture prints of every second detection decoded (the head and the tail). */
  pictures: PictureSeconds;
  /** Its intro, as far as the season confirms the model's (`confirmedIntro`). */
  intro: Span | null;
  credits: Span | null;
  /** The preview found in it, once known: the next episode's footage, never a recap's source. */
  preview?: Span | null;
  /** The recap found in it, once known: an earlier episode's footage, never a preview's source. */
  recap?: Span | null;
}

/** The constants that decide recaps and previews (the model's `series` block, `SeriesConfig`). */
export interface PartsConfig {
  /** Least picture correlation of a second of a recap or preview shot with its source. */
  partVideoMin: number;
  /** Shortest matched shot, in seconds. */
  partMinShot: number;
  /** Unmatched seconds in a row bridged between the matched shots of one recap or preview. */
  partMaxGap: number;
  /**
   * A recap whose first matched shot starts at most this many seconds into the episode starts
   * at 0; a preview within this many seconds of the credits' end, of the file's end or of the
   * credits' start (a preview before them) is extended to it. (A caption over a part's first
   * seconds can spoil their match.)
   */
  partLead: number;
  /** Shortest recap or preview reported, in seconds. */
  partMinLength: number;
  /** Seconds from the start searched for a recap (it ends before the intro in any case). */
  recapSearch: number;
  /** Seconds before the credits (before the end, without credits) searched for a preview. */
  previewSearch: number;
  /**
   * A shot seen in this many other episodes is season furniture (a studio logo, a title card,
   * an intro the model missed), never a recap's or a preview's.
   */
  furnitureMin: number;
  /**
   * A copy inside another episode's recap (or where its recap may be: before its intro, at
   * most `recapSearch` seconds) is furniture evidence only when it keeps its place there (a
   * studio logo) or runs at least this many seconds at one offset (an intro the model
   * missed): recaps re-cut the same footage into short shots, and two episodes' recaps often
   * show the same moments again.
   */
  furnitureRun: number;
  /**
   * A shot whose copy keeps its place in the episode's structure — as far (this many seconds
   * or less off) from the start or the intro's start in both episodes for a recap, from the
   * credits' end or the file's end for a preview — is furniture too (a studio logo, a closing
   * card): a recap re-cuts footage from anywhere in an earlier episode, a preview from
   * anywhere in the next.
   */
  furnitureSlack: number;
  /** Least confidence of a recap or preview (matched seconds' mean correlation over its length). */
  partMinConfidence: number;
}

/**
 * An episode's recap and preview among the season's episodes around it: `earlier`, final (at
 * most `recapReach`, in order; their previews known), and `later`, in order, whose first is
 * `next` when that is known. The next episode's recap is found first, as far as it is known
 * now (this one's preview still unknown): footage of this episode shown again there is no
 * preview of it.
 */
export function findParts(
  episode: PartEpisode,
  earlier: readonly PartEpisode[],
  next: PartEpisode | undefined,
  later: readonly PartEpisode[],
  config: PartsConfig & { recapReach: number },
): { recap: DetectedSegment | null; preview: DetectedSegment | null } {
  const others = [...earlier, ...later];
  const recap = findRecap(episode, earlier, others, config);
  if (!next) return { recap, preview: null };
  const before = [...earlier, episode].slice(-config.recapReach);
  const theirs = findRecap(next, before, [...before, ...later.filter((e) => e !== next)], config);
  return { recap, preview: findPreview(episode, { ...next, recap: theirs }, others, config) };
}

/**
 * The recap at the start of `episode`: its seconds before the intro (at most `recapSearch`)
 * whose pictures recur in the story of an `earlier` episode (any second after its intro and
 * outside its credits and preview: not its opening, where a studio logo sits), in shots of at
 * least `partMinShot` seconds. Furniture (`matchedSeconds`) is no recap. The recap is the
 * chain of matched shots with gaps of at most `partMaxGap` seconds whose first shot starts
 * within `partLead` seconds of the start: it runs from 0 to the end of its last matched shot
 * (not to the intro: a studio logo or a cold open can come between). Confidence: the matched
 * seconds' mean picture correlation over the recap's length.
 */
export function findRecap(
  episode: PartEpisode,
  earlier: readonly PartEpisode[],
  others: readonly PartEpisode[],
  config: PartsConfig,
): DetectedSegment | null {
  const zone = secondsOutside(
    episode.pictures,
    [episode.intro, episode.credits],
    recapSearchSpan(episode, config),
  );
  const matched = matchedSeconds(
    episode,
    zone,
    earlier.map((m) => ({
      episode: m,
      // Its story: not its opening (a logo, a title, the intro) nor its end parts.
      allowed: secondsOutside(m.pictures, [
        m.intro && { start: 0, end: m.intro.end },
        m.credits,
        m.preview,
      ]),
    })),
    others,
    (e) => [0, e.intro?.start],
    config,
  );
  const chain = chainsOf(matched, config.partMaxGap)[0];
  if (!chain || chain.start > config.partLead) return null;
  return partSegment('recap', 0, chain.end, matched, config);
}

/**
 * The preview at the end of `episode` (its seconds from `previewSearch` before the credits to
 * the end) whose pictures recur in the body of `next`, the episode after it (outside its
 * intro, its credits and its recap, which shows earlier footage: this episode's, maybe).
 * Furniture as in `findRecap`. Of the chains of matched shots that follow the credits (start
 * within `partLead` seconds of their end), end where they start or end the file, the one with
 * the most matched seconds, extended to that edge.
 */
export function findPreview(
  episode: PartEpisode,
  next: PartEpisode,
  others: readonly PartEpisode[],
  config: PartsConfig,
): DetectedSegment | null {
  const whole = Math.floor(episode.duration + 1e-3);
  const from = (episode.credits?.start ?? whole) - config.previewSearch;
  // The credits are searched too: a model can take a preview after them for more credits
  // (credits recur in every episode and are furniture; a preview's shots recur in the next).
  const zone = secondsOutside(episode.pictures, [], { start: from, end: whole });
  const matched = matchedSeconds(
    episode,
    zone,
    [
      {
        episode: next,
        allowed: secondsOutside(next.pictures, [next.intro, next.credits, next.recap]),
      },
    ],
    others,
    (e) => [e.credits?.end, Math.floor(e.duration + 1e-3)],
    config,
  );
  const credits = episode.credits;
  const lead = config.partLead;
  // A preview follows the credits, or ends where they start, or ends the file.
  const placed = chainsOf(matched, config.partMaxGap).flatMap((c) => {
    const span = { start: c.start, end: c.end };
    // Within `lead` either way: the model's credits can overlap a preview, or stop short of it.
    const after = credits && Math.abs(c.start - credits.end) <= lead;
    const before = credits && !after && Math.abs(c.end - credits.start) <= lead;
    const last = whole - c.end <= lead;
    if (!after && !before && !last) return [];
    if (after) span.start = credits.end;
    if (before) span.end = credits.start;
    if (last) span.end = whole;
    return span.end > span.start ? [{ ...span, count: c.count }] : [];
  });
  const chain = placed.sort((x, y) => y.count - x.count)[0];
  return chain ? partSegment('preview', chain.start, chain.end, matched, config) : null;
}

/**
 * The seconds of `zone` whose shots recur in one of `sources` (each with the seconds it may
 * be matched at), each with its best correlation, less the furniture: shots whose copy keeps
 * its place relative to one of the `anchors` (the same anchor in both episodes, within
 * `furnitureSlack` seconds), and seconds whose shots recur in `furnitureMin` or more of
 * `others` (anywhere but their previews; where their recaps are or may be, only a copy that
 * keeps its place or runs `furnitureRun` seconds).
 */
export function matchedSeconds(
  episode: PartEpisode,
  zone: readonly number[],
  sources: ReadonlyArray<{ episode: PartEpisode; allowed: readonly number[] }>,
  others: readonly PartEpisode[],
  anchors: (e: PartEpisode) => Array<number | undefined>,
  config: PartsConfig,
): Map<number, number> {
  const match = { videoMin: config.partVideoMin, minShot: config.partMinShot };
  const best = new Map<number, number>();
  const own = anchors(episode);
  for (const { episode: source, allowed } of sources) {
    const theirs = anchors(source);
    const inPlace = (d: number) =>
      own.some((a, k) => {
        const b = theirs[k];
        return a !== undefined && b !== undefined && Math.abs(d - (b - a)) <= config.furnitureSlack;
      });
    for (const shot of sharedShots(zone, episode.pictures, allowed, source.pictures, match)) {
      if (inPlace(shot.d)) continue;
      for (let t = shot.start; t < shot.end; t++)
        best.set(t, Math.max(best.get(t) ?? 0, shot.similarity));
    }
  }
  if (best.size === 0) return best;
  const candidates = [...best.keys()].sort((x, y) => x - y);
  const seen = new Map<number, number>();
  for (const other of others) {
    const allowed = secondsOutside(other.pictures, [other.preview]);
    const recapZone = recapOf(other, config);
    const here = new Set<number>();
    for (const shot of sharedShots(candidates, episode.pictures, allowed, other.pictures, match)) {
      const inRecap =
        recapZone !== null &&
        shot.start + shot.d < recapZone.end &&
        recapZone.start < shot.end + shot.d;
      const telling =
        Math.abs(shot.d) <= config.furnitureSlack || shot.end - shot.start >= config.furnitureRun;
      if (inRecap && !telling) continue;
      for (let t = shot.start; t < shot.end; t++) here.add(t);
    }
    for (const t of here) seen.set(t, (seen.get(t) ?? 0) + 1);
  }
  for (const [t, n] of seen) if (n >= config.furnitureMin) best.delete(t);
  return best;
}

/** Where a recap of `episode` is looked for: before its intro, at most `recapSearch` seconds. */
function recapSearchSpan(episode: PartEpisode, config: PartsConfig): Span {
  return { start: 0, end: Math.min(config.recapSearch, episode.intro?.start ?? Infinity) };
}

/** Where `episode`'s recap is, or may be: the recap found in it once known (null: none). */
function recapOf(episode: PartEpisode, config: PartsConfig): Span | null {
  return episode.recap !== undefined ? episode.recap : recapSearchSpan(episode, config);
}

/**
 * The part of the model's `intro` that recurs in the season (its overlap with the `repeated`
 * stretches, from the first one in it to the last), or the model's intro where none does.
 * A model can take a recap before the intro for part of it; the copies of the intro in other
 * episodes say where it really starts.
 */
export function confirmedIntro(
  intro: Span | null,
  repeated: ReadonlyArray<Span> | undefined,
): Span | null {
  if (!intro) return null;
  const inside = (repeated ?? []).filter((r) => r.start < intro.end && intro.start < r.end);
  if (inside.length === 0) return { start: intro.start, end: intro.end };
  return {
    start: Math.max(intro.start, Math.min(...inside.map((r) => r.start))),
    end: Math.min(intro.end, Math.max(...inside.map((r) => r.end))),
  };
}

/** `interval` less `part`: the longer piece left, or null when `part` covers it. */
export function cutAround<T extends Span>(interval: T | null, part: Span | null): T | null {
  if (!interval || !part || part.end <= interval.start || interval.end <= part.start)
    return interval;
  const before = part.start - interval.start;
  const after = interval.end - part.end;
  if (before <= 0 && after <= 0) return null;
  return before >= after ? { ...interval, end: part.start } : { ...interval, start: part.end };
}

/** Matched seconds in chains: a gap of more than `maxGap` unmatched seconds starts another. */
export function chainsOf(
  matched: ReadonlyMap<number, number>,
  maxGap: number,
): Array<Span & { count: number }> {
  const out: Array<Span & { count: number }> = [];
  for (const t of [...matched.keys()].sort((x, y) => x - y)) {
    const last = out[out.length - 1];
    if (last && t - last.end <= maxGap) {
      last.end = t + 1;
      last.count++;
    } else out.push({ start: t, end: t + 1, count: 1 });
  }
  return out;
}

/**
 * A recap or preview [start, end) of the `matched` seconds, or null when it is shorter than
 * `partMinLength` or its confidence (matched seconds' mean correlation over its length) is
 * under `partMinConfidence`.
 */
export function partSegment(
  type: 'recap' | 'preview',
  start: number,
  end: number,
  matched: ReadonlyMap<number, number>,
  config: PartsConfig,
): DetectedSegment | null {
  if (end - start < config.partMinLength) return null;
  let sum = 0;
  for (const [t, s] of matched) if (t >= start && t < end) sum += s;
  const confidence = sum / (end - start);
  if (confidence < config.partMinConfidence) return null;
  return { type, start, end, confidence: Math.round(confidence * 1e4) / 1e4 };
}
