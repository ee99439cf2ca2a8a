// Throughput of an exported model folder in onnxruntime-node (CPU, 2 intra-op threads).
//   node training/bench_onnx.cjs training/runs/synth-fused/onnx [batch=64] [seconds=600]
const ort = require('../node_modules/onnxruntime-node');
const path = require('path');
const fs = require('fs');
async function main(dir, batch = 64, T = 600) {
  const opt = { intraOpNumThreads: 2, interOpNumThreads: 1 };
  const time = async (file, input, dims, reps) => {
    const s = await ort.InferenceSession.create(path.join(dir, file), opt);
    const data = new Float32Array(dims.reduce((a, b) => a * b)).map(() => Math.random() * 4);
    const feed = { [input]: new ort.Tensor('float32', data, dims) };
    await s.run(feed);
    const t = process.hrtime.bigint();
    let out;
    for (let i = 0; i < reps; i++) out = await s.run(feed);
    const sec = Number(process.hrtime.bigint() - t) / 1e9 / reps;
    return { sec, dims: out[s.outputNames[0]].dims };
  };
  const m = JSON.parse(fs.readFileSync(path.join(dir, 'model.json'), 'utf8'));
  const v = await time('vision-encoder.onnx', 'frames', [batch, 3, 64, 64], 10);
  console.log(`vision encoder: ${(batch / v.sec).toFixed(0)} frames/s (batch ${batch})`);
  if (m.mode === 'fused') {
    const a = await time('audio-encoder.onnx', 'mel', [batch, 500, 64], 10);
    console.log(`audio encoder: ${(batch / a.sec).toFixed(0)} windows/s (batch ${batch})`);
  }
  const q = await time('sequence.onnx', 'embeddings', [1, T, m.embedding.total], 5);
  console.log(`sequence: ${(q.sec * 1000).toFixed(1)} ms for T=${T}`, q.dims);
}
main(process.argv[2], +(process.argv[3] || 64), +(process.argv[4] || 600));
