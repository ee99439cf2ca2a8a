// The part of m3u8-parser (video.js; ships no types) the specs use to read playlists back with
// a second, independent parser.
declare module 'm3u8-parser' {
  /** An EXT-X-DATERANGE, attribute names camel-cased (`X-CONFIDENCE` → `xConfidence`). */
  export interface ParsedDateRange {
    id: string;
    class?: string;
    startDate: Date;
    endDate?: Date;
    duration?: number;
    [attribute: string]: unknown;
  }
  export interface ParsedSegment {
    uri: string;
    duration: number;
    timeline: number;
    /** Epoch ms, from the segment's tag or carried from the previous segment. */
    programDateTime?: number;
    /** EXT-X-BYTERANGE, its offset resolved. */
    byterange?: { length: number; offset: number };
    map?: { uri: string; byterange?: { length: number; offset: number } };
    key?: { method: string; uri: string };
  }
  export interface ParsedManifest {
    targetDuration?: number;
    mediaSequence?: number;
    discontinuitySequence?: number;
    endList?: boolean;
    segments: ParsedSegment[];
    dateRanges: ParsedDateRange[];
  }
  export class Parser {
    manifest: ParsedManifest;
    push(chunk: string): void;
    end(): void;
    on(event: 'warn' | 'info', listener: (event: { message: string }) => void): void;
  }
}
