import { basename } from 'node:path';
import type { DetectionResult } from '../fusion/detectionResult.js';
import { confirmedIntro, cutAround, findParts, type PartEpisode } from './findParts.js';
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
 * it. The partners' results are not revisited: in an ingest folder, the first episode of a
 * season is joined with nothing and each later one with those already in. Its recap is matched
 * against the stored episodes before it by name (`recapReach` of them), its preview against
 * the stored episode right after it — there only when that one arrived first. `watch` runs it
 * on each file (`detectWithPrintStore`), a queue worker on each episode job.
 */
export async function joinWithPrintStore(
  episode: PrintedEpisode,
  store: PrintStore,
  options: JoinOptions = {},
  config: SeriesConfig = DEFAULT_SERIES,
): Promise<DetectionResult> {
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
  if (!episode.pictures || stored.length === 0) return result;
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
  const { recap, preview } = findParts(
    { duration: result.duration, pictures: episode.pictures, intro, credits: result.credits },
    before.flatMap(partsOf).slice(-join.parts.recapReach),
    after[0]?.parts ? later[0] : undefined,
    later,
    join.parts,
  );
  return withSegments({ ...result, intro: cutAround(result.intro, recap) }, [recap, preview]);
}
