/**
 * The ONE module that imports onnxruntime-node (like transformers.js's backends/onnx.js).
 * Everything else talks to ONNX Runtime through `OnnxSession`: float32 in, float32 out.
 *
 * Providers: `cpu` (default, always bundled) and `cuda` (opt-in). The npm package ships the
 * CUDA execution provider as a separate download (install-time, skipped with
 * `ONNXRUNTIME_NODE_INSTALL=skip`); when it is missing, or no GPU/driver can be opened, asking
 * for `cuda` warns (with the command that installs it) and falls back to CPU.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { InvalidArgumentError, ModelNotFoundError } from '../errors.js';

/** Device → ONNX Runtime execution providers (tried in order; CPU is the last resort). */
const PROVIDERS = Object.freeze({
  cpu: ['cpu'],
  cuda: ['cuda', 'cpu'],
} as const satisfies Record<string, readonly string[]>);

export type Provider = keyof typeof PROVIDERS;

export const PROVIDER_NAMES = Object.freeze(Object.keys(PROVIDERS) as Provider[]);

/** How to get the CUDA execution provider into an install that skipped it. */
const CUDA_INSTALL_HINT =
  'Install the CUDA execution provider (needs CUDA 12 and cuDNN 9 on the machine): ' +
  '`ONNXRUNTIME_NODE_INSTALL=cuda12 npm rebuild onnxruntime-node` ' +
  '(older spelling: `ONNXRUNTIME_NODE_INSTALL_CUDA=v12`; also remove `onnxruntime-node-install=skip` ' +
  'from .npmrc and unset ONNXRUNTIME_NODE_INSTALL=skip).';

/** Checks a user-supplied provider name; the error lists the valid ones. */
export function parseProvider(name: string): Provider {
  if (Object.hasOwn(PROVIDERS, name)) return name as Provider;
  throw new InvalidArgumentError(
    `Unknown provider "${name}". Valid providers: ${PROVIDER_NAMES.join(', ')}.`,
  );
}

export interface CudaAvailability {
  available: boolean;
  /** Why not, when not. */
  reason?: string;
}

/**
 * Whether this onnxruntime-node install can run the CUDA provider at all: the binding lists it
 * and, when it is not bundled, its shared library was downloaded next to the binding.
 */
export function cudaAvailability(): CudaAvailability {
  const cuda = ort.listSupportedBackends().find((b) => b.name === 'cuda');
  if (!cuda) {
    return {
      available: false,
      reason: `this onnxruntime-node build has no CUDA provider (${process.platform}/${process.arch})`,
    };
  }
  if (cuda.bundled) return { available: true };
  const lib = join(bindingDir(), 'libonnxruntime_providers_cuda.so');
  if (!existsSync(lib)) {
    return {
      available: false,
      reason: 'onnxruntime-node was installed without its CUDA provider (the download was skipped)',
    };
  }
  return { available: true };
}

function bindingDir(): string {
  const require = createRequire(import.meta.url);
  const main = require.resolve('onnxruntime-node');
  // <pkg>/dist/index.js → <pkg>/bin/napi-v6/<platform>/<arch>
  return join(dirname(main), '..', 'bin', 'napi-v6', process.platform, process.arch);
}

export interface SessionOptions {
  provider?: Provider;
  /** Threads inside one operator (default 2: the machine is shared with ffmpeg). */
  intraOpThreads?: number;
  /**
   * ONNX Runtime's CPU memory arena (default false). It keeps the largest activations it has
   * held, per input shape: with batches of several sizes (two passes' exact windows) it only
   * grows. Off, a model's peak memory was 15 MiB lower at the same speed (`bench/arena.ts`).
   */
  memoryArena?: boolean;
  /** Receives the CUDA fallback warning (default: process.emitWarning). */
  onWarning?: (message: string) => void;
}

/** Output of a run: a dense float32 tensor. */
export interface FloatTensor {
  data: Float32Array;
  dims: number[];
}

