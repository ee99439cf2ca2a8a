import type { DetectionResult } from '../detectionResult.js';
import { segmentsOfResult, type SegmentKind } from './segments.js';

/**
 * Jellyfin's media segment types (10.10+, `MediaSegmentType`; its JSON writes enums as names).
 * introdetect's intro is `Intro`, its end credits `Outro`.
 */
export type JellyfinSegmentType = 'Intro' | 'Outro' | 'Recap' | 'Preview' | 'Commercial';

/**
 * The Jellyfin type of each segment kind. A cold open and a post-credits scene are the episode
 * itself and Jellyfin has no type for them: they are not written (Jellyfin would offer to skip
 * any segment it is given).
 */
const JELLYFIN_TYPE_OF: Readonly<Partial<Record<SegmentKind, JellyfinSegmentType>>> = {
  intro: 'Intro',
  credits: 'Outro',
  recap: 'Recap',
  preview: 'Preview',
  commercial: 'Commercial',
};

/** Jellyfin (.NET) ticks: 100 ns, 10 000 000 per second. */
export const TICKS_PER_SECOND = 10_000_000;
export const toTicks = (seconds: number): number => Math.round(seconds * TICKS_PER_SECOND);

/** One segment as Jellyfin's `MediaSegmentDto` has it, less the ids only the server knows. */
export interface JellyfinSegment {
  Type: JellyfinSegmentType;
  StartTicks: number;
  EndTicks: number;
}

/**
 * A file's segments (`segmentsOfResult`, in time order; two credits pieces around a mid-credits
 * scene are two `Outro` items) shaped like the answer of Jellyfin's `GET /MediaSegments/{itemId}`
 * (`Items`, `TotalRecordCount`, `StartIndex`, PascalCase as Jellyfin writes it), plus `Path`,
 * the video it describes, so a script can find the library item. Each of `Items` is a
 * `MediaSegmentDto` body without `Id`/`ItemId`.
 */
export function jellyfinSegmentsOf(result: DetectionResult): {
  Items: JellyfinSegment[];
  TotalRecordCount: number;
  StartIndex: 0;
  Path: string;
} {
  const items = segmentsOfResult(result).flatMap((s) => {
    const type = JELLYFIN_TYPE_OF[s.type];
    return type ? [{ Type: type, StartTicks: toTicks(s.start), EndTicks: toTicks(s.end) }] : [];
  });
  return { Items: items, TotalRecordCount: items.length, StartIndex: 0, Path: result.file };
}

/** {@link jellyfinSegmentsOf} as indented JSON. */
export function formatJellyfin(result: DetectionResult): string {
  return `${JSON.stringify(jellyfinSegmentsOf(result), null, 2)}\n`;
}
