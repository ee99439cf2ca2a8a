import { basename } from 'node:path';
import type { DetectedSegment, DetectionResult } from '../fusion/detectionResult.js';
import {
  confirmedIntro,
  cutAround,
  findParts,
  findPreview,
  type PartEpisode,
  type PartsConfig,
} from './findParts.js';
import type { PrintStore, StoredEpisode } from './printStore.js';
import { repeatedRuns, unionOf } from './repeatedRuns.js';
import { DEFAULT_SERIES, type SeriesConfig } from './seriesConfig.js';
import {
  refineWith,
  resolveJoin,
  withSegments,
  type JoinOptions,
  type PrintedEpisode,
} from './seriesJoiner.js';

/**
 * The series step for one episode just detected, with the episodes of its folder detected
 * before it (kept in `store`) as partners; then keeps its own prints there for the files after
 * it. The partners' intros are not revisited: in an ingest folder, the first episode of a
 * season is joined with nothing and each later one with those already in. Its recap is matched
 * against the stored episodes before it by name (`recapReach` of them), its preview against
 * the stored episode right after it — there only when that one arrived first. The stored
 * episode right before it may have a preview of it, which could not be found until now:
 * `previous` says so, for the caller to add to that episode's results. `watch` runs it on each
 * file (`detectWithPrintStore`), a queue worker on each episode job.
 */
export async function joinWithPrintStore(
  episode: PrintedEpisode,
  store: PrintStore,
  options: JoinOptions = {},
  config: SeriesConfig = DEFAULT_SERIES,
): Promise<StoreJoin> {
  const input = episode.result.file;
  const join = resolveJoin(options, config);
  const stored = await store.neighbours(input, Math.max(join.reach, join.parts.recapReach));
  const own = `${basename(input)}.prints`;
  const isBefore = (p: StoredEpisode) => `${basename(p.file)}.prints` < own;
  const before = stored.filter(isBefore);
  const after = stored.filter((p) => !isBefore(p));
  const partners = [...before.slice(-join.reach), ...after.slice(0, join.reach)];
  const result = refineWith(
    episode,
    partners.map((p) => ({ prints: p.prints, values: p.intro.values })),
    options,
    config,
  );
  // Stored with its intro as far as the season confirms it (what recaps are matched around).
  const intro = confirmedIntro(result.intro, result.repeated);
  const confirmed = intro && { ...intro, confidence: result.intro?.confidence ?? 0 };
  await store.put({ ...episode, result: { ...episode.result, intro: confirmed } });
  if (!episode.pictures || stored.length === 0) return { result, previous: null };
  /** A stored episode's parts, its intro confirmed by what it shares with this one too. */
  const partsOf = (p: StoredEpisode): PartEpisode[] => {
    if (!p.parts) return [];
    const shared = repeatedRuns(p.prints, episode.prints, join.match).map((r) => ({
      start: r.a.start + p.intro.from,
      end: r.a.end + p.intro.from,
    }));
    return [{ ...p.parts, intro: confirmedIntro(p.parts.intro, unionOf(shared)) }];
  };
  const later = after.flatMap(partsOf);
  const self: PartEpisode = {
    duration: result.duration,
    pictures: episode.pictures,
    intro,
    credits: result.credits,
  };
  const earlier = before.flatMap(partsOf);
  const { recap, preview } = findParts(
    self,
    earlier.slice(-join.parts.recapReach),
    after[0]?.parts ? later[0] : undefined,
    later,
    join.parts,
  );
  return {
    result: withSegments({ ...result, intro: cutAround(result.intro, recap) }, [recap, preview]),
    previous: previewOfPrevious(before.at(-1), earlier, self, recap, later, join.parts),
  };
}

/** What `joinWithPrintStore` found: the episode's result, and a preview of it in the one before. */
export interface StoreJoin {
  result: DetectionResult;
  /**
   * The stored episode right before this one by name, when its tail is a preview of this
   * one's story (its shots outside this one's intro, credits and recap): that episode's file
   * and preview. Null otherwise.
   */
  previous: { file: string; preview: DetectedSegment } | null;
}

/**
 * The preview at the end of `stored` (the episode right before this one), now that this one,
 * its next, is in: as the series step over a whole season finds it (`findParts`), with this
 * episode's recap known, so footage of `stored` shown again in it is no preview.
 */
function previewOfPrevious(
  stored: StoredEpisode | undefined,
  earlier: readonly PartEpisode[],
  self: PartEpisode,
  recap: DetectedSegment | null,
  later: readonly PartEpisode[],
  config: PartsConfig & { recapReach: number },
): StoreJoin['previous'] {
  // `earlier` ends with `stored`'s parts when it has them (partsOf gives one or none).
  const theirs = stored?.parts ? earlier.at(-1) : undefined;
  if (!stored || !theirs) return null;
  const others = [...earlier.slice(0, -1), self, ...later];
  const next = { ...self, recap: recap && { start: recap.start, end: recap.end } };
  const preview = findPreview(theirs, next, others, config);
  return preview && { file: stored.file, preview };
}
