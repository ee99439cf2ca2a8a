/**
 * MPEG presentation timestamps: 33-bit counts of a 90 kHz clock, so they wrap every
 * 2^33 / 90 000 s (about 26.5 h). ffmpeg unwraps them within one connection; across
 * reconnects, and when comparing raw values read from segments, the caller unwraps.
 */

/** Seconds after which an MPEG-TS PTS wraps around. */
export const PTS_WRAP_SECONDS = 2 ** 33 / 90_000;

/**
 * `raw` (seconds; any value, e.g. a raw 33-bit PTS or ffmpeg's possibly negative start) moved
 * by whole wrap periods to the value nearest `reference` (an already unwrapped PTS in seconds).
 */
export function unwrapNear(raw: number, reference: number): number {
  const k = Math.round((reference - raw) / PTS_WRAP_SECONDS);
  return raw + k * PTS_WRAP_SECONDS;
}

/** Seconds rounded to the millisecond (how times are printed). */
export function toMs(seconds: number): number {
  return Math.round(seconds * 1000) / 1000;
}
