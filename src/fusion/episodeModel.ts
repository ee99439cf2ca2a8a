import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { MEL } from '../audio/melConfig.js';
import { AbortedError, IntrodetectError, InvalidArgumentError, type ErrorCode } from '../errors.js';
import { loadModelConfig, type Mode, type ModelConfig } from './modelConfig.js';
import type { Provider } from './onnxBackend.js';
import type {
  InferenceTimings,
  SerializedError,
  WorkerInit,
  WorkerReply,
  WorkerRequest,
} from './workerProtocol.js';

export type { InferenceTimings } from './workerProtocol.js';

export interface EpisodeModelOptions {
  /** Must match the folder's model.json when given (default: what model.json says). */
  mode?: Mode;
  provider?: Provider;
  /** ONNX Runtime intra-op threads (default 2). */
  intraOpThreads?: number;
  /** ONNX Runtime's CPU memory arena (default false; see SessionOptions.memoryArena). */
  memoryArena?: boolean;
  /** Receives warnings such as the CUDA → CPU fallback (default: process.emitWarning). */
  onWarning?: (message: string) => void;
  signal?: AbortSignal;
}

/** One batch of seconds: frames (RGB24) and, for fused models, their mel windows. */
export interface EmbedBatch {
  frames: readonly Uint8Array[];
  mels?: readonly (Float32Array | null)[];
}

/** Options of one `embed` or `sequence` call. */
export interface InferenceCallOptions {
  signal?: AbortSignal;
  /** The worker's milliseconds for this call are added to this record. */
  timings?: InferenceTimings;
}

/** Row-major [rows, cols] float32 matrix. */
export interface Matrix {
  data: Float32Array;
  rows: number;
  cols: number;
}

/**
 * The three models of one model folder, loaded in a worker thread. `embed` and `sequence` are
 * queued and run one at a time; inputs are copied into one buffer per batch and transferred.
 */
export class EpisodeModel {
  readonly config: ModelConfig;
  /** The provider in use after any fallback. */
  readonly provider: Provider;
  readonly #worker: Worker;
  #nextId = 1;
  #queue: Promise<unknown> = Promise.resolve();
  #pending = new Map<
    number,
    { resolve: (r: Matrix, ms?: Partial<InferenceTimings>) => void; reject: (e: Error) => void }
  >();
  #failure: Error | undefined;
  #disposed = false;

  private constructor(config: ModelConfig, provider: Provider, worker: Worker) {
    this.config = config;
    this.provider = provider;
    this.#worker = worker;
    worker.on('message', (msg: WorkerReply) => {
      if (msg.type !== 'result' && msg.type !== 'failed') return;
      const p = this.#pending.get(msg.id);
      if (!p) return;
      this.#pending.delete(msg.id);
      if (msg.type === 'result') {
        p.resolve({ data: msg.data, rows: msg.dims[0] ?? 0, cols: msg.dims[1] ?? 0 }, msg.ms);
      } else p.reject(revive(msg.error));
    });
    const failAll = (err: Error) => {
      this.#failure ??= err;
      for (const p of this.#pending.values()) p.reject(err);
      this.#pending.clear();
    };
    worker.on('error', failAll);
    worker.on('exit', (code) => {
      if (!this.#disposed) failAll(new Error(`inference worker exited (code ${code})`));
    });
  }

  /** Loads `dir`'s models in a fresh worker thread; resolves once the sessions are ready. */
  static async load(dir: string, options: EpisodeModelOptions = {}): Promise<EpisodeModel> {
    const config = loadModelConfig(dir, options.mode);
    if (options.signal?.aborted) throw new AbortedError({ cause: options.signal.reason });
    const init: WorkerInit = {
      modelDir: dir,
      mode: config.mode,
      frameSize: config.frameSize,
      provider: options.provider ?? 'cpu',
      intraOpThreads: options.intraOpThreads ?? 2,
      memoryArena: options.memoryArena ?? false,
    };
    const worker = spawnInferenceWorker(init);
    const warn = options.onWarning ?? ((m: string) => process.emitWarning(m));
    try {
      const provider = await new Promise<Provider>((resolve, reject) => {
        const onAbort = () => reject(new AbortedError({ cause: options.signal?.reason }));
        options.signal?.addEventListener('abort', onAbort, { once: true });
        const done = () => {
          options.signal?.removeEventListener('abort', onAbort);
          worker.off('message', onMessage);
          worker.off('error', onError);
          worker.off('exit', onExit);
        };
        const onMessage = (msg: WorkerReply) => {
          if (msg.type === 'ready') {
            done();
            msg.warnings.forEach(warn);
            resolve(msg.provider);
          } else if (msg.type === 'init-failed') {
            done();
            reject(revive(msg.error));
          }
        };
        const onError = (err: Error) => {
          done();
          reject(err);
        };
        const onExit = (code: number) => {
          done();
          reject(new Error(`inference worker exited while loading (code ${code})`));
        };
        worker.on('message', onMessage);
        worker.on('error', onError);
        worker.on('exit', onExit);
      });
      return new EpisodeModel(config, provider, worker);
    } catch (err) {
      await worker.terminate();
      throw err;
    }
  }

  /** Per-second embeddings [n, D] (D = Dv, or Dv + Da for fused: vision first). */
  async embed(batch: EmbedBatch, options: InferenceCallOptions = {}): Promise<Matrix> {
    const n = batch.frames.length;
    const frames = this.#packFrames(batch.frames);
    let mels: Float32Array | null = null;
    if (this.config.mode === 'fused') {
      const size = MEL.windowFrames * MEL.bands;
      mels = new Float32Array(n * size);
      for (let i = 0; i < n; i++) {
        const m = batch.mels?.[i];
        if (!m || m.length !== size) {
          throw new InvalidArgumentError(
            `second ${i} of the batch has no ${MEL.windowFrames}×${MEL.bands} mel window; the fused model needs audio (use --mode vision for files without sound).`,
          );
        }
        mels.set(m, i * size);
      }
    }
    const transfer: ArrayBuffer[] = [frames.buffer];
    if (mels) transfer.push(mels.buffer as ArrayBuffer);
    return this.#request((id) => ({ id, op: 'embed', n, frames, mels }), transfer, options);
  }

  /**
   * The vision encoder alone: [n, Dv], the first Dv columns `embed` would give for these
   * frames. The exact pass of `detectEpisode` replaces a first pass's columns with them.
   */
  embedVision(frames: readonly Uint8Array[], options: InferenceCallOptions = {}): Promise<Matrix> {
    const packed = this.#packFrames(frames);
    return this.#request(
      (id) => ({ id, op: 'vision', n: frames.length, frames: packed }),
      [packed.buffer],
      options,
    );
  }

  /** The sequence model over [t, d] embeddings → per-second probabilities [t, 2] (intro, credits). */
  sequence(embeddings: Matrix, options: InferenceCallOptions = {}): Promise<Matrix> {
    const data = embeddings.data.slice(0, embeddings.rows * embeddings.cols);
    return this.#request(
      (id) => ({ id, op: 'sequence', t: embeddings.rows, d: embeddings.cols, embeddings: data }),
      [data.buffer],
      options,
    );
  }

