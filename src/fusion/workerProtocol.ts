/** Messages between EpisodeModel (main thread) and inferenceWorker (worker thread). */
import type { Mode } from './modelConfig.js';
import type { Provider } from './onnxBackend.js';

export interface WorkerInit {
  modelDir: string;
  mode: Mode;
  frameSize: number;
  provider: Provider;
  intraOpThreads: number;
  memoryArena: boolean;
}

export type WorkerRequest =
  | {
      id: number;
      op: 'embed';
      n: number;
      /** n RGB24 frames back to back (frameSize² × 3 bytes each). */
      frames: Uint8Array;
      /** fused: n mel windows back to back (500 × 64 floats each). */
      mels: Float32Array | null;
    }
  | {
      id: number;
      /** The vision encoder alone: [n, Dv] (a fused model's first Dv embedding columns). */
      op: 'vision';
      n: number;
      frames: Uint8Array;
    }
  | { id: number; op: 'sequence'; t: number; d: number; embeddings: Float32Array }
  | { id: number; op: 'dispose' };

/**
 * Milliseconds the inference worker spent, per stage; a reply carries the stages it ran, and
 * a caller that passes a record to `EpisodeModel.embed`/`sequence` gets them added up there.
 */
export interface InferenceTimings {
  /** RGB24 frames → the vision encoder's float tensor. */
  frameTensorMs: number;
  visionEncoderMs: number;
  audioEncoderMs: number;
  sequenceMs: number;
}

export interface SerializedError {
  name: string;
  message: string;
  code?: string;
}

export type WorkerReply =
  | { type: 'ready'; provider: Provider; warnings: string[] }
  | { type: 'init-failed'; error: SerializedError }
  | {
      type: 'result';
      id: number;
      data: Float32Array;
      dims: number[];
      ms?: Partial<InferenceTimings>;
    }
  | { type: 'failed'; id: number; error: SerializedError };
