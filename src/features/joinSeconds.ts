import { Observable, type OperatorFunction } from 'rxjs';
import { LogMelAnalyzer } from '../audio/logMel.js';
import { MEL } from '../audio/melConfig.js';
import { MelWindowStore } from '../audio/melWindows.js';
import { InvalidArgumentError, StreamsOutOfStepError } from '../errors.js';
import type { Demand } from '../streams/demand.js';
import type { DecodeEvent } from '../streams/decode.js';

/** Everything the models see for one second of the timeline. */
export interface SecondSample {
  /** Second index; 0 is the decoded span's start (`from`). */
  t: number;
  /** The frame shown at second t: RGB24, row-major, frameSize × frameSize. */
  frame: Uint8Array;
  /** Log-mel window [t − 5 s, t + 5 s): 500 frames × 64 bands, time-major; null without audio. */
  mel: Float32Array | null;
}

/** Where joinSeconds's time goes, added up (milliseconds). */
export interface JoinTimings {
  /** PCM → log-mel frames (LogMelAnalyzer). */
  melMs: number;
}

/** What joinSeconds holds at the moment: kept up to date while it runs, zero once it stops. */
export interface JoinHeld {
  /** Frames waiting for their audio. */
  frames: number;
  /** Log-mel frames held for the windows still to be emitted (50 a second). */
  melFrames: number;
}

/**
 * Seconds one stream may run ahead of the other in joinSeconds, by default: far above the
 * few seconds of streams in step, room for a video that shows one still picture for minutes
 * (no frame arrives until the picture changes), and at most about 4 MB held (64×64 frames
 * take 12 KB a second, log-mel 12.8 KB a second).
 */
export const DEFAULT_MAX_BUFFERED = 300;
/** The least `maxBuffered`: the audio naturally runs half a window (5 s) and a chunk ahead. */
const MIN_MAX_BUFFERED = MEL.windowFrames / MEL.framesPerSecond;

export interface JoinSecondsOptions {
  demand?: Demand;
  timings?: JoinTimings;
  /**
   * Seconds either stream may run ahead of the other (frames waiting for their audio, or audio
   * beyond the next second's window waiting for its frame); default DEFAULT_MAX_BUFFERED, at
   * least 10. Beyond it the join errors with StreamsOutOfStepError, so memory stays bounded.
   */
  maxBuffered?: number;
  /** Filled in with what the join holds, for monitoring. */
  held?: JoinHeld;
  /**
   * Seconds of audio past each second's centre to wait for (default 5: the whole window). A
   * live model's `mel.futureSeconds` (its audio encoder silences the rest) lets a stream emit
   * each second that much sooner; see MelWindowStore.
   */
  audioFuture?: number;
}

/**
 * Joins the decoder's frames and PCM into per-second samples: the audio is turned into log-mel
 * frames once (LogMelAnalyzer), windows are views into a MelWindowStore, and second t is
 * emitted as soon as its frame and the audio up to t + 5 s (t + `audioFuture`) have arrived (so about 6 frames
 * wait here when the streams arrive in step; at most `maxBuffered`, or it errors). At the end
 * the audio is padded with silence and the last windows are emitted. Errors pass straight
 * through; erroring, completing or unsubscribing frees every buffer. With a Demand, each
 * emitted second is `take()`n; the consumer releases it. With `timings`, the log-mel analysis
 * is timed into it.
 */
export function joinSeconds(
  options: JoinSecondsOptions = {},
): OperatorFunction<DecodeEvent, SecondSample> {
  const maxBuffered = options.maxBuffered ?? DEFAULT_MAX_BUFFERED;
  if (!(maxBuffered >= MIN_MAX_BUFFERED)) {
    throw new InvalidArgumentError(
      `joinSeconds: maxBuffered must be at least ${MIN_MAX_BUFFERED} s (got ${maxBuffered}).`,
    );
  }
  const timings = options.timings;
  /** `f()`, its duration added to timings.melMs when timing. */
  const mel = <T>(f: () => T): T => {
    if (!timings) return f();
    const t0 = performance.now();
    const out = f();
    timings.melMs += performance.now() - t0;
    return out;
  };
  return (source) =>
    new Observable<SecondSample>((subscriber) => {
      const frames = new Map<number, Uint8Array>();
      let analyzer: LogMelAnalyzer | undefined;
      let store: MelWindowStore | undefined;
      let audio = false;
      let nextT = 0;
      let limit = Infinity;

      const report = () => {
        if (!options.held) return;
        options.held.frames = frames.size;
        options.held.melFrames = store?.held ?? 0;
      };
      const free = () => {
        frames.clear();
        analyzer = undefined;
        store = undefined;
        report();
      };
      /** The stream that ran more than maxBuffered seconds ahead of the other, if any. */
      const runaway = (): 'video' | 'audio' | undefined => {
        if (frames.size > maxBuffered) return 'video';
        const needed = nextT * MEL.framesPerSecond + MEL.windowFrames;
        if (store && store.frames - needed > maxBuffered * MEL.framesPerSecond) return 'audio';
        return undefined;
      };

      const emitReady = () => {
        while (nextT < limit) {
          const frame = frames.get(nextT);
          if (!frame) return;
          if (audio && !store?.ready(nextT)) return;
          frames.delete(nextT);
          const mel = audio && store ? store.window(nextT) : null;
          options.demand?.take();
          subscriber.next({ t: nextT, frame, mel });
          nextT++;
        }
      };

      const sub = source.subscribe({
        next(ev) {
          if (subscriber.closed) return;
          switch (ev.kind) {
            case 'start':
              audio = ev.audio;
              if (audio) {
                analyzer = new LogMelAnalyzer();
                store = new MelWindowStore(undefined, options.audioFuture);
              }
              break;
            case 'frame':
              frames.set(ev.t, ev.rgb);
              emitReady();
              break;
            case 'pcm':
              if (analyzer && store) {
                const a = analyzer;
                store.append(mel(() => a.push(ev.samples)));
              }
              emitReady();
              break;
            case 'end':
              limit = ev.seconds;
              if (analyzer && store && limit > 0) {
                const total = (limit - 1) * MEL.framesPerSecond + MEL.windowFrames;
                const a = analyzer;
                if (total > a.frames) store.append(mel(() => a.finish(total)));
              }
              emitReady();
              frames.clear();
              break;
          }
          const ahead = runaway();
          if (ahead) subscriber.error(new StreamsOutOfStepError(ahead, nextT, maxBuffered));
          else report();
        },
        error: (err: unknown) => subscriber.error(err),
        complete: () => subscriber.complete(),
      });
      return () => {
        sub.unsubscribe();
        free();
      };
    });
}
