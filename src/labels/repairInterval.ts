import type { Interval } from './types.js';
import { formatTimecode } from './timecode.js';

/** What `repairInterval` made of one labelled start/end pair. */
export interface RepairedInterval {
  /** The interval, or null when the pair means "none" (start == end). */
  interval: Interval | null;
  /** Set when the pair was changed or dropped; names the video and says what was done. */
  warning?: string;
}

/**
 * Applies the known fixes for hand-made start/end pairs (the seeds' labels.json):
 *
 * - `start == end` (typically "0:00:00"/"0:00:00"): no interval.
 * - `start > end` and `start - 60 < end`: an annotator's minute slip (the start's minute is one
 *   too high, so the start lands after the end; seed 001 "начало заставки оказывалось на 60
 *   секунд позже"): the start is moved back 60 s, giving an interval shorter than a minute.
 * - any other `start > end`: start and end swapped (seed 000's outliers).
 *
 * `what` names the pair in warnings, e.g. `video -220020068_456255332 intro`.
 */
export function repairInterval(what: string, start: number, end: number): RepairedInterval {
  const shown = `${formatTimecode(start)}–${formatTimecode(end)}`;
  if (start === end) {
    return { interval: null, warning: `${what}: start equals end (${shown}); read as none.` };
  }
  if (start < end) return { interval: { start, end } };
  if (start - 60 < end && start - 60 >= 0) {
    const fixed = { start: start - 60, end };
    return {
      interval: fixed,
      warning:
        `${what}: start after end (${shown}); read as a one-minute slip in the start → ` +
        `${formatTimecode(fixed.start)}–${formatTimecode(end)} (swapping would give ` +
        `${formatTimecode(end)}–${formatTimecode(start)}).`,
    };
  }
  return {
    interval: { start: end, end: start },
    warning: `${what}: start after end (${shown}); swapped → ${formatTimecode(end)}–${formatTimecode(start)}.`,
  };
}
