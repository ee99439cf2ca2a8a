import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EpisodeModel, type Matrix } from '../../src/fusion/episodeModel.js';
import { cudaAvailability, parseProvider } from '../../src/fusion/onnxBackend.js';

// PyTorch ↔ ONNX Runtime (Node) parity on the tiny random-weight fixtures, through OUR loading
// path (worker thread, frame packing, vision+audio concatenation). Inputs are rebuilt here from
// the formulas stated in each parity.json; expected outputs are PyTorch's.

interface Expected {
  shape: number[];
  data: unknown;
}

interface Parity {
  mode: 'fused' | 'vision';
  seconds: number;
  tolerance: number;
  frames: { shape: number[]; layout: string; inputFormula: string };
  mel: { shape: number[]; layout: string; inputFormula: string } | null;
  expected: {
    visionEmbedding: Expected;
    audioEmbedding: Expected | null;
    embeddings: Expected;
    probs: Expected & { channels: string[] };
  };
}

const FIXTURES = 'test/fixtures/models';

const readParity = (dir: string) =>
  JSON.parse(readFileSync(join(dir, 'parity.json'), 'utf8')) as Parity;

const flat = (data: unknown): number[] =>
  Array.isArray(data) ? data.flatMap(flat) : [data as number];

/** frames[t][y][x][c] = (t*31 + y*7 + x*3 + c*11) % 256 — RGB24 HWC, as the decoder delivers. */
function frames(p: Parity): Uint8Array[] {
  expect(p.frames.inputFormula).toBe('frames[t][y][x][c] = (t*31 + y*7 + x*3 + c*11) % 256');
  expect(p.frames.layout).toBe('T,H,W,C');
  const [T, H, W, C] = p.frames.shape as [number, number, number, number];
  return Array.from({ length: T }, (_, t) => {
    const rgb = new Uint8Array(H * W * C);
    for (let y = 0; y < H; y++)
      for (let x = 0; x < W; x++)
        for (let c = 0; c < C; c++)
          rgb[(y * W + x) * C + c] = (t * 31 + y * 7 + x * 3 + c * 11) % 256;
    return rgb;
  });
}

/** mel[t][f][b] = ((t*13 + f*5 + b*3) % 97) / 8 — one 500×64 time-major window per second. */
function mels(p: Parity): Float32Array[] {
  const m = p.mel!;
  expect(m.inputFormula).toBe('mel[t][f][b] = ((t*13 + f*5 + b*3) % 97) / 8');
  expect(m.layout).toBe('T,F,B');
  const [T, F, B] = m.shape as [number, number, number];
  return Array.from({ length: T }, (_, t) => {
    const w = new Float32Array(F * B);
    for (let f = 0; f < F; f++)
      for (let b = 0; b < B; b++) w[f * B + b] = ((t * 13 + f * 5 + b * 3) % 97) / 8;
    return w;
  });
}

/** Columns [from, to) of a row-major matrix. */
function columns(m: Matrix, from: number, to: number): number[] {
  const out: number[] = [];
  for (let r = 0; r < m.rows; r++)
    for (let c = from; c < to; c++) out.push(m.data[r * m.cols + c]!);
  return out;
}

function expectClose(
  actual: ArrayLike<number>,
  expected: Expected,
  tol: number,
  what: string,
): void {
  const want = flat(expected.data);
  expect(want.length, `${what}: size`).toBe(expected.shape.reduce((a, b) => a * b, 1));
  expect(actual.length, `${what}: size`).toBe(want.length);
  let worst = 0;
  for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(actual[i]! - want[i]!));
  expect(worst, `${what}: max |ONNX Runtime − PyTorch|`).toBeLessThanOrEqual(tol);
}

describe.each(['tiny-fused', 'tiny-vision', 'tiny-fused-live', 'tiny-fused-heads'])(
  'parity %s',
  (name) => {
    const dir = join(FIXTURES, name);
    let parity: Parity;
    let model: EpisodeModel;

    beforeAll(async () => {
      parity = readParity(dir);
      model = await EpisodeModel.load(dir);
    });
    afterAll(() => model?.dispose());

    it('loads with the mode and frame size of model.json, on CPU', () => {
      expect(model.config.mode).toBe(parity.mode);
      expect(model.config.frameSize).toBe(parity.frames.shape[1]);
      expect(model.provider).toBe('cpu');
    });

    it('embeds frames (and mel windows) like PyTorch, vision columns first', async () => {
      const tol = parity.tolerance;
      const emb = await model.embed({
        frames: frames(parity),
        ...(parity.mel ? { mels: mels(parity) } : {}),
      });
      const dv = parity.expected.visionEmbedding.shape[1]!;
      expect(emb.rows).toBe(parity.seconds);
      expectClose(columns(emb, 0, dv), parity.expected.visionEmbedding, tol, 'vision embedding');
      // A fused fixture must carry PyTorch's audio embedding (so it is compared, never skipped);
      // a vision one has none, and its embedding is the vision columns alone.
      const audio = parity.expected.audioEmbedding;
      expect(audio === null, 'parity.json has an audio embedding iff the mode is fused').toBe(
        parity.mode === 'vision',
      );
      if (audio) expectClose(columns(emb, dv, emb.cols), audio, tol, 'audio embedding');
      else expect(emb.cols).toBe(dv);
      expectClose(emb.data, parity.expected.embeddings, tol, 'sequence input');
      const probs = await model.sequence(emb);
      // one column per channel parity.json names (intro, credits, then any part heads)
      expect([probs.rows, probs.cols]).toEqual([
        parity.seconds,
        parity.expected.probs.channels.length,
      ]);
      expectClose(probs.data, parity.expected.probs, tol, 'probabilities (end to end)');
    });

    it('runs the sequence model on PyTorch embeddings like PyTorch', async () => {
      const e = parity.expected.embeddings;
      const [, t, d] = e.shape as [number, number, number];
      const probs = await model.sequence({
        data: Float32Array.from(flat(e.data)),
        rows: t,
        cols: d,
      });
      expectClose(probs.data, parity.expected.probs, parity.tolerance, 'probabilities');
    });

    it('queues concurrent calls and keeps them in order', async () => {
      const fs = frames(parity);
      const ms = parity.mel ? mels(parity) : undefined;
      const one = (i: number) =>
        model.embed({ frames: [fs[i]!], ...(ms ? { mels: [ms[i]!] } : {}) });
      const all = await Promise.all([0, 1, 2, 3].map(one));
      const batch = await model.embed({
        frames: fs.slice(0, 4),
        ...(ms ? { mels: ms.slice(0, 4) } : {}),
      });
      all.forEach((m, i) => {
        const want = batch.data.subarray(i * batch.cols, (i + 1) * batch.cols);
        m.data.forEach((v, j) => expect(v).toBeCloseTo(want[j]!, 5));
      });
    });
  },
);

