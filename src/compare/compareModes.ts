import { performance } from 'node:perf_hooks';
import { computeMetrics, type EvalMetrics } from '../eval/metrics.js';
import type { EpisodePrediction } from '../eval/predictionTypes.js';
import { mediaPathOf } from '../features/featurizeLabelled.js';
import { DEFAULT_PASSES, type Passes } from '../fusion/detectEpisode.js';
import type { DetectionResult } from '../fusion/detectionResult.js';
import { EpisodeModel } from '../fusion/episodeModel.js';
import { segmentsOfResult } from '../fusion/formats/segments.js';
import { defaultModelDir, MODES, type Mode } from '../fusion/modelConfig.js';
import type { Provider } from '../fusion/onnxBackend.js';
import type { EpisodeLabel } from '../labels/types.js';
import { detectSeries } from '../series/detectSeries.js';
import {
  groupBy,
  parseSeriesGrouping,
  SERIES_GROUPINGS,
  seriesKey,
  type SeriesGrouping,
} from '../series/groupEpisodes.js';
import { refineResult } from '../refine/refineResult.js';
import type { LocateFfmpegOptions } from '../streams/locateFfmpeg.js';

/**
 * How `compareModes` groups the episodes: as `detect` does (`folder`: a label's `series`, else
 * the media file's folder), each alone (`none`), or `both`: each mode's results before and
 * after the series step, side by side, from one detection.
 */
export type CompareGrouping = SeriesGrouping | 'both';

export const COMPARE_GROUPINGS: readonly CompareGrouping[] = [...SERIES_GROUPINGS, 'both'];

export function parseCompareGrouping(value: string): CompareGrouping {
  return value === 'both' ? value : parseSeriesGrouping(value);
}

/** What `compareModes` reports as it goes, for a progress log. */
export type CompareEvent =
  | {
      type: 'detected';
      mode: Mode;
      id: string;
      /** Episodes of this mode finished, this one and failed ones included, of `total`. */
      done: number;
      total: number;
    }
  | { type: 'failed'; mode: Mode; id: string; error: string };

export function formatCompareEvent(event: CompareEvent): string {
  return event.type === 'detected'
    ? `${event.mode} [${event.done}/${event.total}] ${event.id}`
    : `${event.mode} ${event.id}: failed: ${event.error}`;
}

export interface CompareOptions extends LocateFfmpegOptions {
  /** Folder of the episodes' media files (see `mediaPathOf`). */
  mediaDir: string;
  /** The modes to run, in this order (default: vision, then fused). */
  modes?: readonly Mode[];
  /** Model folder per mode (default: `models/<mode>/` in the package). */
  modelDirs?: Partial<Record<Mode, string>>;
  provider?: Provider;
  /** Default `folder`. */
  series?: CompareGrouping;
  /**
   * Decoding passes to run each mode with (default: detect's, `DEFAULT_PASSES`). Two values, `[1, 2]`, run
   * each mode both ways on the same episodes: columns `<mode> 1-pass` and `<mode> 2-pass`.
   */
  passes?: readonly Passes[];
  /**
   * Also score each run's detections with their boundaries moved to the frame
   * (`refineResult`): one more column, `<mode> refined`, from the same detections.
   */
  refine?: boolean;
  /** Recaps and previews from the models' own heads (default false; see DetectOptions). */
  partHeads?: boolean;
  onEvent?: (event: CompareEvent) => void;
  /** Receives the models' warnings (default: process.emitWarning). */
  onWarning?: (message: string) => void;
  signal?: AbortSignal;
}

/** One column of the comparison: one mode's detections of the episodes, scored. */
export interface ModeRun {
  mode: Mode;
  /** Column name: the mode, or `<mode>-alone` for its results before the series step. */
  label: string;
  metrics: EvalMetrics;
  /** Media seconds of the episodes analysed, and the wall seconds it took. */
  mediaSeconds: number;
  wallSeconds: number;
  failures: Array<{ id: string; error: string }>;
  /** The detections scored, one per episode that did not fail. */
  predictions: EpisodePrediction[];
  /** A refined column's: wall seconds its refining took, after detection (not in `wallSeconds`). */
  refineSeconds?: number;
}

/**
 * Runs each mode's model on the same labelled episodes and scores its detections: one run per
 * mode (two with `series: 'both'`), in the order of `modes`. An episode whose media is missing
 * or whose detection fails is a failure of that run, not an error; aborting rejects.
 */
