import { AbortedError, IntrodetectError } from '../errors.js';
import type { DetectOptions, DetectProgress } from '../fusion/detectEpisode.js';
import type { DetectionResult } from '../fusion/detectionResult.js';
import { modelFor } from '../fusion/modelChoice.js';
import { detectPrinted } from './detectPrinted.js';
import { seriesConfigOf } from './seriesConfig.js';
import { SeriesJoiner, type JoinOptions } from './seriesJoiner.js';

export interface SeriesOptions extends Omit<DetectOptions, 'onSample' | 'onProgress'>, JoinOptions {
  /** Progress of the file being detected, by its index in `files`. */
  onProgress?: (index: number, progress: DetectProgress) => void;
  /** Called with each file's result as detected alone, before the series step (`compare`). */
  onDetected?: (result: DetectionResult, index: number) => void;
  /**
   * Called with each file's outcome as soon as it is final, in the order of `files`: a result
   * waits for the `reach` files after it (its partners), an error for the files before it.
   */
  onOutcome?: (outcome: SeriesOutcome, index: number) => void;
}

/** One file's outcome: its result after the series step, or the error that stopped it. */
export type SeriesOutcome =
  | { file: string; result: DetectionResult; error?: undefined }
  | { file: string; result?: undefined; error: IntrodetectError };

/**
 * Detects the episodes of one series (a season, say), in order, and lets them help each other:
 * each is detected alone, then `SeriesJoiner` compares it with its neighbours for stretches of
 * the intro's search span with the same pictures and sound and joins an intro the model found
 * in pieces over them, and finds its recap (shots of the episodes before it) and its preview
 * (shots of the one after it) among its `segments`. Each outcome is final when `onOutcome`
 * gets it. A file that fails gets its error as its outcome and is left out of the comparison;
 * aborting rejects.
 */
export async function detectSeries(
  files: readonly string[],
  options: SeriesOptions = {},
): Promise<SeriesOutcome[]> {
  const {
    onProgress,
    onOutcome,
    onDetected,
    reach,
    match,
    minOverlap,
    trimSeconds,
    ...detectOptions
  } = options;
  // Outcomes in file order; a success is a placeholder until the joiner releases it.
  const outcomes: Array<SeriesOutcome | undefined> = [];
  const waiting: number[] = []; // indexes of successes the joiner holds, in order
  let emitted = 0;
  const release = (results: DetectionResult[]) => {
    for (const result of results) {
      const index = waiting.shift()!;
      outcomes[index] = { file: files[index]!, result };
    }
    while (emitted < outcomes.length && outcomes[emitted]) {
      onOutcome?.(outcomes[emitted]!, emitted);
      emitted++;
    }
  };

  const { model, owned } = await modelFor(options, options.signal);
  try {
    // The model's series block, with any option given here over it.
    const joiner = new SeriesJoiner(
      {
        ...(reach !== undefined ? { reach } : {}),
        ...(match ? { match } : {}),
        ...(minOverlap !== undefined ? { minOverlap } : {}),
        ...(trimSeconds !== undefined ? { trimSeconds } : {}),
      },
      seriesConfigOf(model.config),
    );
    for (const [index, file] of files.entries()) {
      try {
        const episode = await detectPrinted(file, {
          ...detectOptions,
          model,
          ...(onProgress ? { onProgress: (p: DetectProgress) => onProgress(index, p) } : {}),
        });
        onDetected?.(episode.result, index);
        outcomes.push(undefined);
        waiting.push(index);
        release(joiner.add(episode));
      } catch (err) {
        if (!(err instanceof IntrodetectError) || err instanceof AbortedError) throw err;
        outcomes.push({ file, error: err });
        release([]);
      }
    }
    release(joiner.finish());
    return outcomes.map((o) => o!);
  } finally {
    if (owned) await model.dispose();
  }
}