  /** Releases the sessions and stops the worker. Idempotent. */
  async dispose(): Promise<void> {
    if (this.#disposed) return;
    this.#disposed = true;
    const id = this.#nextId++;
    const released = new Promise<void>((resolve) => {
      this.#pending.set(id, { resolve: () => resolve(), reject: () => resolve() });
    });
    if (this.#failure === undefined) {
      this.#worker.postMessage({ id, op: 'dispose' } satisfies WorkerRequest);
      await Promise.race([released, new Promise((r) => setTimeout(r, 2000).unref())]);
    }
    await this.#worker.terminate();
  }

  /** RGB24 frames, checked, back to back in one transferable buffer. */
  #packFrames(list: readonly Uint8Array[]): Uint8Array<ArrayBuffer> {
    const plane = this.config.frameSize * this.config.frameSize * 3;
    const frames = new Uint8Array(list.length * plane);
    list.forEach((f, i) => {
      if (f.length !== plane) {
        throw new InvalidArgumentError(
          `frame ${i} has ${f.length} bytes; the model takes ${this.config.frameSize}×${this.config.frameSize} RGB (${plane}).`,
        );
      }
      frames.set(f, i * plane);
    });
    return frames;
  }

  #request(
    make: (id: number) => WorkerRequest,
    transfer: ArrayBuffer[],
    { signal, timings }: InferenceCallOptions,
  ): Promise<Matrix> {
    const run = async (): Promise<Matrix> => {
      if (this.#disposed) throw new InvalidArgumentError('EpisodeModel used after dispose().');
      if (this.#failure !== undefined) throw this.#failure;
      if (signal?.aborted) throw new AbortedError({ cause: signal.reason });
      const id = this.#nextId++;
      return new Promise<Matrix>((resolve, reject) => {
        const onAbort = () => {
          // The worker finishes the batch; its result is dropped.
          this.#pending.delete(id);
          reject(new AbortedError({ cause: signal?.reason }));
        };
        signal?.addEventListener('abort', onAbort, { once: true });
        this.#pending.set(id, {
          resolve: (r, ms) => {
            signal?.removeEventListener('abort', onAbort);
            if (timings && ms) addTimings(timings, ms);
            resolve(r);
          },
          reject: (e) => {
            signal?.removeEventListener('abort', onAbort);
            reject(e);
          },
        });
        this.#worker.postMessage(make(id), transfer);
      });
    };
    const result = this.#queue.then(run, run);
    this.#queue = result.catch(() => undefined);
    return result;
  }
}

function addTimings(to: InferenceTimings, ms: Partial<InferenceTimings>): void {
  for (const [k, v] of Object.entries(ms) as Array<[keyof InferenceTimings, number]>) to[k] += v;
}

function revive(e: SerializedError): Error {
  if (e.code) {
    const err = new IntrodetectError(e.code as ErrorCode, e.message);
    err.name = e.name;
    return err;
  }
  const err = new Error(e.message);
  err.name = e.name;
  return err;
}

/**
 * Starts inferenceWorker: the compiled `.js` next to this module (dist/), or, when running
 * from TypeScript sources (vitest, tsx), the `.ts` through tsx's ESM loader.
 */
function spawnInferenceWorker(init: WorkerInit): Worker {
  const js = new URL('./inferenceWorker.js', import.meta.url);
  if (existsSync(fileURLToPath(js))) return new Worker(js, { workerData: init });
  const ts = new URL('./inferenceWorker.ts', import.meta.url);
  let tsxApi: string;
  try {
    const cjs = createRequire(import.meta.url).resolve('tsx/esm/api');
    tsxApi = pathToFileURL(cjs.replace(/index\.cjs$/, 'index.mjs')).href;
  } catch (cause) {
    throw new InvalidArgumentError(
      'Running introdetect from its TypeScript sources needs tsx (a devDependency); run `npm run build` and use dist/, or `npm install`.',
      { cause },
    );
  }
  const code = `import(${JSON.stringify(tsxApi)}).then(({ register }) => { register(); return import(${JSON.stringify(ts.href)}); });`;
  return new Worker(code, { eval: true, workerData: init });
}
