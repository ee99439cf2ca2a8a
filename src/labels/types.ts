/**
 * One typed label model for every label format introdetect reads (the seeds' labels.json,
 * the seeds' labels.csv, and our own corpus labels.json).
 *
 * Intervals are half-open, in seconds from the start of the file: second t (the frame shown
 * at t) belongs to the interval when start <= t < end.
 */
export interface Interval {
  start: number;
  end: number;
}

/**
 * The parts of an episode that labels and results name (issue 16). `intro` and `credits` are
 * also the label's own fields; `midCredits` is a scene that interrupts the credits (episode,
 * not credits: a "skip credits" must not jump over it).
 */
export const PART_TYPES = [
  'intro',
  'credits',
  'recap',
  'preview',
  'coldOpen',
  'postCredits',
  'midCredits',
] as const;
export type PartType = (typeof PART_TYPES)[number];

/** One labelled part, half-open [start, end) in seconds. */
export interface LabelledPart extends Interval {
  type: PartType;
}

export interface EpisodeLabel {
  /** Video id: the key in labels.json, or the file name without extension. */
  id: string;
  name?: string;
  /** Media file, relative to the labels file's folder, when known. */
  file?: string;
  series?: string;
  split?: 'train' | 'val' | 'test';
  /** The intro, or null when the episode has none; undefined when the format does not say. */
  intro: Interval | null | undefined;
  /** The end credits (end may be the file's duration), null when none, undefined when unknown. */
  credits: Interval | null | undefined;
  /** Episode duration in seconds, when known. */
  duration?: number;
  /**
   * Every labelled part in time order (our corpus labels), intro and credits included; credits
   * interrupted by a mid-credits scene are two `credits` parts around a `midCredits` one, while
   * `credits` above spans them all. Undefined when the format does not list parts.
   */
  parts?: LabelledPart[];
}

/**
 * Our labels.json: the seeds' format (`start`/`end` as H:MM:SS per video id) plus credits and
 * bookkeeping fields. Episodes without an intro have `start` and `end` null.
 */
export interface LabelsJsonEntry {
  name: string;
  start: string | null;
  end: string | null;
  /**
   * The end credits; credits interrupted by a mid-credits scene are labelled as a whole, from
   * the first credits part's start to the last one's end (`parts` lists the pieces).
   */
  credits_start?: string | null;
  credits_end?: string | null;
  file?: string;
  series?: string;
  split?: 'train' | 'val' | 'test';
  duration?: number;
  url?: string;
  /** Every part, in time order (see EpisodeLabel.parts); times H:MM:SS like `start`/`end`. */
  parts?: Array<{ type: PartType; start: string; end: string }>;
}
