import { existsSync, statSync } from 'node:fs';
import { execa } from 'execa';
import { AbortedError, FfmpegFailedError, InputNotFoundError, NotMediaError } from '../errors.js';
import { locateFfmpeg, type LocateFfmpegOptions } from './locateFfmpeg.js';
import { classifyFfmpegFailure, isRemote } from './inputErrors.js';

export interface VideoStreamInfo {
  index: number;
  codec: string;
  width: number;
  height: number;
  /** Average frame rate (frames per second), when known. */
  fps: number | undefined;
  /** True when r_frame_rate and avg_frame_rate disagree (a hint of variable frame rate). */
  variableFrameRate: boolean;
  startTime: number | undefined;
}

export interface AudioStreamInfo {
  index: number;
  codec: string;
  sampleRate: number;
  channels: number;
  startTime: number | undefined;
}

export interface MediaInfo {
  input: string;
  formatName: string;
  /** Duration in seconds; undefined for live streams and inputs that do not say. */
  duration: number | undefined;
  /** No known duration (live HLS, a growing stream): treat as unbounded. */
  live: boolean;
  video: VideoStreamInfo | undefined;
  audio: AudioStreamInfo | undefined;
  audioStreamCount: number;
}

export interface ProbeOptions extends LocateFfmpegOptions {
  signal?: AbortSignal;
  /** ffprobe gives up after this many milliseconds (default 30 s). */
  timeoutMs?: number;
}

interface RawStream {
  index: number;
  codec_type?: string;
  codec_name?: string;
  width?: number;
  height?: number;
  r_frame_rate?: string;
  avg_frame_rate?: string;
  sample_rate?: string;
  channels?: number;
  start_time?: string;
  disposition?: { attached_pic?: number };
}

function ratio(value: string | undefined): number | undefined {
  if (!value) return undefined;
  const [n, d] = value.split('/').map(Number);
  if (n === undefined || !Number.isFinite(n) || n <= 0) return undefined;
  const r = d ? n / d : n;
  return Number.isFinite(r) && r > 0 ? r : undefined;
}

function num(value: string | undefined): number | undefined {
  if (value === undefined || value === 'N/A') return undefined;
  const n = Number(value);
  return Number.isFinite(n) ? n : undefined;
}

/** Fails early, with a clear error, for a local path that does not exist or is empty. */
export function checkLocalInput(input: string): void {
  if (input === '-' || isRemote(input)) return;
  if (!existsSync(input)) throw new InputNotFoundError(input);
  const st = statSync(input);
  if (st.isFile() && st.size === 0) {
    throw new NotMediaError(input, { cause: new Error('the file is empty (0 bytes)') });
  }
}

/**
 * Describes an input with ffprobe: duration, streams, frame rate, and whether it is live.
 * Standard input (`-`) cannot be probed without consuming it; callers skip probing for it.
 */
export async function probe(input: string, options: ProbeOptions = {}): Promise<MediaInfo> {
  checkLocalInput(input);
  const { ffprobe } = locateFfmpeg(options);
  const args = ['-v', 'error', '-print_format', 'json', '-show_format', '-show_streams'];
  if (isRemote(input)) args.push('-rw_timeout', String((options.timeoutMs ?? 30_000) * 1000));
  args.push(input);
  const result = await execa(ffprobe, args, {
    reject: false,
    timeout: options.timeoutMs ?? 30_000,
    ...(options.signal ? { cancelSignal: options.signal } : {}),
  });
  if (result.isCanceled) throw new AbortedError({ cause: options.signal?.reason });
  if (result.timedOut) {
    throw new FfmpegFailedError(`ffprobe timed out reading ${input}; the server may be stalled.`, {
      stderr: result.stderr,
    });
  }
  if (result.exitCode !== 0) {
    throw classifyFfmpegFailure(input, result.stderr, { secondsDecoded: 0, probing: true });
  }
  let raw: { format?: { format_name?: string; duration?: string }; streams?: RawStream[] };
  try {
    raw = JSON.parse(result.stdout) as typeof raw;
  } catch (cause) {
    throw new NotMediaError(input, { cause, stderr: result.stderr });
  }
  const streams = raw.streams ?? [];
  const v = streams.find((s) => s.codec_type === 'video' && !s.disposition?.attached_pic);
  const audios = streams.filter((s) => s.codec_type === 'audio');
  const a = audios[0];
  const duration = num(raw.format?.duration);
  if (!v && !a && streams.length === 0) throw new NotMediaError(input, { stderr: result.stderr });
  const rFps = ratio(v?.r_frame_rate);
  const avgFps = ratio(v?.avg_frame_rate);
  return {
    input,
    formatName: raw.format?.format_name ?? 'unknown',
    duration,
    live: duration === undefined,
    video: v
      ? {
          index: v.index,
          codec: v.codec_name ?? 'unknown',
          width: v.width ?? 0,
          height: v.height ?? 0,
          fps: avgFps ?? rFps,
          variableFrameRate:
            rFps !== undefined && avgFps !== undefined && Math.abs(rFps - avgFps) / rFps > 0.01,
          startTime: num(v.start_time),
        }
      : undefined,
    audio: a
      ? {
          index: a.index,
          codec: a.codec_name ?? 'unknown',
          sampleRate: Number(a.sample_rate ?? 0),
          channels: a.channels ?? 0,
          startTime: num(a.start_time),
        }
      : undefined,
    audioStreamCount: audios.length,
  };
}
