import { execa } from 'execa';
import { AbortedError } from '../errors.js';
import { classifyFfmpegFailure } from '../streams/inputErrors.js';
import { locateFfmpeg, type LocateFfmpegOptions } from '../streams/locateFfmpeg.js';

/** One decoded frame of a boundary's neighbourhood, reduced to what the cues need. */
export interface FrameCue {
  /** Presentation time, seconds from the start of the file. */
  t: number;
  /** Mean luma in [0, 1]. */
  luma: number;
  /** Share of pixels darker than 10 % luma, in [0, 1] (ffmpeg blackdetect's measure). */
  dark: number;
  /** Mean absolute luma change from the previous frame, in [0, 1] (0 for the first frame). */
  change: number;
}

/** The picture and sound around one boundary, at the file's own frame rate. */
export interface BoundaryCues {
  from: number;
  to: number;
  frames: FrameCue[];
  /** Audio level per `audioStep` seconds from `from`, in dBFS (−120 for digital silence). */
  audioDb: number[];
  audioStep: number;
}

export interface BoundaryCueOptions extends LocateFfmpegOptions {
  signal?: AbortSignal;
}

/** Frames are compared at this size: enough to see a cut, cheap to decode into. */
const CUE_WIDTH = 64;
const CUE_HEIGHT = 36;
const AUDIO_RATE = 8000;
const AUDIO_STEP = 0.02;
const TIMEOUT_MS = 60_000;
/** Seconds decoded before a boundary's window, for seeks that land late (MPEG-TS). */
const SEEK_MARGIN = 2;

/** What ffmpeg says when the input has no audio stream to map (`-map 0:a:0`). */
const NO_AUDIO = /Stream map '0:a:0' matches no streams/;

/** `pts_time:1.24` in showinfo's lines. */
const PTS_TIME = /\bpts_time:\s*(-?[\d.]+(?:e-?\d+)?)/g;

/**
 * Decodes [from, to) of `file` at its own frame rate (small grey frames; showinfo gives each
 * frame's time) and its audio (mono, 8 kHz) in one ffmpeg run, and reduces them to per-frame
 * luma, darkness and change, and a 20-ms audio level. Decoding starts `SEEK_MARGIN` s before
 * `from`, since ffmpeg may seek MPEG-TS to the first keyframe after the time asked.
 */
export async function boundaryCues(
  file: string,
  from: number,
  to: number,
  options: BoundaryCueOptions = {},
): Promise<BoundaryCues> {
  const { ffmpeg } = locateFfmpeg(options);
  const start = Math.max(0, from);
  // ffmpeg seeks MPEG-TS to the first keyframe at or after the time asked: ask earlier, and
  // keep what is decoded from `start` (times come from the frames themselves, so the frames
  // between are simply dropped).
  const seek = Math.max(0, start - SEEK_MARGIN);
  const seconds = Math.max(0, to - seek);
  const head = ['-hide_banner', '-nostdin', '-nostats', '-loglevel', 'info'];
  const input = ['-ss', seek.toFixed(3), '-i', file];
  const duration = ['-t', seconds.toFixed(3)];
  const pictureOut = [
    ...duration,
    '-map',
    '0:v:0',
    '-vf',
    `scale=${CUE_WIDTH}:${CUE_HEIGHT}:flags=area,format=gray,showinfo`,
    // One output frame per decoded frame (rawvideo would otherwise get constant-rate
    // duplicates, out of step with showinfo's times). `-vsync` is what every ffmpeg knows.
    '-vsync',
    'passthrough',
    '-f',
    'rawvideo',
    '-pix_fmt',
    'gray',
    'pipe:1',
  ];
  const soundOut = [
    ...duration,
    '-map',
    '0:a:0',
    '-ac',
    '1',
    // Silence before a late first sample, so sample n is time seek + n / rate.
    '-af',
    `aresample=${AUDIO_RATE}:async=1:first_pts=0`,
    '-f',
    's16le',
    'pipe:3',
  ];
  // One ffmpeg for both (one open, one seek, one demux); a file without sound fails that
  // for want of an audio stream, and is decoded again for its picture alone.
  let run = await runFfmpeg(ffmpeg, [...head, ...input, ...pictureOut, ...soundOut], file, options);
  if (run.failure && NO_AUDIO.test(run.stderr)) {
    run = await runFfmpeg(ffmpeg, [...head, ...input, ...pictureOut], file, options);
  }
  if (run.failure) throw run.failure;
  const times = [...run.stderr.matchAll(PTS_TIME)].map((m) => Number(m[1]));
  const frames = frameCues(run.picture, times, seek).filter((f) => f.t >= start - 1e-6);
  const step = Math.round(AUDIO_STEP * AUDIO_RATE);
  const skip = Math.round((start - seek) / AUDIO_STEP);
  return {
    from: start,
    to: seek + seconds,
    frames,
    audioDb: audioLevels(run.sound, step).slice(skip),
    audioStep: AUDIO_STEP,
  };
}

