/**
 * Worker thread that owns the ONNX sessions. `session.run` blocks its thread, so it runs here,
 * off the thread that drains ffmpeg's pipes. Requests are handled strictly one at a time.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { MEL } from '../audio/melConfig.js';
import { IntrodetectError } from '../errors.js';
import { frameTensor } from '../vision/frameTensor.js';
import { OnnxSession } from './onnxBackend.js';
import type {
  InferenceTimings,
  SerializedError,
  WorkerInit,
  WorkerReply,
  WorkerRequest,
} from './workerProtocol.js';

if (!parentPort) throw new Error('inferenceWorker must run in a worker thread');
const port = parentPort;
const init = workerData as WorkerInit;

const serialize = (err: unknown): SerializedError =>
  err instanceof IntrodetectError
    ? { name: err.name, message: err.message, code: err.code }
    : {
        name: err instanceof Error ? err.name : 'Error',
        message: err instanceof Error ? err.message : String(err),
      };

const post = (msg: WorkerReply, transfer: ArrayBuffer[] = []) => port.postMessage(msg, transfer);

interface Sessions {
  vision: OnnxSession;
  audio: OnnxSession | undefined;
  sequence: OnnxSession;
}

async function load(): Promise<{ sessions: Sessions; warnings: string[] }> {
  const warnings: string[] = [];
  const opts = {
    provider: init.provider,
    intraOpThreads: init.intraOpThreads,
    memoryArena: init.memoryArena,
    onWarning: (m: string) => {
      if (!warnings.includes(m)) warnings.push(m);
    },
  };
  const file = (name: string) => `${init.modelDir.replace(/\/$/, '')}/${name}`;
  const vision = await OnnxSession.create(file('vision-encoder.onnx'), opts);
  // After one fallback, load the others straight on CPU (one warning, not three).
  const rest = { ...opts, provider: vision.provider };
  const audio =
    init.mode === 'fused' ? await OnnxSession.create(file('audio-encoder.onnx'), rest) : undefined;
  const sequence = await OnnxSession.create(file('sequence.onnx'), rest);
  return { sessions: { vision, audio, sequence }, warnings };
}

/** [n, a] and [n, b] row-major → [n, a + b]. */
function concatRows(
  a: Float32Array,
  da: number,
  b: Float32Array,
  db: number,
  n: number,
): Float32Array {
  const out = new Float32Array(n * (da + db));
  for (let i = 0; i < n; i++) {
    out.set(a.subarray(i * da, (i + 1) * da), i * (da + db));
    out.set(b.subarray(i * db, (i + 1) * db), i * (da + db) + da);
  }
  return out;
}

/** n RGB24 frames back to back → the vision encoder's [n, Dv] output. */
async function runVision(s: Sessions, packed: Uint8Array, n: number) {
  const size = init.frameSize;
  const plane = size * size * 3;
  const frames: Uint8Array[] = [];
  for (let i = 0; i < n; i++) frames.push(packed.subarray(i * plane, (i + 1) * plane));
  const t0 = performance.now();
  const tensor = frameTensor(frames, size);
  const t1 = performance.now();
  const v = await s.vision.run({ data: tensor, dims: [n, 3, size, size] });
  const ms: Partial<InferenceTimings> = {
    frameTensorMs: t1 - t0,
    visionEncoderMs: performance.now() - t1,
  };
  return { v, ms };
}

async function handle(s: Sessions, req: WorkerRequest): Promise<void> {
  switch (req.op) {
    case 'vision': {
      const { v, ms } = await runVision(s, req.frames, req.n);
      post({ type: 'result', id: req.id, data: v.data, dims: v.dims, ms }, [
        v.data.buffer as ArrayBuffer,
      ]);
      return;
    }
    case 'embed': {
      const { v, ms } = await runVision(s, req.frames, req.n);
      const t2 = performance.now();
      const dv = v.dims[1] ?? 0;
      let data = v.data;
      let d = dv;
      if (s.audio) {
        if (!req.mels) throw new Error('fused model: the batch has no mel windows');
        const a = await s.audio.run({
          data: req.mels,
          dims: [req.n, MEL.windowFrames, MEL.bands],
        });
        ms.audioEncoderMs = performance.now() - t2;
        const da = a.dims[1] ?? 0;
        data = concatRows(v.data, dv, a.data, da, req.n);
        d = dv + da;
      }
      post({ type: 'result', id: req.id, data, dims: [req.n, d], ms }, [
        data.buffer as ArrayBuffer,
      ]);
      return;
    }
    case 'sequence': {
      const t0 = performance.now();
      const out = await s.sequence.run({ data: req.embeddings, dims: [1, req.t, req.d] });
      const ms = { sequenceMs: performance.now() - t0 };
      const channels = out.dims[2] ?? 0;
      post({ type: 'result', id: req.id, data: out.data, dims: [req.t, channels], ms }, [
        out.data.buffer as ArrayBuffer,
      ]);
      return;
    }
    case 'dispose': {
      await Promise.all([s.vision.release(), s.audio?.release(), s.sequence.release()]);
      post({ type: 'result', id: req.id, data: new Float32Array(0), dims: [0] });
      port.close();
      return;
    }
  }
}

try {
  const { sessions, warnings } = await load();
  let queue: Promise<void> = Promise.resolve();
  port.on('message', (req: WorkerRequest) => {
    queue = queue.then(() =>
      handle(sessions, req).catch((err: unknown) =>
        post({ type: 'failed', id: req.id, error: serialize(err) }),
      ),
    );
  });
  post({ type: 'ready', provider: sessions.vision.provider, warnings });
} catch (err) {
  post({ type: 'init-failed', error: serialize(err) });
}
