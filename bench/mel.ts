/**
 * Log-mel benchmark (not a test): seconds of audio analysed per wall-second by the old
 * meyda path (`extract('melBands', frame)` per hop, as src/audio/logMel.ts did) and by the
 * current LogMelAnalyzer, on the same signal in one run, with their ratio and how far apart
 * their outputs are.
 *
 *   npm run bench:mel                  # 600 s deterministic synthetic mix (tones, chirp, noise)
 *   npm run bench:mel -- FILE          # the first 600 s of any media file, decoded by ffmpeg
 *   npm run bench:mel -- FILE 120      # … or another length, seconds
 */
import { execFileSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import meyda from 'meyda';
import { LogMelAnalyzer } from '../src/audio/logMel.js';
import { MEL, PAD_SAMPLES } from '../src/audio/melConfig.js';
import { QUIET } from './lib/ffmpegArgs.js';

/** The part of meyda's (CommonJS) default export used here. */
interface Meyda {
  bufferSize: number;
  sampleRate: number;
  melBands: number;
  windowingFunction: string;
  extract(feature: 'melBands', signal: Float32Array): number[];
}
const Meyda = meyda as unknown as Meyda;

/** The analyser as it was before fft.js: same buffering, one meyda `extract` per frame. */
class MeydaLogMelAnalyzer {
  #buffer = new Float32Array(MEL.fftSize * 64);
  #length = 0;
  #framesOut = 0;
  readonly #frame = new Float32Array(MEL.fftSize);

  constructor() {
    Meyda.bufferSize = MEL.fftSize;
    Meyda.sampleRate = MEL.sampleRate;
    Meyda.melBands = MEL.bands;
    Meyda.windowingFunction = 'hanning';
    this.#append(new Float32Array(PAD_SAMPLES));
  }

  push(samples: Float32Array): Float32Array {
    this.#append(samples);
    return this.#drain();
  }

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
    for (let i = 0; i < n; i++) {
      this.#frame.set(this.#buffer.subarray(i * MEL.hop, i * MEL.hop + MEL.fftSize));
      const bands = Meyda.extract('melBands', this.#frame);
      for (let b = 0; b < MEL.bands; b++) out[i * MEL.bands + b] = bands[b] ?? 0;
    }
    const consumed = n * MEL.hop;
    this.#buffer.copyWithin(0, consumed, this.#length);
    this.#length -= consumed;
    this.#framesOut += n;
    return out;
  }
}

/** Tones that come and go, a repeating chirp and white noise (LCG, seed 1); |x| < 1. */
function syntheticMix(seconds: number): Float32Array {
  const out = new Float32Array(seconds * MEL.sampleRate);
  let s = 1;
  for (let n = 0; n < out.length; n++) {
    const t = n / MEL.sampleRate;
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    const noise = 2 * (s / 2 ** 32) - 1;
    const gate = Math.floor(t / 7) % 3 === 0 ? 0 : 1; // a third of the time, tones are off
    const c = t % 10; // chirp 100 Hz → 7.6 kHz every 10 s
    out[n] =
      gate * (0.25 * Math.sin(2 * Math.PI * 440 * t) + 0.15 * Math.sin(2 * Math.PI * 2637 * t)) +
      0.2 * Math.sin(2 * Math.PI * (100 * c + 375 * c * c)) +
      0.05 * noise;
  }
  return out;
}

function decode(file: string, seconds: number): Float32Array {
  const pcm = execFileSync(
    'ffmpeg',
    [
      ...QUIET,
      ...['-t', String(seconds), '-i', file],
      ...['-vn', '-ac', '1', '-ar', String(MEL.sampleRate), '-f', 'f32le', 'pipe:1'],
    ],
    { maxBuffer: seconds * MEL.sampleRate * 4 + 1024 },
  );
  return new Float32Array(pcm.buffer, pcm.byteOffset, pcm.byteLength / 4);
}

interface Analyzer {
  push(samples: Float32Array): Float32Array;
  finish(totalFrames: number): Float32Array;
}

const CHUNK = 16_384; // one 64-KiB read of ffmpeg's f32le pipe

/** Analyses the whole signal as the pipeline does (chunked pushes, then finish). */
function run(make: () => Analyzer, signal: Float32Array): { seconds: number; mel: Float32Array } {
  const totalFrames = Math.floor(signal.length / MEL.hop) + MEL.windowFrames - MEL.framesPerSecond;
  const mel = new Float32Array(totalFrames * MEL.bands);
  const start = performance.now();
  const a = make();
  let at = 0;
  for (let i = 0; i < signal.length; i += CHUNK) {
    const frames = a.push(signal.subarray(i, i + CHUNK));
    mel.set(frames, at);
    at += frames.length;
  }
  mel.set(a.finish(totalFrames), at);
  return { seconds: (performance.now() - start) / 1000, mel };
}

const [file, length = '600'] = process.argv.slice(2);
const seconds = Number(length);
const signal = file ? decode(file, seconds) : syntheticMix(seconds);
const audioSeconds = signal.length / MEL.sampleRate;
const what = file
  ? `${audioSeconds.toFixed(1)} s decoded from ${file}`
  : `${audioSeconds} s deterministic synthetic mix (tones, chirp, noise)`;
console.log(`signal: ${what}, 16 kHz mono, pushed in ${CHUNK}-sample chunks`);

const warm = signal.subarray(0, 10 * MEL.sampleRate);
run(() => new MeydaLogMelAnalyzer(), warm);
run(() => new LogMelAnalyzer(), warm);

const old = run(() => new MeydaLogMelAnalyzer(), signal);
const runs = [0, 1, 2].map(() => run(() => new LogMelAnalyzer(), signal));
const fresh = runs.map((r) => r.seconds).sort((a, b) => a - b)[1]!;

const rate = (s: number) => (audioSeconds / s).toFixed(1).padStart(8);
console.log(
  `meyda (old)   : ${rate(old.seconds)} s of audio per wall-second (${old.seconds.toFixed(2)} s)`,
);
console.log(
  `fft.js (new)  : ${rate(fresh)} s of audio per wall-second (${fresh.toFixed(3)} s, median of 3)`,
);
console.log(`speed-up      : ${(old.seconds / fresh).toFixed(1)}×`);

const mel = runs[0]!.mel;
let maxDiff = 0;
let same = 0;
for (let i = 0; i < mel.length; i++) {
  maxDiff = Math.max(maxDiff, Math.abs(mel[i]! - old.mel[i]!));
  if (Object.is(mel[i], old.mel[i])) same++;
}
console.log(
  `parity        : max |Δ ln(1+P)| = ${maxDiff.toExponential(2)} over ${mel.length} values, ` +
    `${((100 * same) / mel.length).toFixed(3)} % bit-identical`,
);
