import type { DetectionResult } from '../fusion/detectionResult.js';
import type { PrintStore, StoredEpisode } from './printStore.js';
import { DEFAULT_SERIES, type SeriesConfig } from './seriesConfig.js';
import { SeriesJoiner, type JoinOptions } from './seriesJoiner.js';

export interface StoredSeasonOptions {
  /** The episodes whose results are wanted (absolute paths, as the store keeps them). */
  files: Iterable<string>;
  /**
   * A stored episode's result as detected alone (what `detectSeries` hands the joiner), or
   * undefined: the episode is left out of the season, as a file that failed is from `detect`.
   */
  resultOf: (episode: StoredEpisode) => Promise<DetectionResult | undefined>;
  /** Over the model's series block. */
  join?: JoinOptions;
  /** The model's series block (`seriesConfigOf`). */
  config?: SeriesConfig;
  /** Stops between episodes (throws its reason). */
  signal?: AbortSignal;
}

/**
 * The series step over the episodes of the media folder `dir` kept in `store`, in name order,
 * as `detectSeries` runs it over the same files once they are detected: the same `SeriesJoiner`
 * joins their intros and finds their recaps and previews, so each result is what `detect` gives
 * for that folder (up to the store's 8-bit prints). Yields the results of `files` as the joiner
 * releases them (the others only serve as partners and sources), and reads no further episode
 * once they are all out. Memory stays bounded: episodes are read from the store one at a time,
 * and the joiner holds `reach` + 1 of them and the picture prints of `recapReach` more.
 */
export async function* joinStoredSeason(
  store: PrintStore,
  dir: string,
  options: StoredSeasonOptions,
): AsyncGenerator<{ file: string; result: DetectionResult }> {
  const { resultOf, join = {}, config = DEFAULT_SERIES, signal } = options;
  const left = new Set(options.files);
  const joiner = new SeriesJoiner(join, config);
  // The files of the episodes the joiner holds, in the order it releases them.
  const held: string[] = [];
  const released = function* (results: readonly DetectionResult[]) {
    for (const result of results) {
      const file = held.shift()!;
      if (left.delete(file)) yield { file, result };
    }
  };
  if (left.size === 0) return;
  for await (const stored of store.episodesOf(dir)) {
    signal?.throwIfAborted();
    const result = await resultOf(stored);
    if (!result) continue;
    held.push(stored.file);
    const pictures = stored.parts?.pictures;
    yield* released(
      joiner.add({ result, prints: stored.prints, ...(pictures ? { pictures } : {}) }),
    );
    if (left.size === 0) return;
  }
  yield* released(joiner.finish());
}
