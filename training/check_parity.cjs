// Runs the ONNX files of a model folder on the inputs of its parity.json (regenerated from the
// formulas) with onnxruntime-node and prints the largest difference from the PyTorch outputs.
//   node training/check_parity.cjs test/fixtures/models/tiny-fused
const ort = require('../node_modules/onnxruntime-node');
const fs = require('fs');
const path = require('path');

async function main(dir) {
  const p = JSON.parse(fs.readFileSync(path.join(dir, 'parity.json'), 'utf8'));
  const [T, H, W] = p.frames.shape;
  const plane = H * W;
  const frames = new Float32Array(T * 3 * plane);
  for (let t = 0; t < T; t++)
    for (let y = 0; y < H; y++)
      for (let x = 0; x < W; x++)
        for (let c = 0; c < 3; c++)
          frames[t * 3 * plane + c * plane + y * W + x] =
            ((t * 31 + y * 7 + x * 3 + c * 11) % 256) * (1 / 255);
  const run = async (file, input, data, dims) => {
    const s = await ort.InferenceSession.create(path.join(dir, file));
    const out = await s.run({ [input]: new ort.Tensor('float32', data, dims) });
    return out[s.outputNames[0]];
  };
  const maxDiff = (a, rows) => {
    const flat = rows.flat();
    let m = 0;
    for (let i = 0; i < flat.length; i++) m = Math.max(m, Math.abs(a[i] - flat[i]));
    if (a.length !== flat.length) throw new Error(`length ${a.length} vs ${flat.length}`);
    return m;
  };
  const v = await run('vision-encoder.onnx', 'frames', frames, [T, 3, H, W]);
  console.log('vision', v.dims, 'max |diff|', maxDiff(v.data, p.expected.visionEmbedding.data));
  let emb = v.data,
    d = v.dims[1];
  if (p.mel) {
    const [, F, B] = p.mel.shape;
    const mel = new Float32Array(T * F * B);
    for (let t = 0; t < T; t++)
      for (let f = 0; f < F; f++)
        for (let b = 0; b < B; b++) mel[(t * F + f) * B + b] = ((t * 13 + f * 5 + b * 3) % 97) / 8;
    const a = await run('audio-encoder.onnx', 'mel', mel, [T, F, B]);
    console.log('audio', a.dims, 'max |diff|', maxDiff(a.data, p.expected.audioEmbedding.data));
    const da = a.dims[1];
    emb = new Float32Array(T * (d + da));
    for (let t = 0; t < T; t++) {
      emb.set(v.data.subarray(t * d, (t + 1) * d), t * (d + da));
      emb.set(a.data.subarray(t * da, (t + 1) * da), t * (d + da) + d);
    }
    d += da;
  }
  const probs = await run('sequence.onnx', 'embeddings', emb, [1, T, d]);
  console.log('probs', probs.dims, 'max |diff|', maxDiff(probs.data, p.expected.probs.data));
}
main(process.argv[2]).catch((e) => {
  console.error(e);
  process.exit(1);
});
