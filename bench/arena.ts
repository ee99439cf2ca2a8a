/**
 * ONNX Runtime's CPU memory arena, on and off (`EpisodeModel`'s `memoryArena`; default off):
 * peak memory and inference time of the shipped fused model on the batches `detect` sends —
 * full batches of 64 seconds, and the vision encoder alone on exact windows of 13 and 40
 * frames (two passes). Each setting runs in its own process (peak RSS is per process), the two
 * alternating, ROUNDS times each, so that load on a shared machine falls on both.
 *
 *   npx tsx bench/arena.ts [--rounds 3]
 */
import { execFileSync } from 'node:child_process';
import { EpisodeModel } from '../src/fusion/episodeModel.js';
import { defaultModelDir } from '../src/fusion/modelConfig.js';
import { MEL } from '../src/audio/melConfig.js';
import { takeFlag } from './lib/argv.js';
import { f1 } from './lib/format.js';
import { vmHwm } from './lib/proc.js';

const argv = process.argv.slice(2);
const child = takeFlag(argv, 'child');

if (child !== undefined) {
  const memoryArena = child === 'on';
  const model = await EpisodeModel.load(defaultModelDir('fused'), { mode: 'fused', memoryArena });
  const size = model.config.frameSize;
  const frame = (k: number) =>
    Uint8Array.from({ length: size * size * 3 }, (_, i) => (i * 31 + k * 17) & 255);
  const mel = () => new Float32Array(MEL.windowFrames * MEL.bands).fill(-3);
  const batch = (n: number) => ({
    frames: Array.from({ length: n }, (_, k) => frame(k)),
    mels: Array.from({ length: n }, mel),
  });
  const full = batch(64);
  const windows = [batch(13).frames, batch(40).frames];
  const t0 = performance.now();
  for (let i = 0; i < 12; i++) {
    await model.embed(full);
    if (i % 3 === 0) for (const w of windows) await model.embedVision(w);
  }
  const ms = performance.now() - t0;
  await model.dispose();
  console.log(JSON.stringify({ ms, peakMiB: vmHwm(process.pid) }));
} else {
  const rounds = Number(takeFlag(argv, 'rounds') ?? 3);
  const runs: Record<'on' | 'off', Array<{ ms: number; peakMiB: number }>> = { on: [], off: [] };
  for (let r = 0; r < rounds; r++) {
    for (const setting of ['on', 'off'] as const) {
      const out = execFileSync(
        process.execPath,
        ['--import', 'tsx', import.meta.filename, '--child', setting],
        {
          encoding: 'utf8',
          stdio: ['ignore', 'pipe', 'ignore'],
        },
      );
      runs[setting].push(
        JSON.parse(out.trim().split('\n').at(-1)!) as { ms: number; peakMiB: number },
      );
    }
  }
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  console.log(
    '| memory arena | inference ms (12 batches of 64 + 8 windows), mean | peak RSS MiB, each run |',
  );
  console.log('| ------------ | ----: | ---- |');
  for (const s of ['on', 'off'] as const) {
    const ms = runs[s].map((x) => x.ms);
    const peaks = runs[s].map((x) => f1(x.peakMiB)).join(' / ');
    console.log(`| ${s} | ${f1(mean(ms))} | ${peaks} |`);
  }
}