/** A loaded model with one float32 input and one float32 output used. */
export class OnnxSession {
  readonly #session: ort.InferenceSession;
  /** The provider the session actually runs on (after any fallback). */
  readonly provider: Provider;
  readonly path: string;

  private constructor(session: ort.InferenceSession, provider: Provider, path: string) {
    this.#session = session;
    this.provider = provider;
    this.path = path;
  }

  get inputNames(): readonly string[] {
    return this.#session.inputNames;
  }

  get outputNames(): readonly string[] {
    return this.#session.outputNames;
  }

  static async create(path: string, options: SessionOptions = {}): Promise<OnnxSession> {
    if (!existsSync(path)) throw new ModelNotFoundError(`Model file not found: ${path}.`);
    const warn = options.onWarning ?? ((m: string) => process.emitWarning(m));
    const threads = options.intraOpThreads ?? 2;
    if (!Number.isInteger(threads) || threads < 1) {
      throw new InvalidArgumentError(`intraOpThreads must be an integer >= 1 (got ${threads}).`);
    }
    const base: ort.InferenceSession.SessionOptions = {
      intraOpNumThreads: threads,
      interOpNumThreads: 1,
      graphOptimizationLevel: 'all',
      logSeverityLevel: 3,
      enableCpuMemArena: options.memoryArena ?? false,
    };
    let provider = options.provider ?? 'cpu';
    if (provider === 'cuda') {
      const cuda = cudaAvailability();
      if (!cuda.available) {
        warn(
          `CUDA requested but unavailable: ${cuda.reason}; running on CPU. ${CUDA_INSTALL_HINT}`,
        );
        provider = 'cpu';
      } else {
        try {
          const session = await ort.InferenceSession.create(path, {
            ...base,
            executionProviders: ['cuda'],
          });
          return new OnnxSession(session, 'cuda', path);
        } catch (err) {
          warn(
            `CUDA requested but the CUDA provider failed to start (${String(err instanceof Error ? err.message : err).split('\n')[0]}); running on CPU. Check the NVIDIA driver, CUDA 12 and cuDNN 9. ${CUDA_INSTALL_HINT}`,
          );
          provider = 'cpu';
        }
      }
    }
    try {
      const session = await ort.InferenceSession.create(path, {
        ...base,
        executionProviders: [...PROVIDERS[provider]],
      });
      return new OnnxSession(session, provider, path);
    } catch (err) {
      throw new ModelNotFoundError(
        `Could not load ONNX model ${path}: ${err instanceof Error ? err.message : String(err)}. Re-export it (opset 13) or re-download the model folder.`,
        { cause: err },
      );
    }
  }

  /** Runs the model on one float32 input; returns the named (default: first) output, copied. */
  async run(
    input: { name?: string; data: Float32Array; dims: readonly number[] },
    outputName?: string,
  ): Promise<FloatTensor> {
    const inName = input.name ?? this.#session.inputNames[0];
    const outName = outputName ?? this.#session.outputNames[0];
    if (inName === undefined || outName === undefined) {
      throw new InvalidArgumentError(`${this.path} has no inputs or outputs.`);
    }
    const tensor = new ort.Tensor('float32', input.data, input.dims);
    const results = await this.#session.run({ [inName]: tensor }, [outName]);
    const out = results[outName];
    if (!out) throw new InvalidArgumentError(`${this.path} produced no output "${outName}".`);
    if (out.type !== 'float32') {
      throw new InvalidArgumentError(
        `${this.path}: output "${outName}" is ${out.type}, expected float32.`,
      );
    }
    // Copy out of ORT's buffer so it can be transferred between threads and the tensor freed.
    const data = new Float32Array(out.data as Float32Array);
    const dims = out.dims.map(Number);
    out.dispose();
    tensor.dispose();
    return { data, dims };
  }

  async release(): Promise<void> {
    await this.#session.release();
  }
}
