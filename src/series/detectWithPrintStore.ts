import type { DetectOptions } from '../fusion/detectEpisode.js';
import type { DetectionResult } from '../fusion/detectionResult.js';
import { detectPrinted } from './detectPrinted.js';
import type { PrintStore } from './printStore.js';
import { seriesConfigOf } from './seriesConfig.js';
import { refineWith, resolveJoin, type JoinOptions } from './seriesJoiner.js';

export interface StoreDetectOptions extends DetectOptions, JoinOptions {
  model: NonNullable<DetectOptions['model']>;
  /** Partners: up to this many stored episodes of the folder before the file and after it, by name (default: the model's `series.reach`). */
  reach?: number;
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
  const { reach, match, minOverlap, trimSeconds, ...detectOptions } = options;
  const config = seriesConfigOf(options.model.config);
  const join = resolveJoin({ ...(reach !== undefined ? { reach } : {}) }, config);
  const episode = await detectPrinted(input, detectOptions);
  const partners = await store.neighbours(input, join.reach);
  const result = refineWith(
    episode,
    partners.map((p) => ({ prints: p.prints, values: p.intro.values })),
    {
      ...(match ? { match } : {}),
      ...(minOverlap !== undefined ? { minOverlap } : {}),
      ...(trimSeconds !== undefined ? { trimSeconds } : {}),
    },
    config,
  );
  await store.put(episode);
  return result;
}
