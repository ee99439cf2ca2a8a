import type { Target } from '../fusion/decisionConfig.js';

export type StreamEventName = `${Target}.${'start' | 'end'}`;

/** One decision of the live detector, printed as one JSON line. */
export interface StreamEvent {
  event: StreamEventName;
  /**
   * Second of the stream the event refers to: seconds delivered since the stream was opened,
   * counted across reconnects (not the input's own timestamps). Intervals are [start, end).
   */
  streamTime: number;
  /** When the event was decided (emitted), ISO 8601. */
  wallTime: string;
  /** Mean probability over the interval so far (start) or over the whole interval (end). */
  confidence: number;
}

export type StreamFormat = 'jsonl' | 'text';
export const STREAM_FORMATS: readonly StreamFormat[] = ['jsonl', 'text'];

/** One line (with its newline) for stdout. */
export function formatStreamEvent(ev: StreamEvent, format: StreamFormat): string {
  const confidence = Math.round(ev.confidence * 1000) / 1000;
  if (format === 'jsonl') return `${JSON.stringify({ ...ev, confidence })}\n`;
  const [target, edge] = ev.event.split('.') as [string, string];
  const what = `${target === 'intro' ? 'Intro' : 'Credits'} ${edge === 'start' ? 'starts' : 'ends'}`;
  return `${clock(ev.streamTime)}  ${what.padEnd(14)} (confidence ${confidence.toFixed(2)}, decided ${ev.wallTime})\n`;
}

/** Seconds as H:MM:SS. */
function clock(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return `${h}:${String(m).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
}
