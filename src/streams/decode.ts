import type { Readable } from 'node:stream';
import { Observable } from 'rxjs';
import {
  AbortedError,
  FfmpegFailedError,
  IntrodetectError,
  InvalidArgumentError,
  NoAudioStreamError,
  NotMediaError,
  NoVideoStreamError,
  StreamDroppedError,
  TruncatedMediaError,
} from '../errors.js';
import type { Demand } from './demand.js';
import { spawnFfmpeg } from './ffmpegProcess.js';
import { classifyFfmpegFailure, isRemote } from './inputErrors.js';
import { locateFfmpeg, type LocateFfmpegOptions } from './locateFfmpeg.js';
import { checkLocalInput, type MediaInfo, probe } from './probe.js';

/** Sample rate of the PCM the decoder delivers (mono float32). */
export const SAMPLE_RATE = 16_000;
/** Default side of the square RGB frames the decoder delivers. */
export const DEFAULT_FRAME_SIZE = 64;
/**
 * Whether the video decoder skips its in-loop deblocking filter by default (see
 * DecodeOptions.skipLoopFilter).
 */
export const DEFAULT_SKIP_LOOP_FILTER = true;

export interface DecodeOptions extends LocateFfmpegOptions {
  /** Side of the square RGB24 frames, in pixels (default 64). */
  frameSize?: number;
  /** Decode frames (default true). */
  video?: boolean;
  /**
   * Skip the video decoder's in-loop deblocking filter (`-skip_loop_filter all`; default
   * DEFAULT_SKIP_LOOP_FILTER). Deblocking smooths block edges of full-size pictures; at the
   * 64×64 area-scaled frames the models see it changes pixels by under one grey level on
   * average, and skipping it saves a fifth of H.264's decode time (`npm run bench`).
   */
  skipLoopFilter?: boolean;
  /** Decode audio (default true). Without an audio stream this fails with NO_AUDIO_STREAM. */
  audio?: boolean;
  /** Start of the span to decode, in seconds of the input (seeks; default 0). */
  from?: number;
  /** End of the span, in seconds of the input (default: the end). */
  to?: number;
  /** Stream that ffmpeg reads when the input is `-` (default: this process's stdin). */
  stdin?: Readable;
  /** Skips probing when the caller already has the input's description. */
  info?: MediaInfo;
  /** Backpressure from an asynchronous consumer (see Demand). */
  demand?: Demand;
  /** Extra ffmpeg input options, placed before `-i` (e.g. `['-live_start_index', '-1']`). */
  inputOptions?: readonly string[];
  /** Network inputs: give up when no data arrives for this long (ms, default 30 s). */
  readTimeoutMs?: number;
  signal?: AbortSignal;
}

/** First event: what the decoder is about to deliver. */
export interface DecodeStart {
  kind: 'start';
  /** The probe result; undefined for standard input, which cannot be probed. */
  info: MediaInfo | undefined;
  frameSize: number;
  video: boolean;
  audio: boolean;
  /** Input time (seconds) of second 0 of the output timeline: `from`. */
  origin: number;
}

/** The frame shown at second `t` of the timeline: RGB24, frameSize × frameSize, row-major. */
export interface DecodedFrame {
  kind: 'frame';
  t: number;
  rgb: Uint8Array;
}

/** Mono float PCM at 16 kHz; `offset` is the index of its first sample (0 = time 0). */
export interface PcmChunk {
  kind: 'pcm';
  offset: number;
  samples: Float32Array;
}

/** Last event: the number of whole seconds in the timeline, decided at end of input. */
export interface DecodeEnd {
  kind: 'end';
  seconds: number;
  framesDecoded: number;
  samplesDecoded: number;
}

export type DecodeEvent = DecodeStart | DecodedFrame | PcmChunk | DecodeEnd;

const PCM_FD = 3;

/** ffmpeg's words for a network input that ended before its promised length. */
const DROPPED =
  /Stream ends prematurely|Input\/output error|Connection reset|Connection timed out/i;
