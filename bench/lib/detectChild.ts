/**
 * The child process of `detectInChild` (not imported): loads the model, runs `detectEpisode`
 * once with a setup, prints a `ChildReport` as one JSON line.
 *
 *   tsx bench/lib/detectChild.ts MODE FILE SETUP_JSON
 */
import { performance } from 'node:perf_hooks';
import { detectEpisode, type DetectTimings } from '../../src/fusion/detectEpisode.js';
import { EpisodeModel } from '../../src/fusion/episodeModel.js';
import { defaultModelDir, type Mode } from '../../src/fusion/modelConfig.js';
import type { ChildReport } from './detectInChild.js';
import type { Setup } from './setups.js';

async function child(mode: Mode, file: string, setup: Setup): Promise<void> {
  const { inputOptions, threads, skipLoopFilter, passes } = setup;
  const t0 = performance.now();
  const model = await EpisodeModel.load(defaultModelDir(mode), { mode, intraOpThreads: threads });
  const loadMs = performance.now() - t0;
  let timings: DetectTimings | undefined;
  const t1 = performance.now();
  const r = await detectEpisode(file, {
    model,
    skipLoopFilter,
    passes,
    ...(inputOptions.length ? { inputOptions } : {}),
    onTimings: (t) => (timings = t),
  });
  const wallMs = performance.now() - t1;
  await model.dispose();
  if (!timings) throw new Error('no timings reported');
  const probs = [...r.probabilities.intro.values, ...r.probabilities.credits.values];
  const report: ChildReport = {
    ...{ loadMs, wallMs, timings, intro: r.intro, credits: r.credits, probs },
  };
  process.stdout.write(`${JSON.stringify(report)}\n`);
}

const [mode, file, setup] = process.argv.slice(2);
if (!mode || !file || !setup) throw new Error('usage: detectChild.ts MODE FILE SETUP_JSON');
await child(mode as Mode, file, JSON.parse(setup) as Setup);
