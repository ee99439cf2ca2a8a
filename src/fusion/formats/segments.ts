import type { DetectedSegment, DetectionResult } from '../detectionResult.js';

/**
 * The kinds of segment players act on: every part a result can name (`DetectedSegment`'s
 * types: intro, credits, recap, preview, coldOpen, postCredits) plus `commercial`, the one
 * remaining kind Jellyfin's media segments know, so per-kind settings (EDL actions) and the
 * Jellyfin mapping cover them all.
 */
export const SEGMENT_KINDS = [
  'intro',
  'credits',
  'recap',
  'preview',
  'commercial',
  'coldOpen',
  'postCredits',
] as const;
export type SegmentKind = (typeof SEGMENT_KINDS)[number];

/** The type of a part a result names (every segment kind but `commercial`). */
type SegmentType = DetectedSegment['type'];

/** What chapters, WebVTT cues and Matroska chapters call each part. */
export const SEGMENT_TITLES: Readonly<Record<SegmentType, string>> = {
  intro: 'Intro',
  credits: 'Credits',
  recap: 'Recap',
  preview: 'Preview',
  coldOpen: 'Cold open',
  postCredits: 'Post-credits',
};

/**
 * The segments of a result, in time order (by start; a tie keeps the given order, intro and
 * credits last): what every writer writes.
 *
 * `result.segments` when the result has them; a result written before they existed gets its
 * intro and credits. `intro` and `credits` stay what they were (the fields every reader knows)
 * and win over stale segments: the intro (credits) segments are kept only when together they
 * span exactly `result.intro` (`result.credits`) — two credits pieces around a mid-credits
 * scene span the credits — and are replaced by that interval otherwise (a step that changed
 * the field without its segments, like the series step widening the intro or a reviewer's
 * correction), or dropped when the field is null. Segments of other types pass as they are;
 * several of one type are kept apart.
 */
export function segmentsOfResult(result: DetectionResult): DetectedSegment[] {
  const given = result.segments ?? [];
  const out: DetectedSegment[] = given.filter((s) => s.type !== 'intro' && s.type !== 'credits');
  for (const type of ['intro', 'credits'] as const) {
    const field = result[type];
    if (!field) continue;
    const pieces = given.filter((s) => s.type === type);
    const spans =
      pieces.length > 0 &&
      Math.min(...pieces.map((s) => s.start)) === field.start &&
      Math.max(...pieces.map((s) => s.end)) === field.end;
    out.push(
      ...(spans
        ? pieces
        : [{ type, start: field.start, end: field.end, confidence: field.confidence }]),
    );
  }
  return out
    .map((s) => ({ type: s.type, start: s.start, end: s.end, confidence: s.confidence }))
    .sort((a, b) => a.start - b.start);
}
