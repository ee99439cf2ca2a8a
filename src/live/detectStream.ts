import type { Readable } from 'node:stream';
import { Observable } from 'rxjs';
import { AbortedError, InvalidArgumentError } from '../errors.js';
import type { SecondSample } from '../features/joinSeconds.js';
import { TARGETS, type DecisionConfig } from '../fusion/decisionConfig.js';
import type { EpisodeModel } from '../fusion/episodeModel.js';
import { modelFor, type ModelChoice } from '../fusion/modelChoice.js';
import { defaultStreamModelDir } from '../fusion/modelConfig.js';
import { Demand } from '../streams/demand.js';
import { picturePrint } from '../series/secondPrint.js';
import { seriesConfigOf } from '../series/seriesConfig.js';
import { EmbeddingRing } from './embeddingRing.js';
import { LiveRecaps } from './liveRecaps.js';
import { IntervalTracker, type TrackedEdge } from './intervalTracker.js';
import { reconnectingSamples, type StreamNotice } from './reconnectingSamples.js';
import type { StreamEvent } from './streamEvent.js';
import { StreamClock } from './streamClock.js';
import { toMs } from './timestamps.js';
import { ffmpegOptionsOf, type LocateFfmpegOptions } from '../streams/locateFfmpeg.js';

/** Defaults of the live detector (documented in the README, `stream`). */
export const STREAM_DEFAULTS = Object.freeze({
  window: 300,
  lookahead: 4,
  hop: 1,
  endGap: 2,
  minRun: 3,
  maxRetries: 5,
  retryDelayMs: 1000,
  /** Off: on channels without recaps it told false ones (model card, "Live recaps"). */
  recapMemory: 0,
});

/** Largest embedding batch (seconds) when the input arrives faster than real time. */
const MAX_BATCH = 64;

/** Telemetry for benchmarks: second `t` was decided when `arrived` seconds had been embedded. */
export interface DecidedSecond {
  t: number;
  arrived: number;
  probs: readonly [number, number];
  /** performance.now() when the newest second needed for this decision arrived (ms). */
  arrivedAtMs: number;
  /** performance.now() at the decision (ms). */
  decidedAtMs: number;
}

export interface StreamDetectOptions extends LocateFfmpegOptions, ModelChoice {
  /** Seconds the sequence model sees, ending at the newest second (default 300). */
  window?: number;
  /**
   * Future seconds second t waits for before it is decided (default: the model's
   * `stream.lookahead`, else 4).
   */
  lookahead?: number;
  /** Seconds between sequence-model runs (default 1). */
  hop?: number;
  /** Negative seconds that close an interval (default 2). */
  endGap?: number;
  /**
   * Seconds a run must last before it is announced, per target at least the model's
   * `minLength` (default 3). The model's decision is tuned for `detect`, which searches only
   * the episode's first / last part; a stream searches everywhere, and 1–2-s blips (a logo
   * sting as credits) were the stream's extra runs on validation.
   */
  minRun?: number;
  /** Overrides the model's decision block (threshold, minPts, minLength). */
  decision?: DecisionConfig;
  /**
   * Seconds of the stream's footage kept to find recaps in (`LiveRecaps`: a recap before an
   * intro is told as `recap.start` / `recap.end`); 1 KiB a second; default 0: no recaps (7200 keeps
   * two hours).
   */
  recapMemory?: number;
  maxRetries?: number;
  retryDelayMs?: number;
  /** Network inputs: a stall this long (ms) counts as a drop (default 30 s). */
  readTimeoutMs?: number;
  /** What ffmpeg reads for input `-` (default: process.stdin). */
  stdin?: Readable;
  onNotice?: (notice: StreamNotice) => void;
  onDecided?: (d: DecidedSecond) => void;
  /** Maps stream time to the input's presentation time (default: a fresh one). */
  clock?: StreamClock;
  signal?: AbortSignal;
}

function checkInt(name: string, v: number, min: number): number {
  if (!Number.isInteger(v) || v < min) {
    throw new InvalidArgumentError(`${name} must be a whole number >= ${min} (got ${v}).`);
  }
  return v;
}

