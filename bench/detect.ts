/**
 * Detect benchmark (not a test; issue 6): how close is `detect` to the decode limit, and what do
 * the seeds' encoders and an audio-fingerprint peer cost on the same spans?
 *
 *   npm run bench                          # the two corpus episodes, made once in .cache/bench
 *   npm run bench -- FILE...               # any files
 *   npm run bench -- --variants            # also: decoder options side by side (lib/setups.ts)
 *   npm run bench -- --variants-only --repeat 3   # only those, best of 3
 *   npm run bench -- --modes fused         # one mode only
 *   npm run bench -- --no-vit              # without the ViT encoders (they need python3 + torch)
 *   npm run bench -- --smoke --no-vit      # a 150-s test pattern instead: checks that the bench
 *                                          # runs (a minute or two); its figures mean little
 *
 * Per episode and mode it measures, one after the other on an otherwise idle machine:
 * - ffmpeg alone decoding the spans detect decodes (`-f null`, the same -ss/-t), and ffmpeg with
 *   detect's filters (fps=1, scale to 64², 16 kHz mono) writing to /dev/null
 *   (lib/ffmpegBaselines.ts);
 * - our decode stream alone (frames + PCM consumed, no features): the "decode" share
 *   (lib/decodeStream.ts);
 * - `detectEpisode` in a child process (model loaded first, load reported apart): wall time,
 *   media-seconds per wall-second, peak RSS (node + worker, and its ffmpeg), and the per-stage
 *   times from its `onTimings` hook (lib/detectInChild.ts);
 * - a CLIP ViT-B/32 and ViT-L/14 image encoder (random weights, training/make_vit_onnx.py) in
 *   the same onnxruntime-node, same threads, on frames of the episode at 224²: per-frame cost
 *   from a fixed sample, extrapolated to the spans' frame count (lib/vit.ts);
 * - fpcalc (chromaprint) over the same spans (audio piped from ffmpeg: fpcalc cannot seek)
 *   (lib/fpcalc.ts).
 * lib/measureDetect.ts runs them; lib/detectReport.ts prints the tables.
 */
import { performance } from 'node:perf_hooks';
import { detectSpans } from '../src/fusion/detectEpisode.js';
import { defaultModelDir, loadModelConfig, type Mode } from '../src/fusion/modelConfig.js';
import { probe } from '../src/streams/probe.js';
import { takeFlag, takeSwitch } from './lib/argv.js';
import {
  reportEpisode,
  reportEpisodeHead,
  reportHeader,
  reportVariants,
} from './lib/detectReport.js';
import { benchEpisodes, smokeEpisode, type BenchEpisode } from './lib/episodes.js';
import { f1 } from './lib/format.js';
import { measureEpisode, measureVariants } from './lib/measureDetect.js';
import { vitCosts } from './lib/vit.js';

const argv = process.argv.slice(2);
const variantsOnly = takeSwitch(argv, 'variants-only');
const variants = takeSwitch(argv, 'variants') || variantsOnly;
const noVit = takeSwitch(argv, 'no-vit');
const smoke = takeSwitch(argv, 'smoke');
const repeat = Number(takeFlag(argv, 'repeat') ?? 1);
const modes = (takeFlag(argv, 'modes') ?? 'fused,vision').split(',') as Mode[];
const started = performance.now();
const episodes: BenchEpisode[] = argv.length
  ? argv.map((file) => ({ name: file, file }))
  : smoke
    ? [smokeEpisode()]
    : await benchEpisodes();

const cfg = loadModelConfig(defaultModelDir('fused'));
reportHeader();

// The seeds' encoders: per-frame cost on real frames of the first episode, at 224².
const vit = variantsOnly || noVit ? null : await vitCosts(episodes[0]!.file);

for (const ep of episodes) {
  const info = await probe(ep.file);
  const plan = detectSpans(info.duration ?? 0, cfg.decision.intro.span, cfg.decision.credits.span);
  const mediaS = plan.spans.reduce((n, s) => n + s.to - s.from, 0);
  reportEpisodeHead(ep, info, { ...plan, mediaS });
  if (!variantsOnly) {
    reportEpisode(await measureEpisode(ep, info, plan.spans, modes, repeat), mediaS, vit, repeat);
  }
  if (variants) reportVariants(await measureVariants(ep, info, plan.spans, repeat), mediaS, repeat);
}
console.log(`bench took ${f1((performance.now() - started) / 1000)} s`);
