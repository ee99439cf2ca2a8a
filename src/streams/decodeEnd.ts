import {
  AbortedError,
  type IntrodetectError,
  NoAudioStreamError,
  NotMediaError,
  NoVideoStreamError,
  StreamDroppedError,
  TruncatedMediaError,
} from '../errors.js';
import { SAMPLE_RATE } from './decodeArgs.js';
import type { FfmpegExit } from './ffmpegProcess.js';
import { classifyFfmpegFailure, isRemote } from './inputErrors.js';
import type { MediaInfo } from './probe.js';

/** ffmpeg's words for a network input that ended before its promised length. */
const DROPPED =
  /Stream ends prematurely|Input\/output error|Connection reset|Connection timed out/i;
/** Decoding errors that, as the last words of the log, mean the file was cut or damaged there. */
const CORRUPT_AT_END =
  /corrupt decoded frame|error while decoding|Invalid NAL|partial file|Truncating packet|Packet corrupt|Invalid data found|Error splitting the input/i;

/** One decode as it stood when ffmpeg exited and its pipes closed. */
export interface DecodeTally {
  input: string;
  /** The probe result; undefined for standard input. */
  info: MediaInfo | undefined;
  from: number;
  to: number | undefined;
  video: boolean;
  audio: boolean;
  /** Frames delivered. */
  frames: number;
  /** PCM samples delivered. */
  samples: number;
  /** Only the video's keyframes were decoded (`DecodeOptions.keyframesOnly`). */
  keyframesOnly?: boolean;
  signal?: AbortSignal | undefined;
}

/**
 * How a decode ends: with nothing to deliver, an error alone; otherwise an end event of
 * `seconds` whole seconds, followed by `error` when the input turned out cut or damaged.
 */
export type DecodeOutcome =
  | { delivered: false; error: IntrodetectError }
  | { delivered: true; seconds: number; error: IntrodetectError | undefined };

/**
 * The whole seconds a keyframes-only decode should deliver: its frames stop at the last
 * keyframe, and the picture on screen after it is that keyframe's until the span ends. The
 * span's end is where the audio ends (with audio), else the span's or the input's end.
 */
export function heldFramesTarget(run: DecodeTally): number {
  const expected =
    run.info?.duration !== undefined
      ? Math.floor(Math.max(0, Math.min(run.to ?? Infinity, run.info.duration) - run.from) + 1e-3)
      : undefined;
  const byAudio = run.audio ? Math.ceil(run.samples / SAMPLE_RATE - 0.05) : undefined;
  const target = Math.min(byAudio ?? Infinity, expected ?? Infinity);
  return Number.isFinite(target) ? Math.max(target, run.frames) : run.frames;
}

/**
 * Turns ffmpeg's exit, its stderr and what was decoded into the decode's end: the number of
 * whole seconds, and the typed error a user can act on (aborted, no such stream, not media,
 * truncated, dropped, failed).
 */
export function classifyDecodeEnd(exit: FfmpegExit, run: DecodeTally): DecodeOutcome {
  const { input, info, from, to, frames, samples } = run;
  if (exit.killed || run.signal?.aborted) {
    return { delivered: false, error: new AbortedError({ cause: run.signal?.reason }) };
  }

  // Whole seconds: a second counts when its frame exists and, with audio, when the audio
  // reaches its end; a known duration caps it (fps=1 may round one extra frame at EOF).
  let seconds = run.video ? frames : Math.floor(samples / SAMPLE_RATE);
  if (run.video && run.audio && samples > 0)
    seconds = Math.min(seconds, Math.ceil(samples / SAMPLE_RATE - 0.05));
  const expected =
    info?.duration !== undefined
      ? Math.max(0, Math.min(to ?? Infinity, info.duration) - from)
      : undefined;
  if (expected !== undefined) seconds = Math.min(seconds, Math.floor(expected + 1e-3));

  const failed = exit.exitCode !== 0;
  const exitStatus = exit.exitCode !== undefined ? { exitStatus: exit.exitCode } : {};
  if (failed && frames === 0 && samples === 0) {
    if (/does not contain any stream|matches no streams/i.test(exit.stderrTail)) {
      const error =
        run.video && /0:v/.test(exit.stderrTail)
          ? new NoVideoStreamError(input, { stderr: exit.stderrTail })
          : new NoAudioStreamError(input, { stderr: exit.stderrTail });
      return { delivered: false, error };
    }
    const error = classifyFfmpegFailure(input, exit.stderrTail, {
      secondsDecoded: 0,
      ...exitStatus,
    });
    return { delivered: false, error };
  }
  if (run.video && frames === 0) {
    const error =
      input === '-'
        ? new NoVideoStreamError(input, { stderr: exit.stderrTail })
        : new NotMediaError(input, { stderr: exit.stderrTail });
    return { delivered: false, error };
  }
  if (failed) {
    const error = classifyFfmpegFailure(input, exit.stderrTail, {
      secondsDecoded: seconds,
      ...exitStatus,
    });
    return { delivered: true, seconds, error };
  }
  // ffmpeg exits 0 on many damaged inputs: compare with what the container promised, and
  // read how its log ends (a dropped connection, or decoding errors at the very end).
  if (isRemote(input) && DROPPED.test(exit.stderrTail)) {
    const error = new StreamDroppedError(input, seconds, { stderr: exit.stderrTail });
    return { delivered: true, seconds, error };
  }
  const lastLines = exit.stderrTail.split('\n').filter(Boolean).slice(-3).join('\n');
  // Decoding keyframes only, the video decoder complains of the frames it was told to skip
  // (HEVC with open GOPs: "Duplicate POC", "Invalid data found" at every keyframe), which says
  // nothing of the file; the sound, decoded whole, tells whether it ended early.
  const soundWhole =
    run.keyframesOnly === true &&
    run.audio &&
    expected !== undefined &&
    samples / SAMPLE_RATE >= expected - 2;
  // An MPEG-TS duration is its timestamp range: a timestamp jump (a splice, a wrapped
  // clock) makes it longer than the content ffmpeg decodes, and a cut file's is already
  // short; its truncation shows as corrupt packets at the end instead.
  const durationIsPromise = !/mpegts/.test(info?.formatName ?? '');
  if (
    (expected !== undefined &&
      durationIsPromise &&
      !info?.live &&
      seconds < Math.floor(expected) - 2) ||
    (!isRemote(input) && !soundWhole && CORRUPT_AT_END.test(lastLines))
  ) {
    const error = new TruncatedMediaError(input, seconds, { stderr: exit.stderrTail });
    return { delivered: true, seconds, error };
  }
  return { delivered: true, seconds, error: undefined };
}
