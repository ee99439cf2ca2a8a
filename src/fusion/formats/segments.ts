import type { DetectionResult } from '../detectionResult.js';

/**
 * The kinds of segment players act on. introdetect finds `intro` and `credits`; the others are
 * the remaining kinds Jellyfin's media segments know (recap, preview, commercial), named here so
 * per-kind settings (EDL actions) and the Jellyfin mapping cover them all.
 */
export const SEGMENT_KINDS = ['intro', 'credits', 'recap', 'preview', 'commercial'] as const;
export type SegmentKind = (typeof SEGMENT_KINDS)[number];

/** One segment of the file, [start, end) in seconds. */
export interface Segment {
  kind: SegmentKind;
  start: number;
  end: number;
}

/** The segments of a result in time order: its intro and credits, when found. */
export function segmentsOf(result: DetectionResult): Segment[] {
  const out: Segment[] = [];
  if (result.intro) out.push({ kind: 'intro', start: result.intro.start, end: result.intro.end });
  if (result.credits)
    out.push({ kind: 'credits', start: result.credits.start, end: result.credits.end });
  return out.sort((a, b) => a.start - b.start);
}
