import { LogMelFrame } from './logMelFrame.js';
import { MEL, PAD_SAMPLES } from './melConfig.js';

/**
 * Streaming log-mel analyser over one continuous 16 kHz mono signal, computed once: each
 * sample is analysed by the frames that cover it and never again. Frame f analyses padded
 * samples [f·hop, f·hop + fftSize), the padded signal being 5 s of silence, the audio, then
 * silence (added by `finish`).
 */
export class LogMelAnalyzer {
  #buffer = new Float32Array(MEL.fftSize * 64);
  #length = 0; // valid samples in #buffer
  #framesOut = 0;
  readonly #frame = new LogMelFrame();

  constructor() {
    this.#append(new Float32Array(PAD_SAMPLES));
  }

  /** Frames produced so far. */
  get frames(): number {
    return this.#framesOut;
  }

  /** Adds samples; returns the mel frames they completed, time-major [n × bands]. */
  push(samples: Float32Array): Float32Array {
    this.#append(samples);
    return this.#drain();
  }

  /**
   * Ends the signal: appends silence until frame `totalFrames − 1` is complete and returns the
   * remaining frames up to `totalFrames` (frames past it are not computed).
   */
  finish(totalFrames: number): Float32Array {
    const needed = (totalFrames - 1) * MEL.hop + MEL.fftSize;
    const have = this.#framesOut * MEL.hop + this.#length;
    if (needed > have) this.#append(new Float32Array(needed - have));
    return this.#drain(totalFrames);
  }

  #append(samples: Float32Array): void {
    if (this.#length + samples.length > this.#buffer.length) {
      const next = new Float32Array(
        Math.max(this.#buffer.length * 2, this.#length + samples.length),
      );
      next.set(this.#buffer.subarray(0, this.#length));
      this.#buffer = next;
    }
    this.#buffer.set(samples, this.#length);
    this.#length += samples.length;
  }

  #drain(limit = Infinity): Float32Array {
    const available =
      this.#length >= MEL.fftSize ? Math.floor((this.#length - MEL.fftSize) / MEL.hop) + 1 : 0;
    const n = Math.max(0, Math.min(available, limit - this.#framesOut));
    const out = new Float32Array(n * MEL.bands);
    for (let i = 0; i < n; i++) this.#frame.compute(this.#buffer, i * MEL.hop, out, i * MEL.bands);
    // Drop consumed samples (keep the overlap the next frame needs).
    const consumed = n * MEL.hop;
    this.#buffer.copyWithin(0, consumed, this.#length);
    this.#length -= consumed;
    this.#framesOut += n;
    return out;
  }
}
