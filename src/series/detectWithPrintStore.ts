import type { DetectOptions } from '../fusion/detectEpisode.js';
import type { DetectionResult } from '../fusion/detectionResult.js';
import { detectPrinted } from './detectPrinted.js';
import type { PrintStore } from './printStore.js';
import type { MatchOptions } from './repeatedRuns.js';
import { refineWith } from './seriesJoiner.js';

export interface StoreDetectOptions extends DetectOptions {
  model: NonNullable<DetectOptions['model']>;
  /** Partners: up to this many stored episodes of the folder before the file and after it, by name (default 2). */
  reach?: number;
  match?: Partial<MatchOptions>;
}

/**
 * Detects one file with the episodes of its folder detected before it (kept in `store`) as
 * partners for the series step, then keeps its own prints there for the files after it. The
 * partners' results are not revisited: in an ingest folder, the first episode of a season is
 * detected alone and each later one is joined with those already in.
 */
export async function detectWithPrintStore(
  input: string,
  store: PrintStore,
  options: StoreDetectOptions,
): Promise<DetectionResult> {
  const { reach, match, ...detectOptions } = options;
  const episode = await detectPrinted(input, detectOptions);
  const partners = await store.neighbours(input, reach ?? 2);
  const result = refineWith(
    episode,
    partners.map((p) => ({ prints: p.prints, values: p.intro.values })),
    match,
  );
  await store.put(episode);
  return result;
}
