import { MEL } from './melConfig.js';

/**
 * Holds the log-mel frames of a stream and hands out the 10-s window of each second as a
 * view (`subarray`) into one contiguous buffer: windows are never recomputed or copied.
 * When the buffer fills, a NEW buffer is allocated for the frames still needed, so views
 * already handed out stay valid; memory stays bounded by about two windows.
 */
export class MelWindowStore {
  #buffer: Float32Array;
  #base = 0; // mel frame index of #buffer[0]
  #count = 0; // frames held from #base
  #nextT = 0; // next second whose window will be asked for

  constructor(capacityFrames = MEL.windowFrames * 4) {
    this.#buffer = new Float32Array(capacityFrames * MEL.bands);
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

  /** True once the frames of second t's window have all arrived. */
  ready(t: number): boolean {
    return t * MEL.framesPerSecond + MEL.windowFrames <= this.frames;
  }

  /** The window of second t ([t − 5 s, t + 5 s)), 500 × 64 time-major, as a view. */
  window(t: number): Float32Array {
    const first = t * MEL.framesPerSecond;
    if (first < this.#base || !this.ready(t)) {
      throw new RangeError(`mel window ${t} is not held (frames ${this.#base}..${this.frames})`);
    }
    this.#nextT = Math.max(this.#nextT, t + 1);
    const start = (first - this.#base) * MEL.bands;
    return this.#buffer.subarray(start, start + MEL.windowFrames * MEL.bands);
  }
}
