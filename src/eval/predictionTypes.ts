import type { PartType } from '../labels/types.js';

/**
 * What `introdetect detect --format json` prints, one object per episode, and what
 * `introdetect eval --pred` reads (a file with one object, an array, or JSON lines; or a folder
 * of *.json files).
 *
 * Times are seconds from the start of the file; intervals are half-open: second t belongs to
 * the interval when start <= t < end.
 */

/** A detected interval with the detector's confidence in [0, 1]. */
export interface PredictedInterval {
  start: number;
  end: number;
  confidence: number;
}

/** The part types a prediction's `segments` may name (every part but `midCredits`). */
export type PredictedSegmentType = Exclude<PartType, 'midCredits'>;

/** One part found, [start, end) in seconds, with the detector's confidence in [0, 1]. */
export interface PredictedSegment extends PredictedInterval {
  type: PredictedSegmentType;
}

/** Per-second probabilities: `values[i]` is p(positive) for second `from + i`. */
export interface ProbabilityTrack {
  from: number;
  values: number[];
}

export interface EpisodePrediction {
  /** Episode id; matched against the labels' video id. */
  id: string;
  /** The analysed file or URL; its name without extension is the fallback match key. */
  file?: string;
  /** Seconds analysed (the file's duration). */
  duration: number;
  /** `fused` (picture + sound) or `vision` (picture only). */
  mode?: 'fused' | 'vision';
  /** The intro, or null when none was found. */
  intro: PredictedInterval | null;
  /** The end credits, or null when none were found. */
  credits: PredictedInterval | null;
  /**
   * Every part found, in time order (intro and credits included; several pieces of one type,
   * e.g. credits around a mid-credits scene). Absent in results written before it existed.
   */
  segments?: PredictedSegment[];
  /** Per-second probabilities, when the detector was asked for them. */
  probabilities?: { intro?: ProbabilityTrack; credits?: ProbabilityTrack };
  /** Decision thresholds applied to the probabilities. */
  threshold?: { intro?: number; credits?: number };
}
