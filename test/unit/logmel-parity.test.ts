import meyda from 'meyda';
import { describe, expect, it } from 'vitest';
import { LogMelAnalyzer } from '../../src/audio/logMel.js';
import { hannWindow } from '../../src/audio/logMelFrame.js';
import { MEL, PAD_SAMPLES } from '../../src/audio/melConfig.js';
import { melFilterbank } from '../../src/audio/melFilterbank.js';

// The fast log-mel front end against meyda 5.6 — the front end the shipped models were trained
// on, kept here (a devDependency) as the reference.
//
// Tolerance: 1e-5 absolute on ln(1 + P). Both paths keep P in float32 and differ only in the
// FFT's double-precision rounding (~1e-15 relative), which can move a float32 rounding of an
// amplitude, power or partial sum by one ulp (≤ 2.4e-7 relative in P, so ≤ 2.4e-7 absolute in
// ln(1 + P)) and the stored float32 result by one ulp (≤ 1.9e-6 for values below 32; full-scale
// audio stays below ~14). 1e-5 leaves 5× headroom over that bound and is four orders of
// magnitude below the N(0, 0.1) noise the models are trained with (training/train.py).
// In practice the two agree bit for bit on every value checked so far (3.8 M values).
const TOLERANCE = 1e-5;

/** The part of meyda's (CommonJS) default export used here. */
interface MeydaReference {
  bufferSize: number;
  sampleRate: number;
  melBands: number;
  windowingFunction: string;
  melFilterBank: number[][];
  windowing(signal: Float32Array, name: string): number[];
  extract(feature: 'melBands', signal: Float32Array): number[];
}
const Meyda = meyda as unknown as MeydaReference;
Meyda.bufferSize = MEL.fftSize;
Meyda.sampleRate = MEL.sampleRate;
Meyda.melBands = MEL.bands;
Meyda.windowingFunction = 'hanning';

/**
 * What the meyda-based analyser gave: frame f of the padded signal (5 s of silence, the
 * signal, silence up to `totalFrames`) through `extract('melBands', ·)`.
 */
function meydaLogMel(signal: Float32Array, totalFrames?: number): Float32Array {
  const available = Math.floor((PAD_SAMPLES + signal.length - MEL.fftSize) / MEL.hop) + 1;
  const frames = totalFrames ?? available;
  const padded = new Float32Array(
    Math.max(PAD_SAMPLES + signal.length, (frames - 1) * MEL.hop + MEL.fftSize),
  );
  padded.set(signal, PAD_SAMPLES);
  const out = new Float32Array(frames * MEL.bands);
  for (let f = 0; f < frames; f++) {
    const bands = Meyda.extract('melBands', padded.slice(f * MEL.hop, f * MEL.hop + MEL.fftSize));
    out.set(bands, f * MEL.bands);
  }
  return out;
}

/** The new analyser fed in chunks of the given sizes (cycled), then `finish(totalFrames)`. */
function analyse(signal: Float32Array, chunks: number[], totalFrames?: number): Float32Array {
  const a = new LogMelAnalyzer();
  const parts: Float32Array[] = [];
  for (let i = 0, c = 0; i < signal.length; c++) {
    const size = chunks[c % chunks.length]!;
    parts.push(a.push(signal.subarray(i, i + size)));
    i += size;
  }
  if (totalFrames !== undefined) parts.push(a.finish(totalFrames));
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  expect(a.frames * MEL.bands).toBe(out.length);
  return out;
}

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i]! - b[i]!));
  return max;
}

/** Share of values that are bit-identical. */
function identical(a: Float32Array, b: Float32Array): number {
  let same = 0;
  for (let i = 0; i < a.length; i++) if (Object.is(a[i], b[i])) same++;
  return same / a.length;
}

const seconds = (s: number) => Math.round(s * MEL.sampleRate);
const signalOf = (length: number, f: (n: number) => number) =>
  Float32Array.from({ length }, (_, n) => f(n));
const tone = (hz: number, amplitude: number) => (n: number) =>
  amplitude * Math.sin((2 * Math.PI * hz * n) / MEL.sampleRate);
function noise(seed: number, amplitude: number): (n: number) => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0; // LCG: deterministic white noise
    return amplitude * (2 * (s / 2 ** 32) - 1);
  };
}
/** Linear chirp from f0 to f1 Hz over `length` samples. */
const chirp = (f0: number, f1: number, length: number, amplitude: number) => (n: number) => {
  const t = n / MEL.sampleRate;
  const rate = (f1 - f0) / (length / MEL.sampleRate);
  return amplitude * Math.sin(2 * Math.PI * (f0 * t + (rate * t * t) / 2));
};