export async function compareModes(
  episodes: readonly EpisodeLabel[],
  options: CompareOptions,
): Promise<ModeRun[]> {
  const { modes = [...MODES].reverse(), passes = [DEFAULT_PASSES], ...rest } = options;
  const runs: ModeRun[] = [];
  for (const mode of modes) {
    for (const p of passes) {
      const named = await runMode(mode, episodes, { ...rest, passes: p });
      runs.push(
        ...(passes.length > 1
          ? named.map((r) => ({ ...r, label: `${r.label} ${p}-pass` }))
          : named),
      );
    }
  }
  return runs;
}

async function runMode(
  mode: Mode,
  episodes: readonly EpisodeLabel[],
  options: Omit<CompareOptions, 'modes' | 'passes'> & { passes: Passes },
): Promise<ModeRun[]> {
  const {
    mediaDir,
    modelDirs,
    provider,
    series = 'folder',
    onEvent,
    onWarning,
    signal,
    refine = false,
    ...ffmpeg
  } = options;
  const model = await EpisodeModel.load(modelDirs?.[mode] ?? defaultModelDir(mode), {
    mode,
    ...(provider ? { provider } : {}),
    ...(onWarning ? { onWarning } : {}),
    ...(signal ? { signal } : {}),
  });
  const predictions: EpisodePrediction[] = [];
  /** With `refine`: the detections themselves, refined once detection is timed. */
  const detected: Array<{ result: DetectionResult; id: string }> = [];
  const alone: EpisodePrediction[] = [];
  const failures: ModeRun['failures'] = [];
  let mediaSeconds = 0;
  const t0 = performance.now();
  const fail = (label: EpisodeLabel, error: string) => {
    failures.push({ id: label.id, error });
    onEvent?.({ type: 'failed', mode, id: label.id, error });
  };
  // An episode's series: its label's, else its folder's.
  const key = seriesKey(series === 'both' ? 'folder' : series);
  const located = episodes.flatMap((label) => {
    const file = mediaPathOf(label, mediaDir);
    if (!file) fail(label, `no media file in ${mediaDir}`);
    return file ? [{ label, file }] : [];
  });
  const groups = groupBy(located, key && ((e) => e.label.series ?? key(e.file)));
  let done = 0;
  try {
    for (const group of groups) {
      const outcomes = await detectSeries(
        group.map((e) => e.file),
        {
          ...ffmpeg,
          model,
          mode,
          ...(signal ? { signal } : {}),
          ...(series === 'both'
            ? {
                onDetected: (result: DetectionResult, k: number) =>
                  alone.push(predictionOf(result, group[k]!.label.id)),
              }
            : {}),
        },
      );
      for (const [k, outcome] of outcomes.entries()) {
        const { label } = group[k]!;
        done++;
        if (outcome.error) {
          fail(label, outcome.error.message);
          continue;
        }
        predictions.push(predictionOf(outcome.result, label.id));
        if (refine) detected.push({ result: outcome.result, id: label.id });
        mediaSeconds += outcome.result.duration;
        onEvent?.({ type: 'detected', mode, id: label.id, done, total: located.length });
      }
    }
  } finally {
    await model.dispose();
  }
  const wallSeconds = (performance.now() - t0) / 1000;
  // After the clock: the speed columns are detection's, refined or not.
  const refined: EpisodePrediction[] = [];
  const r0 = performance.now();
  if (refine) {
    for (const { result, id } of detected) {
      const moved = await refineResult(result, { ...ffmpeg, ...(signal ? { signal } : {}) });
      refined.push(predictionOf(moved.result, id));
    }
  }
  const refineSeconds = (performance.now() - r0) / 1000;
  const runOf = (label: string, preds: EpisodePrediction[]): ModeRun => ({
    mode,
    label,
    metrics: computeMetrics(episodes, preds),
    mediaSeconds,
    wallSeconds,
    failures,
    predictions: preds,
  });
  return [
    ...(series === 'both' ? [runOf(`${mode}-alone`, alone)] : []),
    runOf(mode, predictions),
    ...(refine ? [{ ...runOf(`${mode} refined`, refined), refineSeconds }] : []),
  ];
}

/** A detection as eval reads it: its segments as `detect` writes them (`segmentsOfResult`). */
function predictionOf(result: DetectionResult, id: string): EpisodePrediction {
  return { ...result, segments: segmentsOfResult(result), id };
}
