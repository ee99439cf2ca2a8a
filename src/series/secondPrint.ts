import { MEL } from '../audio/melConfig.js';
import type { SecondSample } from '../features/joinSeconds.js';

/** Side of the grey thumbnail a frame is reduced to. */
const PRINT_GRID = 16;
/** Time slices of the second's own log-mel frames (10 frames of 20 ms each). */
const PRINT_SLICES = 5;

/**
 * What one second of an episode looks and sounds like, small enough to compare with every
 * second of another episode: a 16 × 16 grey thumbnail of its frame and the mean log-mel of its
 * own second in 5 slices, each with its mean removed and scaled to unit length (so the dot
 * product of two prints is a correlation in [−1, 1], blind to brightness and loudness).
 */
export interface SecondPrint {
  video: Float32Array;
  /** Null when the episode was decoded without audio (vision models). */
  audio: Float32Array | null;
  /**
   * The sound of [t + 0.5 s, t + 1.5 s), printed the same way: two copies of a sequence start
   * at different fractions of a second, and one of the pairings is then within a quarter second.
   */
  audioLate: Float32Array | null;
}

const MEL_FPS = MEL.framesPerSecond;
const MEL_BANDS = MEL.bands;

/** The print of one decoded second; `frameSize` is the side of its square RGB frame. */
export function secondPrint(sample: SecondSample, frameSize: number): SecondPrint {
  const own = MEL.windowFrames / 2; // the window is [t − 5 s, t + 5 s)
  return {
    video: picturePrint(sample.frame, frameSize),
    audio: sample.mel && melPrint(sample.mel, own),
    audioLate: sample.mel && melPrint(sample.mel, own + MEL_FPS / 2),
  };
}

/** The picture half of a second's print: its RGB frame (size × size) as a 16 × 16 grey thumbnail. */
export function picturePrint(rgb: Uint8Array, size: number): Float32Array {
  const out = new Float32Array(PRINT_GRID * PRINT_GRID);
  const count = new Float32Array(out.length);
  for (let y = 0; y < size; y++) {
    const gy = Math.floor((y * PRINT_GRID) / size);
    for (let x = 0; x < size; x++) {
      const gx = Math.floor((x * PRINT_GRID) / size);
      const p = (y * size + x) * 3;
      const cell = gy * PRINT_GRID + gx;
      out[cell]! += 0.299 * rgb[p]! + 0.587 * rgb[p + 1]! + 0.114 * rgb[p + 2]!;
      count[cell]! += 1;
    }
  }
  for (let i = 0; i < out.length; i++) out[i] = out[i]! / Math.max(1, count[i]!);
  return normalise(out);
}

/** One second of mel frames from window frame `first` on, in PRINT_SLICES slices. */
function melPrint(mel: Float32Array, first: number): Float32Array {
  const perSlice = MEL_FPS / PRINT_SLICES;
  const out = new Float32Array(PRINT_SLICES * MEL_BANDS);
  for (let f = 0; f < MEL_FPS; f++) {
    const slice = Math.floor(f / perSlice);
    const row = (first + f) * MEL_BANDS;
    for (let b = 0; b < MEL_BANDS; b++)
      out[slice * MEL_BANDS + b]! += (mel[row + b] ?? 0) / perSlice;
  }
  return normalise(out);
}

/** Removes the mean and scales to unit length, in place; a flat vector becomes all zeros. */
function normalise(v: Float32Array): Float32Array {
  let mean = 0;
  for (const x of v) mean += x;
  mean /= v.length;
  let norm = 0;
  for (let i = 0; i < v.length; i++) {
    v[i] = v[i]! - mean;
    norm += v[i]! * v[i]!;
  }
  norm = Math.sqrt(norm);
  if (norm > 1e-6) for (let i = 0; i < v.length; i++) v[i] = v[i]! / norm;
  else v.fill(0);
  return v;
}

/** How alike two seconds sound: the best of the aligned and the half-second-shifted pairings. */
export function soundSimilarity(a: SecondPrint, b: SecondPrint): number {
  if (!a.audio || !b.audio || !a.audioLate || !b.audioLate) return 0;
  return Math.max(
    similarity(a.audio, b.audio),
    similarity(a.audio, b.audioLate),
    similarity(a.audioLate, b.audio),
  );
}

/** Dot product of two prints' parts (their correlation). */
export function similarity(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}
