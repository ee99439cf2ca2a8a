import { MEL } from './melConfig.js';

/**
 * Holds the log-mel frames of a stream and hands out the 10-s window of each second as a
 * view (`subarray`) into one contiguous buffer: windows are never recomputed or copied.
 * A store made for a live model (`future` < 5 s: its audio encoder hears only that far past
 * the second's centre) hands out second t's window as soon as `future` seconds past t have
 * arrived; while the rest of the window is still to come, it is a copy with silence (0)
 * there, which the model ignores anyway.
 * When the buffer fills, a NEW buffer is allocated for the frames still needed, so views
 * already handed out stay valid; memory stays bounded by about two windows.
 */
export class MelWindowStore {
  #buffer: Float32Array;
  #base = 0; // mel frame index of #buffer[0]
  #count = 0; // frames held from #base
  #nextT = 0; // next second whose window will be asked for
  /** Mel frames from a window's first frame to the last one it needs. */
  readonly #needed: number;

  /**
   * @param future seconds past each second's centre a window needs (default 5: all of it;
   *   0..5, see the model's `mel.futureSeconds`)
   */
  constructor(capacityFrames = MEL.windowFrames * 4, future: number = MEL.padSeconds) {
    if (!(future >= 0 && future <= MEL.padSeconds)) {
      throw new RangeError(`future must be within 0..${MEL.padSeconds} s (got ${future})`);
    }
    this.#buffer = new Float32Array(capacityFrames * MEL.bands);
    this.#needed = Math.round((MEL.padSeconds + future) * MEL.framesPerSecond);
  }

  /** Total mel frames appended so far. */
  get frames(): number {
    return this.#base + this.#count;
  }

  /** Mel frames held now (from the first window still to be asked for, or fewer). */
  get held(): number {
    return this.#count;
  }

  append(frames: Float32Array): void {
    const n = frames.length / MEL.bands;
    if ((this.#count + n) * MEL.bands > this.#buffer.length) {
      // Keep only frames from the first window still to be emitted.
      const keepFrom = Math.min(this.#nextT * MEL.framesPerSecond, this.#base + this.#count);
      const drop = keepFrom - this.#base;
      const kept = this.#count - drop;
      const capacity = Math.max(this.#buffer.length / MEL.bands, (kept + n) * 2);
      const next = new Float32Array(capacity * MEL.bands);
      next.set(this.#buffer.subarray(drop * MEL.bands, this.#count * MEL.bands));
      this.#buffer = next;
      this.#base = keepFrom;
      this.#count = kept;
    }
    this.#buffer.set(frames, this.#count * MEL.bands);
    this.#count += n;
  }

  /** True once the frames second t's window needs (up to `future` past t) have arrived. */
  ready(t: number): boolean {
    return t * MEL.framesPerSecond + this.#needed <= this.frames;
  }

  /**
   * The window of second t ([t − 5 s, t + 5 s)), 500 × 64 time-major: a view once all of it
   * has arrived, before that a copy with silence where frames are still to come.
   */
  window(t: number): Float32Array {
    const first = t * MEL.framesPerSecond;
    if (first < this.#base || !this.ready(t)) {
      throw new RangeError(`mel window ${t} is not held (frames ${this.#base}..${this.frames})`);
    }
    this.#nextT = Math.max(this.#nextT, t + 1);
    const start = (first - this.#base) * MEL.bands;
    const end = start + MEL.windowFrames * MEL.bands;
    if (end <= this.#count * MEL.bands) return this.#buffer.subarray(start, end);
    const partial = new Float32Array(MEL.windowFrames * MEL.bands);
    partial.set(this.#buffer.subarray(start, this.#count * MEL.bands));
    return partial;
  }
}