function checkLookahead(lookahead: number, window: number, hop: number): number {
  checkInt('--lookahead', lookahead, 0);
  if (window < lookahead + hop + 8) {
    throw new InvalidArgumentError(
      `--window (${window} s) must exceed --lookahead (${lookahead} s) by at least ${hop + 8} s.`,
    );
  }
  return lookahead;
}

/** A stream's model: the given one, else the live model for `fused` (see defaultStreamModelDir). */
function streamModelChoice(options: StreamDetectOptions): ModelChoice {
  if (options.model || options.modelDir) return options;
  return { ...options, modelDir: defaultStreamModelDir(options.mode ?? 'fused') };
}

/**
 * Live detection over an unbounded stream: decoded seconds → embeddings (batched, in the
 * model's worker) → a ring of the last `window` seconds → the sequence model every `hop`
 * seconds → each second decided once `lookahead` later seconds have arrived → one
 * IntervalTracker per target → events, in stream-time order, as soon as they are final.
 * Memory is bounded by the window; the observable completes when the input ends and errors
 * with StreamDroppedError when reconnecting fails `maxRetries` times in a row.
 */
export function detectStream(
  input: string,
  options: StreamDetectOptions = {},
): Observable<StreamEvent> {
  return new Observable<StreamEvent>((subscriber) => {
    const controller = new AbortController();
    const outer = options.signal;
    const onOuterAbort = () => controller.abort(outer?.reason);
    outer?.addEventListener('abort', onOuterAbort, { once: true });
    const signal = controller.signal;
    let model: EpisodeModel | undefined;
    let closed = false;

    const run = async () => {
      const window = checkInt('--window', options.window ?? STREAM_DEFAULTS.window, 10);
      const hop = checkInt('hop', options.hop ?? STREAM_DEFAULTS.hop, 1);
      const endGap = checkInt('endGap', options.endGap ?? STREAM_DEFAULTS.endGap, 1);
      const minRun = checkInt('--min-run', options.minRun ?? STREAM_DEFAULTS.minRun, 0);
      if (options.lookahead !== undefined) checkLookahead(options.lookahead, window, hop);
      model = (await modelFor(streamModelChoice(options), signal)).model; // disposed below unless options.model
      if (closed) return;
      const m = model;
      const lookahead = checkLookahead(
        options.lookahead ?? m.config.streamLookahead ?? STREAM_DEFAULTS.lookahead,
        window,
        hop,
      );
      const decision = options.decision ?? m.config.decision;
      const trackers = TARGETS.map(
        (target) =>
          new IntervalTracker(target, {
            threshold: decision[target].threshold,
            minPts: decision[target].minPts,
            minLength: Math.max(decision[target].minLength, minRun),
            endGap,
          }),
      );
      const recapMemory = checkInt(
        '--recap-memory',
        options.recapMemory ?? STREAM_DEFAULTS.recapMemory,
        0,
      );
      const recaps =
        recapMemory > 0
          ? new LiveRecaps({ ...seriesConfigOf(m.config), memory: recapMemory })
          : undefined;
      let printed = 0;
      const maxBatch = Math.min(MAX_BATCH, window - lookahead - hop);
      const demand = new Demand(maxBatch * 2);
      let ring: EmbeddingRing | undefined;
      /** performance.now() at which each held second arrived (same ring positions). */
      const arrivedAt = new Float64Array(window);
      let decided = 0;
      let lastRunEnd = 0;
      let pending: SecondSample[] = [];
      let inputDone = false;
      let busy = false;
      const held: StreamEvent[] = [];
      const clock = options.clock ?? new StreamClock();

      const release = (final: boolean) => {
        const bound = final ? Infinity : Math.min(...trackers.map((t) => t.settledBefore));
        held.sort((a, b) => a.streamTime - b.streamTime);
        while (held.length > 0 && held[0]!.streamTime <= bound) {
          const ev = held.shift()!;
          ev.wallTime = new Date().toISOString();
          subscriber.next(ev);
        }
      };
      const place = (event: StreamEvent['event'], at: number, confidence: number) => {
        const pts = clock.ptsAt(at);
        held.push({
          event,
          streamTime: at,
          ...(pts !== undefined ? { pts: toMs(pts) } : {}),
          wallTime: '',
          confidence,
        });
      };
      const hold = (edges: TrackedEdge[]) => {
        for (const e of edges) {
          // A recap is decided with the intro after it, and told first (events are released
          // in stream-time order).
          const recap = recaps?.edge(e.target, e.edge, e.at);
          if (recap) {
            place('recap.start', recap.start, recap.confidence);
            place('recap.end', recap.end, recap.confidence);
          }
          place(`${e.target}.${e.edge}`, e.at, e.confidence);
        }
      };

      /** Runs the sequence model over the window and decides every second it can. */
      const sequence = async (final: boolean) => {
        if (ring) await decide(ring, final);
        if (final) for (const tr of trackers) hold(tr.flush());
        release(final);
      };
      const decide = async (r: EmbeddingRing, final: boolean) => {
        const end = r.end;
        const frontier = final ? end : end - lookahead;
        if (frontier <= decided) return;
        if (!final && end - lastRunEnd < hop) return;
        lastRunEnd = end;
        const from = Math.max(r.start, end - window);
        const probs = await m.sequence(r.window(from), { signal });
        const now = performance.now();
        const newest = arrivedAt[(end - 1) % window] ?? now;
        for (let t = decided; t < frontier; t++) {
          const row = (t - from) * probs.cols;
          const p: [number, number] = [probs.data[row] ?? 0, probs.data[row + 1] ?? 0];
          trackers.forEach((tr, i) => hold(tr.push(t, p[i]!)));
          options.onDecided?.({
            t,
            arrived: end,
            probs: p,
            arrivedAtMs: newest,
            decidedAtMs: now,
          });
        }
        decided = frontier;
      };

      await new Promise<void>((resolve, reject) => {
        const fail = (err: unknown) => {
          sub.unsubscribe();
          reject(err instanceof Error ? err : new Error(String(err)));
        };
        const pump = () => {
          if (busy || closed) return;
          if (pending.length === 0 || (!inputDone && pending.length < hop)) {
            if (inputDone && pending.length === 0) {
              busy = true;
              sequence(true).then(resolve, fail);
            }
            return;
          }
          const batch = pending.slice(0, maxBatch);
          pending = pending.slice(batch.length);
          busy = true;
          (async () => {
            const emb = await m.embed(
              { frames: batch.map((s) => s.frame), mels: batch.map((s) => s.mel) },
              { signal },
            );
            ring ??= new EmbeddingRing(window, emb.cols);
            const now = performance.now();
            for (let i = 0; i < emb.rows; i++) arrivedAt[(ring.end + i) % window] = now;
            ring.push(emb);
            demand.release(batch.length);
            await sequence(false);
          })().then(() => {
            busy = false;
            pump();
          }, fail);
        };
        const sub = reconnectingSamples(input, {
          ...(options.maxRetries !== undefined ? { maxRetries: options.maxRetries } : {}),
          ...(options.retryDelayMs !== undefined ? { retryDelayMs: options.retryDelayMs } : {}),
          decode: {
            ...ffmpegOptionsOf(options),
            ...(options.stdin ? { stdin: options.stdin } : {}),
            ...(options.readTimeoutMs ? { readTimeoutMs: options.readTimeoutMs } : {}),
            audio: m.config.mode === 'fused',
            frameSize: m.config.frameSize,
            demand,
          },
          ...(m.config.mode === 'fused' ? { audioFuture: m.config.audioFuture } : {}),
          ...(options.onNotice ? { onNotice: options.onNotice } : {}),
          clock,
          signal,
        }).subscribe({
          next(sample) {
            recaps?.add(printed++, picturePrint(sample.frame, m.config.frameSize));
            pending.push(sample);
            pump();
          },
          error: fail,
          complete() {
            inputDone = true;
            pump();
          },
        });
        signal.addEventListener('abort', () => fail(new AbortedError({ cause: signal.reason })), {
          once: true,
        });
      });
      if (!closed) subscriber.complete();
    };

    run()
      .catch((err: unknown) => {
        if (!closed) subscriber.error(err);
      })
      .finally(() => {
        if (!options.model) void model?.dispose();
      });

    return () => {
      closed = true;
      outer?.removeEventListener('abort', onOuterAbort);
      controller.abort(new AbortedError());
    };
  });
}
