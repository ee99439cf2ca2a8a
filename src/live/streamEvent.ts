import type { Target } from '../fusion/decisionConfig.js';

/** What a stream event marks: an intro or credits edge, or a recap's (found before an intro). */
export type StreamEventName = `${Target | 'recap'}.${'start' | 'end'}`;

/** One decision of the live detector, printed as one JSON line. */
export interface StreamEvent {
  event: StreamEventName;
  /**
   * Second of the stream the event refers to: seconds delivered since the stream was opened,
   * counted across reconnects (not the input's own timestamps). Intervals are [start, end).
   */
  streamTime: number;
  /**
   * The input's presentation time of that second (seconds, millisecond precision): its own
   * timestamps (MPEG-TS PTS / 90 kHz for TS and HLS), continuous across reconnects and the
   * 33-bit wrap. Absent when ffmpeg reported no start time.
   */
  pts?: number;
  /** HLS with EXT-X-PROGRAM-DATE-TIME: the wall-clock instant of the boundary (ISO 8601, ms). */
  programDateTime?: string;
  /** HLS: media sequence number of the segment the boundary falls in. */
  mediaSequence?: number;
  /** HLS: absolute URI of that segment. */
  segmentUri?: string;
  /** When the event was decided (emitted), ISO 8601. */
  wallTime: string;
  /** Mean probability over the interval so far (start) or over the whole interval (end). */
  confidence: number;
}

export type StreamFormat = 'jsonl' | 'text';
export const STREAM_FORMATS: readonly StreamFormat[] = ['jsonl', 'text'];

/**
 * One line (with its newline) for stdout; an event of a named channel (`stream --config`)
 * carries `channel` first.
 */
export function formatStreamEvent(
  ev: StreamEvent & { channel?: string | undefined },
  format: StreamFormat,
): string {
  const confidence = Math.round(ev.confidence * 1000) / 1000;
  const { channel, ...rest } = ev;
  if (format === 'jsonl') {
    return `${JSON.stringify({ ...(channel !== undefined ? { channel } : {}), ...rest, confidence })}\n`;
  }
  const [target, edge] = ev.event.split('.') as [string, string];
  const what = `${target[0]!.toUpperCase()}${target.slice(1)} ${edge === 'start' ? 'starts' : 'ends'}`;
  const where = channel !== undefined ? `[${channel}] ` : '';
  const media = [
    ev.pts !== undefined ? `pts ${ev.pts.toFixed(3)}` : undefined,
    ev.programDateTime,
  ].filter((x) => x !== undefined);
  return `${where}${clock(ev.streamTime)}  ${what.padEnd(14)} (${media.length ? `${media.join(', ')}; ` : ''}confidence ${confidence.toFixed(2)}, decided ${ev.wallTime})\n`;
}

/** Seconds as H:MM:SS. */
function clock(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return `${h}:${String(m).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
}