describe('log-mel parity with meyda (the trained-on front end)', () => {
  it('uses meyda’s Hann window, bit for bit', () => {
    const reference = Meyda.windowing(new Float32Array(MEL.fftSize).fill(1), 'hanning');
    expect(Array.from(hannWindow(MEL.fftSize))).toEqual(reference);
  });

  it('builds meyda’s mel filterbank, bit for bit, over the bins meyda sums', () => {
    Meyda.extract('melBands', new Float32Array(MEL.fftSize)); // makes meyda build its bank
    const reference = Meyda.melFilterBank;
    const bank = melFilterbank(MEL.bands, MEL.sampleRate, MEL.fftSize);
    expect(reference).toHaveLength(MEL.bands);
    for (let b = 0; b < MEL.bands; b++) {
      const dense = new Array<number>(MEL.fftSize / 2).fill(0);
      for (let i = bank.offset[b]!; i < bank.offset[b + 1]!; i++)
        dense[bank.firstBin[b]! + i - bank.offset[b]!] = bank.weights[i]!;
      expect(dense).toEqual(reference[b]!.slice(0, MEL.fftSize / 2));
    }
  });

  const n = seconds(3);
  const hiss = noise(4, 0.05);
  it.each([
    ['silence', signalOf(n, () => 0)],
    ['a quiet 440 Hz tone', signalOf(n, tone(440, 0.01))],
    ['a full-scale 1 kHz tone', signalOf(n, tone(1000, 1))],
    ['a 7.9 kHz tone near Nyquist', signalOf(n, tone(7900, 0.5))],
    ['a tone on an FFT bin (31.25·40 Hz)', signalOf(n, tone(1250, 0.5))],
    ['white noise', signalOf(n, noise(1, 0.3))],
    ['full-scale noise', signalOf(n, noise(2, 1))],
    ['very faint noise (1e-6)', signalOf(n, noise(3, 1e-6))],
    ['a chirp 50 Hz → 7.9 kHz', signalOf(n, chirp(50, 7900, n, 0.5))],
    ['a full-scale square wave', signalOf(n, (i) => (Math.floor(i / 40) % 2 ? 1 : -1))],
    ['tones + noise', signalOf(n, (i) => tone(220, 0.3)(i) + tone(3300, 0.1)(i) + hiss(i))],
  ])('%s: every value within 1e-5, ≥ 99.9 % bit-identical', (_name, signal) => {
    const total = Math.floor((PAD_SAMPLES + signal.length) / MEL.hop) + 20;
    const expected = meydaLogMel(signal, total);
    const got = analyse(signal, [16_384], total);
    expect(got.length).toBe(total * MEL.bands);
    expect(maxAbsDiff(got, expected)).toBeLessThanOrEqual(TOLERANCE);
    // meyda's float32 roundings are reproduced, not just approximated: the FFT's rounding
    // moves a float32 result only rarely.
    expect(identical(got, expected)).toBeGreaterThanOrEqual(0.999);
  });

  it('silence gives exactly 0 (ln 1), as meyda does', () => {
    const got = analyse(new Float32Array(seconds(1)), [1000], 400);
    expect(got.every((v) => v === 0)).toBe(true);
  });

  const hum = noise(5, 0.1);
  const mix = signalOf(seconds(1.5), (i) => tone(700, 0.4)(i) + hum(i));
  it.each([
    ['one sample at a time', [1]],
    ['pushes not aligned to the hop', [7, 319, 321, 1, 640, 513]],
    ['empty pushes in between', [0, 333, 0, 1200]],
    ['one push of everything', [mix.length]],
  ])('streaming (%s) gives the frames meyda gives on the whole signal', (_name, chunks) => {
    const expected = meydaLogMel(mix);
    const got = analyse(mix, chunks);
    expect(got.length).toBe(expected.length);
    expect(maxAbsDiff(got, expected)).toBeLessThanOrEqual(TOLERANCE);
  });

  it('frame counts: push gives every complete frame, finish pads up to the requested count', () => {
    const a = new LogMelAnalyzer();
    expect(a.push(new Float32Array(0)).length / MEL.bands).toBe(
      Math.floor((PAD_SAMPLES - MEL.fftSize) / MEL.hop) + 1,
    );
    expect(a.push(new Float32Array(1)).length).toBe(0); // 1 sample completes no frame
    expect(a.frames).toBe(249);
    const rest = a.finish(300);
    expect(rest.length / MEL.bands).toBe(51);
    expect(a.frames).toBe(300);
    expect(a.finish(300).length).toBe(0); // nothing past the requested count
  });

  it('finish() after a one-sample signal matches meyda on the padded signal', () => {
    const one = new Float32Array([0.75]);
    const expected = meydaLogMel(one, 260);
    const got = analyse(one, [1], 260);
    expect(maxAbsDiff(got, expected)).toBeLessThanOrEqual(TOLERANCE);
    expect(got.some((v) => v > 0)).toBe(true); // the sample is seen by the frames covering it
  });
});