describe('a live model (mel.futureSeconds)', () => {
  it('reads how far ahead its audio encoder hears: 1 s for the live fixture, 5 s by default', async () => {
    const live = await EpisodeModel.load(join(FIXTURES, 'tiny-fused-live'));
    const whole = await EpisodeModel.load(join(FIXTURES, 'tiny-fused'));
    try {
      expect(live.config.audioFuture).toBe(1);
      expect(whole.config.audioFuture).toBe(5);
    } finally {
      await live.dispose();
      await whole.dispose();
    }
  });

  it('embeds a window the same whatever lies more than 1 s past its centre (silenced in the graph)', async () => {
    const model = await EpisodeModel.load(join(FIXTURES, 'tiny-fused-live'));
    try {
      const frame = new Uint8Array(64 * 64 * 3).fill(90);
      const mel = Float32Array.from({ length: 500 * 64 }, (_, i) => (i % 13) / 4);
      const later = mel.slice();
      later.fill(9, 300 * 64); // frames 300… (centre + 1 s) on: what a stream has not heard yet
      const sooner = mel.slice();
      sooner.fill(9, 290 * 64, 300 * 64);
      const emb = await model.embed({ frames: [frame, frame, frame], mels: [mel, later, sooner] });
      const row = (r: number) => emb.data.subarray(r * emb.cols, (r + 1) * emb.cols);
      expect(Array.from(row(1))).toEqual(Array.from(row(0)));
      expect(Array.from(row(2))).not.toEqual(Array.from(row(0)));
    } finally {
      await model.dispose();
    }
  });
});

describe('EpisodeModel lifecycle and errors', () => {
  it('rejects bad batches, aborted calls, and use after dispose', async () => {
    const model = await EpisodeModel.load(join(FIXTURES, 'tiny-fused'));
    await expect(model.embed({ frames: [new Uint8Array(10)] })).rejects.toThrow(/64×64 RGB/);
    await expect(model.embed({ frames: [new Uint8Array(64 * 64 * 3)] })).rejects.toThrow(
      /--mode vision/,
    );
    await expect(
      model.embed(
        { frames: [new Uint8Array(64 * 64 * 3)], mels: [new Float32Array(500 * 64)] },
        { signal: AbortSignal.abort() },
      ),
    ).rejects.toMatchObject({ code: 'ABORTED' });
    await model.dispose();
    await model.dispose(); // idempotent
    await expect(model.sequence({ data: new Float32Array(16), rows: 1, cols: 16 })).rejects.toThrow(
      /dispose/,
    );
  });

  it('refuses a mode the folder does not hold, and a folder with missing files', async () => {
    await expect(
      EpisodeModel.load(join(FIXTURES, 'tiny-vision'), { mode: 'fused' }),
    ).rejects.toMatchObject({
      code: 'MODEL_NOT_FOUND',
      message: expect.stringMatching(/missing audio-encoder\.onnx/) as unknown,
    });
    await expect(
      EpisodeModel.load(join(FIXTURES, 'tiny-fused'), { mode: 'vision' }),
    ).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
    });
  });

  // Where onnxruntime-node was installed with its CUDA provider, asking for CUDA may really run
  // on CUDA (or fail over for other reasons): this spec is about installs without it.
  it.skipIf(cudaAvailability().available)(
    'falls back from CUDA to CPU with a warning that says how to install it (skipped where the CUDA provider is installed)',
    async () => {
      const warnings: string[] = [];
      const model = await EpisodeModel.load(join(FIXTURES, 'tiny-vision'), {
        provider: 'cuda',
        onWarning: (m) => warnings.push(m),
      });
      try {
        expect(model.provider).toBe('cpu');
        expect(warnings).toHaveLength(1);
        expect(warnings[0]).toMatch(/ONNXRUNTIME_NODE_INSTALL=cuda12 npm rebuild onnxruntime-node/);
      } finally {
        await model.dispose();
      }
    },
  );

  it('lists the valid providers when given an unknown one', () => {
    expect(parseProvider('cuda')).toBe('cuda');
    expect(() => parseProvider('gpu')).toThrow(/Valid providers: cpu, cuda/);
  });
});