/** One ffmpeg run's picture (pipe:1), sound (pipe:3) and log, or why it failed. */
interface CueRun {
  picture: Uint8Array;
  sound: Uint8Array;
  stderr: string;
  failure?: Error;
}

async function runFfmpeg(
  ffmpeg: string,
  args: string[],
  file: string,
  options: BoundaryCueOptions,
): Promise<CueRun> {
  const result = await execa(ffmpeg, args, {
    encoding: 'buffer',
    reject: false,
    timeout: TIMEOUT_MS,
    maxBuffer: 64 * 1024 * 1024,
    stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
    ...(options.signal ? { cancelSignal: options.signal } : {}),
  });
  if (options.signal?.aborted) throw new AbortedError({ cause: options.signal.reason });
  const stderr = Buffer.from(result.stderr).toString('utf8');
  const sound = result.stdio[3];
  return {
    picture: result.stdout,
    sound: sound instanceof Uint8Array ? sound : new Uint8Array(0),
    stderr,
    ...(result.exitCode !== 0
      ? {
          failure: classifyFfmpegFailure(file, stderr, {
            secondsDecoded: 0,
            ...(result.exitCode !== undefined ? { exitStatus: result.exitCode } : {}),
          }),
        }
      : {}),
  };
}

/** Per-frame cues from raw grey frames and their showinfo times (relative to `from`). */
export function frameCues(raw: Uint8Array, times: readonly number[], from: number): FrameCue[] {
  const size = CUE_WIDTH * CUE_HEIGHT;
  const count = Math.min(times.length, Math.floor(raw.length / size));
  const out: FrameCue[] = [];
  for (let i = 0; i < count; i++) {
    const frame = raw.subarray(i * size, (i + 1) * size);
    const prev = i > 0 ? raw.subarray((i - 1) * size, i * size) : undefined;
    let sum = 0;
    let dark = 0;
    let change = 0;
    for (let p = 0; p < size; p++) {
      const y = frame[p]!;
      sum += y;
      if (y < 25.5) dark++;
      if (prev) change += Math.abs(y - prev[p]!);
    }
    out.push({
      t: from + times[i]!,
      luma: sum / size / 255,
      dark: dark / size,
      change: change / size / 255,
    });
  }
  return out;
}

/** RMS level in dBFS of each `step` samples of signed 16-bit mono PCM. */
export function audioLevels(pcm: Uint8Array, step: number): number[] {
  const view = new DataView(pcm.buffer, pcm.byteOffset, pcm.byteLength);
  const samples = Math.floor(pcm.byteLength / 2);
  const out: number[] = [];
  for (let s = 0; s + step <= samples; s += step) {
    let sq = 0;
    for (let k = s; k < s + step; k++) {
      const v = view.getInt16(2 * k, true) / 32768;
      sq += v * v;
    }
    const rms = Math.sqrt(sq / step);
    out.push(rms > 1e-6 ? 20 * Math.log10(rms) : -120);
  }
  return out;
}
