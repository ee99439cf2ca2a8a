import FFT from 'fft.js';
import { MEL } from './melConfig.js';
import { melFilterbank, type MelFilterbank } from './melFilterbank.js';

/**
 * meyda's 'hanning' window: symmetric, 0.5 − 0.5·cos(2πn / (size − 1)), held in float32 as
 * meyda holds it.
 */
export function hannWindow(size: number): Float32Array {
  const w = new Float32Array(size);
  for (let n = 0; n < size; n++) w[n] = 0.5 - 0.5 * Math.cos((2 * Math.PI * n) / (size - 1));
  return w;
}

let shared: { window: Float32Array; bank: MelFilterbank } | undefined;

/**
 * One analysis frame → its 64 log-mel values, the numbers meyda's `extract('melBands', frame)`
 * gives (the front end the models were trained on) without its per-frame allocations:
 * Hann window, real FFT (fft.js), power |X|² of bins 0 … fftSize/2 − 1, mel filterbank,
 * ln(1 + ·). meyda's float32 roundings are kept (amplitude, power, each filtered bin and each
 * partial sum are float32 there), so the results differ from meyda's only by the FFT's
 * rounding, a few float32 ulps at most. The window and filterbank are computed once and shared;
 * each instance owns its FFT buffers, so one instance must not be used re-entrantly.
 */
export class LogMelFrame {
  readonly #window: Float32Array;
  readonly #bank: MelFilterbank;
  readonly #fft = new FFT(MEL.fftSize);
  readonly #windowed = new Float64Array(MEL.fftSize);
  readonly #spectrum = new Float64Array(2 * MEL.fftSize); // interleaved re, im
  readonly #power = new Float32Array(MEL.fftSize / 2);

  constructor() {
    shared ??= {
      window: hannWindow(MEL.fftSize),
      bank: melFilterbank(MEL.bands, MEL.sampleRate, MEL.fftSize),
    };
    this.#window = shared.window;
    this.#bank = shared.bank;
  }

  /** Analyses samples [from, from + fftSize) of `signal`; writes `bands` values at out[at …]. */
  compute(signal: Float32Array, from: number, out: Float32Array, at: number): void {
    const windowed = this.#windowed;
    const window = this.#window;
    for (let n = 0; n < windowed.length; n++) windowed[n] = signal[from + n]! * window[n]!;
    const spectrum = this.#spectrum;
    this.#fft.realTransform(spectrum, windowed);
    const power = this.#power;
    for (let k = 0; k < power.length; k++) {
      const re = spectrum[2 * k]!;
      const im = spectrum[2 * k + 1]!;
      const amplitude = Math.fround(Math.sqrt(re * re + im * im));
      power[k] = amplitude * amplitude; // the Float32Array rounds, as meyda's does
    }
    const { bands, firstBin, offset, weights } = this.#bank;
    for (let b = 0; b < bands; b++) {
      let sum = 0;
      const end = offset[b + 1]!;
      for (let i = offset[b]!, k = firstBin[b]!; i < end; i++, k++)
        sum = Math.fround(sum + Math.fround(weights[i]! * power[k]!));
      out[at + b] = Math.log(sum + 1);
    }
  }
}
