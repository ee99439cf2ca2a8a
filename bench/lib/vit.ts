/**
 * The seeds' image encoders: a CLIP ViT-B/32 and ViT-L/14 (random weights,
 * training/make_vit_onnx.py) in the same onnxruntime-node, same threads, on frames of an
 * episode at 224²: seconds per frame from a fixed sample.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { lastValueFrom, toArray } from 'rxjs';
import { OnnxSession } from '../../src/fusion/onnxBackend.js';
import { decode } from '../../src/streams/decode.js';
import { frameTensor } from '../../src/vision/frameTensor.js';
import { CACHE } from './episodes.js';
import { THREADS } from './setups.js';

/** Frames each encoder is timed on. */
export const VIT_SAMPLE = { b32: 160, l14: 32 } as const;
const VIT_BATCH = 16;

/** Seconds per frame of each encoder. */
export interface VitCosts {
  b32: number;
  l14: number;
}

/** Seconds per frame of a CLIP image encoder on `frames` (224² RGB), batches of VIT_BATCH. */
async function vitSecondsPerFrame(arch: 'b32' | 'l14', frames: Uint8Array[]): Promise<number> {
  const session = await OnnxSession.create(join(CACHE, `vit-${arch}.onnx`), {
    intraOpThreads: THREADS,
  });
  try {
    const batches: Float32Array[] = [];
    for (let i = 0; i < frames.length; i += VIT_BATCH)
      batches.push(frameTensor(frames.slice(i, i + VIT_BATCH), 224));
    const run = (data: Float32Array) =>
      session.run({ data, dims: [data.length / (3 * 224 * 224), 3, 224, 224] });
    await run(batches[0]!.subarray(0, 3 * 224 * 224 * 2)); // warm-up
    const t0 = performance.now();
    for (const b of batches) await run(b);
    return (performance.now() - t0) / 1000 / frames.length;
  } finally {
    await session.release();
  }
}

/** Seconds per frame of both encoders, on the first frames of `file` (1 fps, 224²). */
export async function vitCosts(file: string): Promise<VitCosts> {
  ensureVitModels();
  const n = Math.max(VIT_SAMPLE.b32, VIT_SAMPLE.l14);
  const events = await lastValueFrom(
    decode(file, { frameSize: 224, audio: false, to: n + 1 }).pipe(toArray()),
  );
  const frames = events.flatMap((e) => (e.kind === 'frame' ? [e.rgb] : []));
  return {
    b32: await vitSecondsPerFrame('b32', frames.slice(0, VIT_SAMPLE.b32)),
    l14: await vitSecondsPerFrame('l14', frames.slice(0, VIT_SAMPLE.l14)),
  };
}

function ensureVitModels(): void {
  if (existsSync(join(CACHE, 'vit-b32.onnx')) && existsSync(join(CACHE, 'vit-l14.onnx'))) return;
  process.stderr.write('bench: exporting the CLIP ViT encoders (random weights, once)…\n');
  execFileSync('/usr/bin/python3', ['training/make_vit_onnx.py', '--out', CACHE], {
    stdio: 'inherit',
    cwd: join(import.meta.dirname, '..', '..'),
  });
}
