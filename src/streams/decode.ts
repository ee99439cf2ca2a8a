import type { Readable } from 'node:stream';
import { Observable } from 'rxjs';
import {
  FfmpegFailedError,
  IntrodetectError,
  InvalidArgumentError,
  NoAudioStreamError,
  NoVideoStreamError,
} from '../errors.js';
import { audioStartDelay, decodeArgs, DEFAULT_SKIP_LOOP_FILTER, PCM_FD } from './decodeArgs.js';
import { classifyDecodeEnd, heldFramesTarget, type DecodeTally } from './decodeEnd.js';
import type { Demand } from './demand.js';
import { spawnFfmpeg } from './ffmpegProcess.js';
import { locateFfmpeg, type LocateFfmpegOptions } from './locateFfmpeg.js';
import { Float32Framer, RecordFramer } from './pipeFraming.js';
import { checkLocalInput, type MediaInfo, probe } from './probe.js';

export { SAMPLE_RATE } from './decodeArgs.js';

/** Default side of the square RGB frames the decoder delivers. */
export const DEFAULT_FRAME_SIZE = 64;

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
  /**
   * Decode only the video's keyframes (default false): the frame of each second is then the
   * last keyframe at or before it, held until the next one. Several times cheaper than
   * decoding every frame; `detectEpisode`'s first pass reads the whole span this way.
   */
  keyframesOnly?: boolean;
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
  /**
   * Called once with the input's own start timestamp (seconds; ffmpeg's `start:`), before the
   * first frame: ffmpeg shifts the input's timestamps by it, so second t of the timeline is
   * the input's presentation time `start + from + t`. Where ffmpeg does not print one (no
   * timestamps), it is not called.
   */
  onInputStart?: (start: number) => void;
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
        readTimeoutMs: options.readTimeoutMs ?? 30_000,
        audioDelay: audioStartDelay(info, from),
        skipLoopFilter: options.skipLoopFilter ?? DEFAULT_SKIP_LOOP_FILTER,
        keyframesOnly: options.keyframesOnly ?? false,
        ...(options.inputOptions ? { inputOptions: options.inputOptions } : {}),
        infoLog: options.onInputStart !== undefined,
      });
      const onInputStart = options.onInputStart;
      let started = false;
      const child = spawnFfmpeg(ffmpeg, args, {
        extraPipes: wantAudio ? [PCM_FD] : [],
        ...(onInputStart
          ? {
              onInfo: (line: string) => {
                const start = started ? undefined : inputStartOf(line);
                if (start === undefined || closed) return;
                started = true;
                onInputStart(start);
              },
            }
          : {}),
        stdin: stdinInput ? (options.stdin ?? process.stdin) : 'ignore',
        ...(options.signal ? { signal: options.signal } : {}),
      });
      kill = () => child.kill();

      let frames = 0;
      let samples = 0;
      let lastFrame: Uint8Array | undefined;
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
        const records = new RecordFramer(frameSize * frameSize * 3);
        video.on('data', (chunk: Buffer) => {
          records.push(chunk, (rgb) => {
            if (closed) return;
            lastFrame = rgb;
            subscriber.next({ kind: 'frame', t: frames++, rgb });
          });
          pauseIfSaturated();
        });
        ended.push(new Promise((resolve) => video.once('close', () => resolve())));
      }
      if (wantAudio && pcm) {
        const floats = new Float32Framer();
        pcm.on('data', (chunk: Buffer) => {
          const out = floats.push(chunk);
          if (!out || closed) return;
          subscriber.next({ kind: 'pcm', offset: samples, samples: out });
          samples += out.length;
          pauseIfSaturated();
        });
        ended.push(new Promise((resolve) => pcm.once('close', () => resolve())));
      }

      const exit = await child.exited;
      await Promise.all(ended);
      if (closed) return;
      const tally = (): DecodeTally => ({
        input,
        info,
        from,
        to,
        video: wantVideo,
        audio: wantAudio,
        frames,
        samples,
        keyframesOnly: options.keyframesOnly === true && wantVideo,
        signal: options.signal,
      });
      if (options.keyframesOnly && lastFrame && exit.exitCode === 0 && !exit.killed) {
        // Past the last keyframe the picture is still that keyframe's.
        const target = heldFramesTarget(tally());
        while (frames < target && !closed)
          subscriber.next({ kind: 'frame', t: frames++, rgb: lastFrame });
      }
      const end = classifyDecodeEnd(exit, tally());
      if (end.delivered) {
        const { seconds } = end;
        subscriber.next({ kind: 'end', seconds, framesDecoded: frames, samplesDecoded: samples });
      }
      if (end.error) throw end.error;
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

/** The `start:` of ffmpeg's input description line (`Duration: …, start: 1.400000, …`). */
export function inputStartOf(line: string): number | undefined {
  const m = /^\s*Duration: [^,]*, start: (-?\d+(?:\.\d+)?)/.exec(line);
  return m ? Number(m[1]) : undefined;
}
