import { isRemote } from './inputErrors.js';
import type { MediaInfo } from './probe.js';

/** Sample rate of the PCM the decoder delivers (mono float32). */
export const SAMPLE_RATE = 16_000;
/** File descriptor of the pipe that carries the PCM (the frames go to stdout, fd 1). */
export const PCM_FD = 3;
/**
 * Whether the video decoder skips its in-loop deblocking filter by default (see
 * DecodeOptions.skipLoopFilter).
 */
export const DEFAULT_SKIP_LOOP_FILTER = true;

/**
 * ffmpeg input options that decode only the video's keyframes. Without frame threading
 * (`-thread_type slice`): keyframes decode alone, so frame threads gain little there, and each
 * holds its own frames — on 1080p HEVC the keyframes-only ffmpeg peaked at 165 MiB with them
 * against 115 MiB without (a plain decode of all frames: 106 MiB), at the same speed.
 */
export const KEYFRAMES_ONLY: readonly string[] = [
  '-discard:v',
  'nokey',
  '-skip_frame',
  'nokey',
  '-thread_type',
  'slice',
];

/** What decodeArgs needs to know; decode fills in every default. */
export interface DecodeArgsOptions {
  /** Side of the square RGB24 frames, in pixels. */
  frameSize: number;
  video: boolean;
  audio: boolean;
  /** Start of the span, in seconds of the input (seeks when > 0). */
  from: number;
  /** End of the span, in seconds of the input; undefined: the end. */
  to: number | undefined;
  /** Network inputs: give up when no data arrives for this long (ms). */
  readTimeoutMs: number;
  /** Seconds of silence to put before the audio (it starts this much after the video). */
  audioDelay?: number;
  /** `-skip_loop_filter all` (video only). */
  skipLoopFilter?: boolean;
  /** Decode only the video's keyframes (see DecodeOptions.keyframesOnly). */
  keyframesOnly?: boolean;
  /** Extra ffmpeg input options, placed before `-i`. */
  inputOptions?: readonly string[];
  /**
   * Log informational lines too, tagged with their level (`-loglevel level+info`), so the
   * input's start time can be read from them (see DecodeOptions.onInputStart).
   */
  infoLog?: boolean;
}

/**
 * ffmpeg arguments for one input, two outputs. Alignment is decided here:
 * - video: `fps=1:round=up:start_time=0` emits, for each second t, the latest frame whose
 *   timestamp is <= t (the frame on screen at t), from the timestamps themselves, so variable
 *   and odd frame rates (23.976, 29.97) cannot drift; `start_time=0` pads a late-starting video.
 * - audio: `aresample=16000:async=1` fills gaps and trims overlaps by timestamp while it
 *   resamples, so sample n is time n / 16000 whatever the input rate. A late audio start is
 *   padded with `adelay` (measured by the probe), not with aresample's `first_pts=0`: ffmpeg
 *   rebuilds the filter graph when the sample rate changes mid-stream, and `first_pts=0`
 *   would then pad from zero again, inserting the whole elapsed time as silence.
 */
export function decodeArgs(input: string, opts: DecodeArgsOptions): string[] {
  const args = ['-hide_banner', '-nostats', '-loglevel', opts.infoLog ? 'level+info' : 'warning'];
  if (input !== '-') args.push('-nostdin');
  if (isRemote(input)) {
    args.push('-rw_timeout', String(opts.readTimeoutMs * 1000));
  }
  if (opts.from > 0) args.push('-ss', opts.from.toFixed(3));
  if (opts.to !== undefined) args.push('-t', (opts.to - opts.from).toFixed(3));
  if (opts.skipLoopFilter && opts.video) args.push('-skip_loop_filter', 'all');
  // Both: the demuxer drops non-key packets where it can (MP4, Matroska; any codec), and the
  // decoder skips non-key frames where the demuxer cannot (MPEG-TS; H.264, HEVC).
  if (opts.keyframesOnly && opts.video) args.push(...KEYFRAMES_ONLY);
  if (opts.inputOptions) args.push(...opts.inputOptions);
  args.push('-i', input === '-' ? 'pipe:0' : input);
  if (opts.video) {
    const s = opts.frameSize;
    args.push(
      '-map',
      '0:v:0',
      '-vf',
      `fps=1:round=up:start_time=0,scale=${s}:${s}:flags=area,format=rgb24`,
      '-f',
      'rawvideo',
      '-pix_fmt',
      'rgb24',
      'pipe:1',
    );
  }
  if (opts.audio) {
    args.push(
      '-map',
      '0:a:0',
      '-af',
      `${delayFilter(opts.audioDelay ?? 0)}aresample=${SAMPLE_RATE}:async=1`,
      '-ac',
      '1',
      '-f',
      'f32le',
      `pipe:${PCM_FD}`,
    );
  }
  return args;
}

function delayFilter(seconds: number): string {
  return seconds > 0.001 ? `adelay=${Math.round(seconds * 1000)}:all=1,` : '';
}

/**
 * How much later than the video the audio starts, in a file read from its beginning: the
 * `audioDelay` to pass to decodeArgs (0 when seeking or when the probe does not say).
 */
export function audioStartDelay(info: MediaInfo | undefined, from: number): number {
  const a = info?.audio?.startTime;
  const v = info?.video?.startTime;
  if (from > 0 || a === undefined || v === undefined) return 0;
  return Math.max(0, a - Math.min(a, v));
}
