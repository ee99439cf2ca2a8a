import { Observable, type Subscription } from 'rxjs';
import {
  AbortedError,
  IntrodetectError,
  StreamDroppedError,
  TruncatedMediaError,
  type ErrorCode,
} from '../errors.js';
import type { SecondSample } from '../features/joinSeconds.js';
import { secondSamples } from '../features/secondSamples.js';
import type { DecodeOptions } from '../streams/decode.js';
import { isRemote } from '../streams/inputErrors.js';
import { type MediaInfo, probe } from '../streams/probe.js';
import { looksLikeHls, playlistHasEnded } from './playlistEnded.js';
import { ffmpegOptionsOf } from '../streams/locateFfmpeg.js';
import { backoffDelay } from '../util/backoff.js';
import type { StreamClock } from './streamClock.js';

/** What the reader tells the user about the connection (printed on stderr by the CLI). */
export type StreamNotice =
  | { kind: 'lost'; streamTime: number; error: IntrodetectError; attempt: number; delayMs: number }
  | { kind: 'reconnected'; streamTime: number; attempt: number }
  | { kind: 'ended-early'; streamTime: number; error: IntrodetectError }
  | { kind: 'gave-up'; streamTime: number; error: IntrodetectError; attempts: number };

export interface ReconnectOptions {
  /** Consecutive failed attempts tolerated before giving up (default 5). */
  maxRetries?: number;
  /** First backoff delay; doubled per consecutive failure, up to 30 s (default 1000 ms). */
  retryDelayMs?: number;
  /** Passed to each decoder (ffmpeg path, audio on/off, frame size, demand, read timeout). */
  decode?: Omit<DecodeOptions, 'from' | 'to' | 'signal' | 'info'>;
  /** Seconds of audio past each second's centre its sample waits for (the model's; default 5). */
  audioFuture?: number;
  onNotice?: (notice: StreamNotice) => void;
  /** Told where each connection starts in the input's presentation time. */
  clock?: StreamClock;
  signal?: AbortSignal;
}

/** Errors a new connection cannot fix. */
const FATAL: ReadonlySet<ErrorCode> = new Set([
  'ABORTED',
  'INVALID_ARGUMENT',
  'FFMPEG_NOT_FOUND',
  'NO_VIDEO_STREAM',
  'NO_AUDIO_STREAM',
  'MODEL_NOT_FOUND',
]);

/**
 * The seconds of a live input, surviving drops: when ffmpeg fails or a live playlist stops
 * being readable, it reconnects with exponential backoff and goes on numbering seconds where
 * it stopped, so `t` is the stream time (seconds delivered since opening, across reconnects),
 * strictly increasing by one. A live input resumes at its live edge; a seekable one (a VOD
 * playlist, a file over HTTP) resumes where it stopped. After `maxRetries` consecutive
 * failures it errors with StreamDroppedError (the last failure as `cause`). Standard input
 * and local files are read once: an ending that ffmpeg calls truncated just ends the stream.
 */
export function reconnectingSamples(
  input: string,
  options: ReconnectOptions = {},
): Observable<SecondSample> {
  const maxRetries = options.maxRetries ?? 5;
  const baseDelay = options.retryDelayMs ?? 1000;
  const { signal } = options;
  const remote = isRemote(input);
  return new Observable<SecondSample>((subscriber) => {
    let delivered = 0;
    let failures = 0;
    let info: MediaInfo | undefined;
    let inner: Subscription | undefined;
    let timer: NodeJS.Timeout | undefined;
    let closed = false;

    const seekable = () => info !== undefined && !info.live && info.duration !== undefined;

    const retry = (error: IntrodetectError) => {
      if (closed) return;
      if (!remote || FATAL.has(error.code) || signal?.aborted) {
        if (!remote && delivered > 0 && error instanceof TruncatedMediaError) {
          options.onNotice?.({ kind: 'ended-early', streamTime: delivered, error });
          subscriber.complete();
        } else
          subscriber.error(signal?.aborted ? new AbortedError({ cause: signal.reason }) : error);
        return;
      }
      failures++;
      if (failures > maxRetries) {
        options.onNotice?.({ kind: 'gave-up', streamTime: delivered, error, attempts: maxRetries });
        subscriber.error(
          new StreamDroppedError(input, delivered, {
            cause: error,
            ...(error.stderr !== undefined ? { stderr: error.stderr } : {}),
          }),
        );
        return;
      }
      const delayMs = backoffDelay(failures, baseDelay);
      options.onNotice?.({
        kind: 'lost',
        streamTime: delivered,
        error,
        attempt: failures,
        delayMs,
      });
      timer = setTimeout(() => void attempt(), delayMs);
    };

    const attempt = async () => {
      const reconnecting = failures > 0;
      try {
        if (input !== '-' && info === undefined) {
          info = await probe(input, {
            ...ffmpegOptionsOf(options.decode),
            ...(signal ? { signal } : {}),
          });
        }
      } catch (err) {
        retry(asIntrodetectError(err));
        return;
      }
      if (closed) return;
      const origin = delivered;
      const from = seekable() && origin > 0 ? origin : 0;
      let announced = !reconnecting;
      // A live HLS playlist reopened after a drop starts at its live edge, not 3 segments back
      // (which would re-analyse content already delivered).
      const liveEdge = reconnecting && info?.live === true && looksLikeHls(input, info.formatName);
      inner = secondSamples(input, {
        ...options.decode,
        ...(options.audioFuture !== undefined ? { audioFuture: options.audioFuture } : {}),
        ...(info ? { info } : {}),
        ...(from > 0 ? { from } : {}),
        ...(liveEdge ? { inputOptions: ['-live_start_index', '-1'] } : {}),
        ...(options.clock
          ? { onInputStart: (start: number) => options.clock?.connected(origin, start + from) }
          : {}),
        ...(signal ? { signal } : {}),
      }).subscribe({
        next(sample) {
          if (!announced) {
            announced = true;
            options.onNotice?.({ kind: 'reconnected', streamTime: origin, attempt: failures });
          }
          failures = 0;
          delivered = origin + sample.t + 1;
          subscriber.next({ ...sample, t: origin + sample.t });
        },
        error: (err: unknown) => retry(asIntrodetectError(err)),
        complete() {
          // ffmpeg also exits cleanly when it can no longer reload a live playlist: only a
          // playlist that says #EXT-X-ENDLIST (or a non-playlist input) really ended.
          if (!remote || !info?.live || !looksLikeHls(input, info.formatName)) {
            subscriber.complete();
            return;
          }
          void playlistHasEnded(input, signal ? { signal } : {}).then((ended) => {
            if (ended) subscriber.complete();
            else retry(new StreamDroppedError(input, delivered));
          });
        },
      });
    };

    void attempt();
    return () => {
      closed = true;
      if (timer) clearTimeout(timer);
      inner?.unsubscribe();
    };
  });
}

function asIntrodetectError(err: unknown): IntrodetectError {
  if (err instanceof IntrodetectError) return err;
  return new IntrodetectError('FFMPEG_FAILED', `reading the stream failed: ${String(err)}`, {
    cause: err,
  });
}