/** Decoding errors that, as the last words of the log, mean the file was cut or damaged there. */
const CORRUPT_AT_END =
  /corrupt decoded frame|error while decoding|Invalid NAL|partial file|Truncating packet|Packet corrupt|Invalid data found|Error splitting the input/i;

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
export function decodeArgs(
  input: string,
  opts: {
    frameSize: number;
    video: boolean;
    audio: boolean;
    from: number;
    to: number | undefined;
    optionalMaps: boolean;
    readTimeoutMs: number;
    /** Seconds of silence to put before the audio (it starts this much after the video). */
    audioDelay?: number;
    /** `-skip_loop_filter all` (video only). */
    skipLoopFilter?: boolean;
    inputOptions?: readonly string[];
  },
): string[] {
  const args = ['-hide_banner', '-nostats', '-loglevel', 'warning'];
  if (input !== '-') args.push('-nostdin');
  if (isRemote(input)) {
    args.push('-rw_timeout', String(opts.readTimeoutMs * 1000));
  }
  if (opts.from > 0) args.push('-ss', opts.from.toFixed(3));
  if (opts.to !== undefined) args.push('-t', (opts.to - opts.from).toFixed(3));
  if (opts.skipLoopFilter && opts.video) args.push('-skip_loop_filter', 'all');
  if (opts.inputOptions) args.push(...opts.inputOptions);
  args.push('-i', input === '-' ? 'pipe:0' : input);
  const q = opts.optionalMaps ? '?' : '';
  if (opts.video) {
    const s = opts.frameSize;
    args.push(
      '-map',
      `0:v:0${q}`,
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
      `0:a:0${q}`,
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

/** How much later than the video the audio starts, in a file read from its beginning. */
function audioStartDelay(info: MediaInfo | undefined, from: number): number {
  const a = info?.audio?.startTime;
  const v = info?.video?.startTime;
  if (from > 0 || a === undefined || v === undefined) return 0;
  return Math.max(0, a - Math.min(a, v));
}

/** Splits a byte stream into fixed-size records without copying more than needed. */
class Records {
  #pending: Buffer = Buffer.alloc(0);
  constructor(readonly size: number) {}
  push(chunk: Buffer, emit: (record: Uint8Array) => void): void {
    let buf = this.#pending.length ? Buffer.concat([this.#pending, chunk]) : chunk;
    while (buf.length >= this.size) {
      emit(new Uint8Array(buf.subarray(0, this.size))); // copy: the pipe reuses nothing, but a view would pin the chunk
      buf = buf.subarray(this.size);
    }
    this.#pending = Buffer.from(buf);
  }
}

/**
 * Decodes one input with ONE ffmpeg process: 1-fps RGB frames on stdout and 16 kHz mono float
 * PCM on pipe 3, as an Observable of DecodeEvent. Unsubscribing or aborting kills ffmpeg.
 * Truncated or dropped inputs deliver the seconds decoded so far, then error.
 */
export function decode(input: string, options: DecodeOptions = {}): Observable<DecodeEvent> {
  return new Observable<DecodeEvent>((subscriber) => {
    const frameSize = options.frameSize ?? DEFAULT_FRAME_SIZE;
    const from = options.from ?? 0;
    const to = options.to;
    const wantVideo = options.video ?? true;
    const wantAudio = options.audio ?? true;
    let closed = false;
    let kill: (() => void) | undefined;
    const cleanups: Array<() => void> = [];

    const fail = (err: IntrodetectError) => {
      if (!closed) subscriber.error(err);
    };

    const run = async () => {
      if (!wantVideo && !wantAudio)
        throw new InvalidArgumentError('decode: nothing to decode (video and audio both off).');
      if (to !== undefined && to <= from)
        throw new InvalidArgumentError(`decode: --to (${to}) must be after --from (${from}).`);
      const { ffmpeg } = locateFfmpeg(options);
      const stdinInput = input === '-';
      let info = options.info;
      if (!stdinInput && !info) {
        info = await probe(input, {
          ...options,
          ...(options.signal ? { signal: options.signal } : {}),
        });
      } else if (!stdinInput) {
        checkLocalInput(input);
      }
      if (closed) return;
      if (info) {
        if (wantVideo && !info.video) throw new NoVideoStreamError(input);
        if (wantAudio && !info.audio) throw new NoAudioStreamError(input);
      }
      subscriber.next({
        kind: 'start',
        info,
        frameSize,
        video: wantVideo,
        audio: wantAudio,
        origin: from,
      });

      const args = decodeArgs(input, {
        frameSize,
        video: wantVideo,
        audio: wantAudio,
        from,
        to,
        optionalMaps: false,
        readTimeoutMs: options.readTimeoutMs ?? 30_000,
        audioDelay: audioStartDelay(info, from),
        skipLoopFilter: options.skipLoopFilter ?? DEFAULT_SKIP_LOOP_FILTER,
        ...(options.inputOptions ? { inputOptions: options.inputOptions } : {}),
      });
      const child = spawnFfmpeg(ffmpeg, args, {
        extraPipes: wantAudio ? [PCM_FD] : [],
        stdin: stdinInput ? (options.stdin ?? process.stdin) : 'ignore',
        ...(options.signal ? { signal: options.signal } : {}),
      });
      kill = () => child.kill();

      let frames = 0;
      let samples = 0;
      const video = child.pipes.get(1);
      const pcm = child.pipes.get(PCM_FD);
      const readers = [video, pcm].filter((s): s is Readable => s !== undefined);

      const demand = options.demand;
      const pauseIfSaturated = () => {
        if (demand?.saturated) for (const r of readers) r.pause();
      };
      if (demand) cleanups.push(demand.onReady(() => readers.forEach((r) => r.resume())));

      const ended: Array<Promise<void>> = [];
      if (wantVideo && video) {
        const records = new Records(frameSize * frameSize * 3);
        video.on('data', (chunk: Buffer) => {
          records.push(chunk, (rgb) => {
            if (closed) return;
            subscriber.next({ kind: 'frame', t: frames++, rgb });
          });
          pauseIfSaturated();
        });
        ended.push(new Promise((resolve) => video.once('close', () => resolve())));
      }
      if (wantAudio && pcm) {
        let rest: Buffer = Buffer.alloc(0);
        pcm.on('data', (chunk: Buffer) => {
          const buf = rest.length ? Buffer.concat([rest, chunk]) : chunk;
          const whole = buf.length - (buf.length % 4);
          rest = Buffer.from(buf.subarray(whole));
          if (whole === 0 || closed) return;
          const out = new Float32Array(whole / 4);
          new Uint8Array(out.buffer).set(buf.subarray(0, whole));
          subscriber.next({ kind: 'pcm', offset: samples, samples: out });
          samples += out.length;
          pauseIfSaturated();
        });
        ended.push(new Promise((resolve) => pcm.once('close', () => resolve())));
      }

      const exit = await child.exited;
      await Promise.all(ended);
      if (closed) return;
      if (exit.killed || options.signal?.aborted) {
        throw new AbortedError({ cause: options.signal?.reason });
      }

      // Whole seconds: a second counts when its frame exists and, with audio, when the audio
      // reaches its end; a known duration caps it (fps=1 may round one extra frame at EOF).
      let seconds = wantVideo ? frames : Math.floor(samples / SAMPLE_RATE);
      if (wantVideo && wantAudio && samples > 0)
        seconds = Math.min(seconds, Math.ceil(samples / SAMPLE_RATE - 0.05));
      const expected =
        info?.duration !== undefined
          ? Math.max(0, Math.min(to ?? Infinity, info.duration) - from)
          : undefined;
      if (expected !== undefined) seconds = Math.min(seconds, Math.floor(expected + 1e-3));

      const failed = exit.exitCode !== 0;
      if (failed && frames === 0 && samples === 0) {
        if (/does not contain any stream|matches no streams/i.test(exit.stderrTail)) {
          throw wantVideo && /0:v/.test(exit.stderrTail)
            ? new NoVideoStreamError(input, { stderr: exit.stderrTail })
            : new NoAudioStreamError(input, { stderr: exit.stderrTail });
        }
        throw classifyFfmpegFailure(input, exit.stderrTail, {
          secondsDecoded: 0,
          ...(exit.exitCode !== undefined ? { exitStatus: exit.exitCode } : {}),
        });
      }
      if (wantVideo && frames === 0) {
        throw stdinInput
          ? new NoVideoStreamError(input, { stderr: exit.stderrTail })
          : new NotMediaError(input, { stderr: exit.stderrTail });
      }
      subscriber.next({ kind: 'end', seconds, framesDecoded: frames, samplesDecoded: samples });
      if (failed) {
        throw classifyFfmpegFailure(input, exit.stderrTail, {
          secondsDecoded: seconds,
          ...(exit.exitCode !== undefined ? { exitStatus: exit.exitCode } : {}),
        });
      }
      // ffmpeg exits 0 on many damaged inputs: compare with what the container promised, and
      // read how its log ends (a dropped connection, or decoding errors at the very end).
      if (isRemote(input) && DROPPED.test(exit.stderrTail)) {
        throw new StreamDroppedError(input, seconds, { stderr: exit.stderrTail });
      }
      const lastLines = exit.stderrTail.split('\n').filter(Boolean).slice(-3).join('\n');
      // An MPEG-TS duration is its timestamp range: a timestamp jump (a splice, a wrapped
      // clock) makes it longer than the content ffmpeg decodes, and a cut file's is already
      // short; its truncation shows as corrupt packets at the end instead.
      const durationIsPromise = !/mpegts/.test(info?.formatName ?? '');
      if (
        (expected !== undefined &&
          durationIsPromise &&
          !info?.live &&
          seconds < Math.floor(expected) - 2) ||
        (!isRemote(input) && CORRUPT_AT_END.test(lastLines))
      ) {
        throw new TruncatedMediaError(input, seconds, { stderr: exit.stderrTail });
      }
      if (!closed) subscriber.complete();
    };

    run().catch((err: unknown) => {
      fail(
        err instanceof IntrodetectError
          ? err
          : new FfmpegFailedError(`decoding ${input} failed: ${String(err)}`, { cause: err }),
      );
    });

    return () => {
      closed = true;
      for (const c of cleanups) c();
      kill?.();
    };
  });
}
