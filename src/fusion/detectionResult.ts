import type { PartType } from '../labels/types.js';
import type { Mode } from './modelConfig.js';
import type { Interval } from './pickInterval.js';

/** Per-second probabilities: `values[i]` is p(target) for second `from + i` of the file. */
export interface ProbabilityTrack {
  from: number;
  values: number[];
}

/**
 * What `detectEpisode` returns and `detect --format json` prints for one file (the eval
 * harness reads it). Times are seconds of the file; intervals are half-open [start, end).
 */
export interface DetectionResult {
  /** The file name without directory and extension. */
  id: string;
  file: string;
  /** Duration of the file (seconds), as probed. */
  duration: number;
  mode: Mode;
  intro: Interval | null;
  credits: Interval | null;
  /** intro: the searched head of the file (from 0); credits: the searched tail. */
  probabilities: { intro: ProbabilityTrack; credits: ProbabilityTrack };
  /** Probability a second must exceed to count as positive. */
  threshold: { intro: number; credits: number };
  /**
   * Only when the file was detected with other episodes of its series (`detectSeries`): the
   * stretches of the intro's search span whose pictures and sound recur in those episodes.
   * The intro was widened over the pieces the model called intro inside them.
   */
  repeated?: Array<{ start: number; end: number }>;
  /**
   * Every part found, in time order, [start, end) in seconds: the intro and credits above, and
   * the parts only the series step finds (a recap whose shots recur in earlier episodes' prints,
   * a preview whose shots recur in the next one's). Optional while results written before it
   * exist; writers fill it from `intro`/`credits` when absent.
   */
  segments?: DetectedSegment[];
}

/** One part of the file as found; `confidence` in [0, 1]. */
export interface DetectedSegment {
  type: Exclude<PartType, 'midCredits'>;
  start: number;
  end: number;
  confidence: number;
}
