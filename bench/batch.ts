/**
 * Peak memory of the node process against the inference batch size: `detectEpisode` with the
 * shipped fused model preloaded, one pass (batches of 64, its default) and two passes with
 * batches of 64, 32 (its default) and 16, each in its own process (peak RSS is per process),
 * alternating, ROUNDS times, so that load on a shared machine falls on all of them.
 *
 *   npx tsx bench/batch.ts FILE [--rounds 2]
 */
import { execFileSync } from 'node:child_process';
import { detectEpisode } from '../src/fusion/detectEpisode.js';
import { EpisodeModel } from '../src/fusion/episodeModel.js';
import { defaultModelDir } from '../src/fusion/modelConfig.js';
import { takeFlag } from './lib/argv.js';
import { f1 } from './lib/format.js';
import { vmHwm } from './lib/proc.js';

const SETTINGS: ReadonlyArray<{ passes: 1 | 2; batch: number }> = [
  { passes: 1, batch: 64 },
  { passes: 2, batch: 64 },
  { passes: 2, batch: 32 },
  { passes: 2, batch: 16 },
];

const argv = process.argv.slice(2);
const child = takeFlag(argv, 'child');
const file = argv[0];
if (!file) throw new Error('usage: npx tsx bench/batch.ts FILE [--rounds 2]');

if (child !== undefined) {
  const { passes, batch } = SETTINGS[Number(child)]!;
  const model = await EpisodeModel.load(defaultModelDir('fused'), { mode: 'fused' });
  const t0 = performance.now();
  await detectEpisode(file, { model, passes, batchSize: batch });
  const ms = performance.now() - t0;
  await model.dispose();
  console.log(JSON.stringify({ ms, peakMiB: vmHwm(process.pid) }));
} else {
  const rounds = Number(takeFlag(argv, 'rounds') ?? 2);
  const runs = SETTINGS.map(() => [] as Array<{ ms: number; peakMiB: number }>);
  for (let r = 0; r < rounds; r++) {
    for (const k of SETTINGS.keys()) {
      const out = execFileSync(
        process.execPath,
        ['--import', 'tsx', import.meta.filename, file, '--child', String(k)],
        { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] },
      );
      runs[k]!.push(JSON.parse(out.trim().split('\n').at(-1)!) as { ms: number; peakMiB: number });
    }
  }
  console.log('| passes | batch | detect s, each run | node peak RSS MiB, each run |');
  console.log('| ---: | ---: | ---- | ---- |');
  for (const [k, { passes, batch }] of SETTINGS.entries()) {
    const secs = runs[k]!.map((x) => f1(x.ms / 1000)).join(' / ');
    const peaks = runs[k]!.map((x) => f1(x.peakMiB)).join(' / ');
    console.log(`| ${passes} | ${batch} | ${secs} | ${peaks} |`);
  }
}
