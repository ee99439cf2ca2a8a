import type { DetectOptions } from '../fusion/detectEpisode.js';
import { detectPrinted } from './detectPrinted.js';
import { joinWithPrintStore, type StoreJoin } from './joinWithPrintStore.js';
import type { PrintStore } from './printStore.js';
import { seriesConfigOf } from './seriesConfig.js';
import type { JoinOptions } from './seriesJoiner.js';

export interface StoreDetectOptions extends DetectOptions, JoinOptions {
  model: NonNullable<DetectOptions['model']>;
  /** Partners: up to this many stored episodes of the folder before the file and after it, by name (default: the model's `series.reach`). */
  reach?: number;
}

/**
 * Detects one file, then joins it with the episodes of its folder detected before it, kept in
 * `store`, and keeps its own prints there (`joinWithPrintStore`: `watch`, one file at a time):
 * its result, and the preview of it the episode before may end with.
 */
export async function detectWithPrintStore(
  input: string,
  store: PrintStore,
  options: StoreDetectOptions,
): Promise<StoreJoin> {
  const { reach, match, minOverlap, trimSeconds, parts, ...detectOptions } = options;
  const episode = await detectPrinted(input, detectOptions);
  return joinWithPrintStore(
    episode,
    store,
    {
      ...(reach !== undefined ? { reach } : {}),
      ...(match ? { match } : {}),
      ...(minOverlap !== undefined ? { minOverlap } : {}),
      ...(trimSeconds !== undefined ? { trimSeconds } : {}),
      ...(parts ? { parts } : {}),
    },
    seriesConfigOf(options.model.config),
  );
}
