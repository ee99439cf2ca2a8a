import { Observable, type OperatorFunction } from 'rxjs';
import { LogMelAnalyzer } from '../audio/logMel.js';
import { MEL } from '../audio/melConfig.js';
import { MelWindowStore } from '../audio/melWindows.js';
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

/**
 * Joins the decoder's frames and PCM into per-second samples: the audio is turned into log-mel
 * frames once (LogMelAnalyzer), windows are views into a MelWindowStore, and second t is
 * emitted as soon as its frame and the audio up to t + 5 s have arrived (so at most ~6 frames
 * wait here). At the end the audio is padded with silence and the last windows are emitted.
 * With a Demand, each emitted second is `take()`n; the consumer releases it. With `timings`,
 * the log-mel analysis is timed into it.
 */
export function joinSeconds(
  options: { demand?: Demand; timings?: JoinTimings } = {},
): OperatorFunction<DecodeEvent, SecondSample> {
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
          switch (ev.kind) {
            case 'start':
              audio = ev.audio;
              if (audio) {
                analyzer = new LogMelAnalyzer();
                store = new MelWindowStore();
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
        },
        error: (err: unknown) => subscriber.error(err),
        complete: () => subscriber.complete(),
      });
      return () => {
        sub.unsubscribe();
        frames.clear();
      };
    });
}
