import { execa } from 'execa';
import { AbortedError } from '../errors.js';
import { KEYFRAMES_ONLY } from './decodeArgs.js';
import { isRemote } from './inputErrors.js';
import { locateFfmpeg, type LocateFfmpegOptions } from './locateFfmpeg.js';
import type { MediaInfo } from './probe.js';

/** The check gives up (and two passes fall back to one) after this long, or a stalled input. */
const CHECK_TIMEOUT_MS = 30_000;

/** What decoding a stretch of the video with keyframes only delivered. */
export interface KeyframeCheck {
  /** Seconds of the input checked (from its start). */
  seconds: number;
  /** Frames the decoder delivered with keyframes only. */
  keyframes: number;
  /** Frames the stretch holds at the stream's frame rate. */
  frames: number;
  /** keyframes / frames: 1 for intra-only video, or where nothing could skip non-key frames. */
  share: number;
}

export interface KeyframeCheckOptions extends LocateFfmpegOptions {
  /** Seconds to check from the start (default 30). */
  seconds?: number;
  signal?: AbortSignal;
}

/**
 * Decodes the first seconds of `input`'s video with keyframes only (the options of a first
 * pass) and counts the frames that come out. Measured rather than looked up: whether non-key
 * frames can be skipped depends on the demuxer (MP4 drops them, Matroska and MPEG-TS do not),
 * the decoder (H.264, HEVC and MPEG-2 skip them, VP9 and AV1 do not) and the GOP, and a check of
 * 30 s costs a fraction of a second where skipping works. Undefined when the video's frame rate
 * is unknown or nothing decodes.
 */
export async function checkKeyframes(
  input: string,
  info: MediaInfo,
  options: KeyframeCheckOptions = {},
): Promise<KeyframeCheck | undefined> {
  const fps = info.video?.fps;
  if (!info.video || fps === undefined || !(fps > 0)) return undefined;
  const seconds = Math.min(options.seconds ?? 30, info.duration ?? Infinity);
  if (!(seconds >= 1)) return undefined;
  const { ffmpeg } = locateFfmpeg(options);
  const args = [
    '-hide_banner',
    '-nostdin',
    '-loglevel',
    'error',
    '-nostats',
    ...(isRemote(input) ? ['-rw_timeout', String(CHECK_TIMEOUT_MS * 1000)] : []),
    ...KEYFRAMES_ONLY,
    '-t',
    seconds.toFixed(3),
    '-i',
    input,
    '-map',
    '0:v:0',
    '-f',
    'null',
    '-progress',
    'pipe:1',
    '-',
  ];
  const result = await execa(ffmpeg, args, {
    reject: false,
    timeout: CHECK_TIMEOUT_MS,
    ...(options.signal ? { cancelSignal: options.signal } : {}),
  });
  if (options.signal?.aborted) throw new AbortedError({ cause: options.signal.reason });
  const keyframes = lastFrameCount(String(result.stdout));
  if (keyframes === undefined || keyframes === 0) return undefined;
  const frames = Math.max(1, Math.round(seconds * fps));
  return { seconds, keyframes, frames, share: Math.min(1, keyframes / frames) };
}

/** The last `frame=N` line of ffmpeg's `-progress` output. */
export function lastFrameCount(progress: string): number | undefined {
  const all = [...progress.matchAll(/^frame=(\d+)$/gm)];
  const last = all.at(-1);
  return last ? Number(last[1]) : undefined;
}
