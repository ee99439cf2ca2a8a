import { Subscription } from 'rxjs';
import { AbortedError } from '../errors.js';
import { joinSeconds, type JoinTimings, type SecondSample } from '../features/joinSeconds.js';
import { decode, type DecodeOptions } from '../streams/decode.js';
import { Demand } from '../streams/demand.js';
import type { EpisodeModel, InferenceTimings, Matrix } from './episodeModel.js';

/** Milliseconds spent per stage while embedding, added up (main thread: mel; worker: the rest). */
export type EmbedTimings = JoinTimings & InferenceTimings;

export interface EmbedSpanOptions {
  /** Span of the input to decode, in seconds of the input: [from, to). */
  from: number;
  to: number;
  /** Decode audio (fused models). */
  audio: boolean;
  /** Seconds per inference call (default 64). */
  batchSize?: number;
  /** Passed through to the decoder (ffmpeg path, probe result). */
  decode?: Omit<DecodeOptions, 'from' | 'to' | 'audio' | 'demand' | 'signal' | 'frameSize'>;
  /** Called with every decoded second as it arrives; `second` is in seconds of the input. */
  onSample?: (sample: SecondSample, second: number) => void;
  /** Called after each batch with the number of seconds embedded so far in this span. */
  onSeconds?: (seconds: number) => void;
  /** Times the log-mel analysis and the worker's stages into this record. */
  timings?: EmbedTimings;
  signal?: AbortSignal;
}

/**
 * Decodes one span of `input` and embeds every second: seconds are batched to the model's
 * worker, one batch in flight while the next one fills. A Demand of two batches makes ffmpeg
 * wait when inference falls behind, so memory stays bounded whatever the span's length.
 * Returns the [seconds, D] embeddings in time order.
 */
export function embedSpan(
  input: string,
  model: EpisodeModel,
  options: EmbedSpanOptions,
): Promise<Matrix> {
  const batchSize = options.batchSize ?? 64;
  const signal = options.signal;
  const demand = new Demand(batchSize * 2);
  return new Promise<Matrix>((resolve, reject) => {
    if (signal?.aborted) {
      reject(new AbortedError({ cause: signal.reason }));
      return;
    }
    const parts: Matrix[] = [];
    let batch: SecondSample[] = [];
    let done = 0;
    let chain: Promise<void> = Promise.resolve();
    let settled = false;

    const fail = (err: unknown) => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      sub.unsubscribe();
      reject(err instanceof Error ? err : new Error(String(err)));
    };
    const onAbort = () => fail(new AbortedError({ cause: signal?.reason }));

    const flush = () => {
      const seconds = batch;
      batch = [];
      chain = chain.then(async () => {
        if (settled) return;
        const m = await model.embed(
          { frames: seconds.map((s) => s.frame), mels: seconds.map((s) => s.mel) },
          {
            ...(signal ? { signal } : {}),
            ...(options.timings ? { timings: options.timings } : {}),
          },
        );
        parts.push(m);
        done += seconds.length;
        demand.release(seconds.length);
        options.onSeconds?.(done);
      });
      chain.catch(fail);
    };

    signal?.addEventListener('abort', onAbort, { once: true });
    const sub = new Subscription();
    sub.add(
      decode(input, {
        ...options.decode,
        from: options.from,
        to: options.to,
        audio: options.audio,
        frameSize: model.config.frameSize,
        demand,
        ...(signal ? { signal } : {}),
      })
        .pipe(joinSeconds({ demand, ...(options.timings ? { timings: options.timings } : {}) }))
        .subscribe({
          next(sample) {
            options.onSample?.(sample, options.from + sample.t);
            batch.push(sample);
            if (batch.length >= batchSize) flush();
          },
          error: fail,
          complete() {
            if (batch.length > 0) flush();
            chain.then(() => {
              if (settled) return;
              settled = true;
              signal?.removeEventListener('abort', onAbort);
              resolve(concatRows(parts));
            }, fail);
          },
        }),
    );
  });
}

function concatRows(parts: readonly Matrix[]): Matrix {
  const cols = parts[0]?.cols ?? 0;
  const rows = parts.reduce((n, p) => n + p.rows, 0);
  const data = new Float32Array(rows * cols);
  let offset = 0;
  for (const p of parts) {
    data.set(p.data.subarray(0, p.rows * cols), offset);
    offset += p.rows * cols;
  }
  return { data, rows, cols };
}
