import { PTS_WRAP_SECONDS, unwrapNear } from './timestamps.js';

/** One connection to the input: stream second `origin` is presentation time `start`. */
export interface ClockConnection {
  origin: number;
  start: number;
  /** Date.now() when the connection reported its start. */
  atMs: number;
}

/** Connections remembered (events refer to recent seconds; a flapping input must not grow this). */
const MAX_CONNECTIONS = 1000;

/**
 * Maps stream time (seconds delivered since the stream was opened, across reconnects) to the
 * input's presentation time (PTS seconds). Each connection says where it starts, as ffmpeg
 * reports it; within a connection seconds advance one by one. Starts are unwrapped against
 * where the previous connection had got to, so PTS stays continuous across 33-bit wraps
 * (every 26.5 h) and reconnects; a negative first start is moved up one wrap (ffmpeg reports one
 * for an MPEG-TS input that is about to wrap). Starts past the wrap are kept as they are: they
 * come from 64-bit clocks (fMP4 / CMAF decode times, often counted from 1970), which do not
 * wrap, and the reconnects of such an input land within one wrap period of where the previous
 * connection had got to. A live input resumed at its live edge
 * jumps ahead in PTS by what was missed, as it should: stream time does not.
 *
 * Within one connection, PTS follows ffmpeg's timeline: where the input's own timestamps jump
 * (an MPEG-TS discontinuity), ffmpeg closes the gap and so does this clock.
 */
export class StreamClock {
  readonly #connections: ClockConnection[] = [];

  /** A connection began: its second 0 is stream second `origin` and input time `rawStart`. */
  connected(origin: number, rawStart: number): void {
    const prev = this.#connections.at(-1);
    const start = prev
      ? unwrapNear(rawStart, prev.start + (origin - prev.origin))
      : rawStart < 0
        ? rawStart + PTS_WRAP_SECONDS
        : rawStart;
    if (prev && prev.origin === origin) this.#connections.pop();
    this.#connections.push({ origin, start, atMs: Date.now() });
    if (this.#connections.length > MAX_CONNECTIONS) this.#connections.shift();
  }

  /** Presentation time of stream second `streamTime`; undefined before the first known start. */
  ptsAt(streamTime: number): number | undefined {
    for (let i = this.#connections.length - 1; i >= 0; i--) {
      const c = this.#connections[i]!;
      if (c.origin <= streamTime) return c.start + (streamTime - c.origin);
    }
    return undefined;
  }

  get connections(): readonly ClockConnection[] {
    return this.#connections;
  }
}
