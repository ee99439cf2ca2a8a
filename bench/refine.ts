/**
 * Boundaries to the frame (`detect --refine`), measured where the truth lies between whole
 * seconds:
 *
 *   tsx bench/refine.ts --labels .cache/corpus24/labels.json [--split test] [--out DIR]
 *       [--models DIR] [--seed 1]
 *
 * The corpus places every part on whole seconds, where a 1-s decision can be exact. So each
 * episode of the split is copied once (into DIR, default `<labels' folder>-shifted`; resumable)
 * with a lead-in of k/25 s of black and silence (k drawn from 1..24 by the seed), re-encoded at
 * a constant 25 fps (H.264 + AAC in MP4), and its labels moved by the same k/25 s. Then
 * `compareModes` runs fused detection with the series step on the copies (once: kept in
 * DIR/found) and the results are scored as detected and as refined (`refineResult`, with
 * `--centre KIND=S,…` and `--reach S` when given), side by side. `--episodes` prints every
 * boundary: label, found, refined.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { execa } from 'execa';
import { compareModes, type ModeRun } from '../src/compare/compareModes.js';
import { formatComparison } from '../src/compare/formatComparison.js';
import { computeMetrics } from '../src/eval/metrics.js';
import type { EpisodePrediction } from '../src/eval/predictionTypes.js';
import type { DetectionResult } from '../src/fusion/detectionResult.js';
import { mediaPathOf } from '../src/features/featurizeLabelled.js';
import { parseTime } from '../src/labels/parseTime.js';
import { readLabels } from '../src/labels/readLabels.js';
import { selectSplit } from '../src/labels/selectSplit.js';
import { refineResult, type RefineOptions } from '../src/refine/refineResult.js';
import { locateFfmpeg } from '../src/streams/locateFfmpeg.js';
import { flagValue } from './lib/argv.js';

const args = process.argv.slice(2);
const flag = (name: string, fallback: string) => flagValue(args, name, fallback);
const labelsFile = flag('labels', '.cache/corpus24/labels.json');
const split = flag('split', 'test');
const out = resolve(flag('out', `${dirname(labelsFile)}-shifted`));
const models = flag('models', 'models/fused');
const seed = Number(flag('seed', '1'));
const FPS = 25;

if (!existsSync(labelsFile)) {
  console.error(`${labelsFile} not found: build a corpus first (introdetect corpus).`);
  process.exit(2);
}

/** A small deterministic generator (mulberry32), so the shifts are fixed by the seed. */
function rng(s: number): () => number {
  let a = s >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Every time field of one labels.json entry moved by `shift` seconds (numbers out). */
function shifted(entry: Record<string, unknown>, shift: number, at: (v: unknown) => number) {
  const move = (v: unknown) => (v === null || v === undefined ? v : at(v) + shift);
  const copy: Record<string, unknown> = { ...entry };
  for (const k of ['start', 'end', 'credits_start', 'credits_end']) {
    if (k in copy && copy[k] !== '' && copy[k] !== null) copy[k] = move(copy[k]);
  }
  if (Array.isArray(copy.parts)) {
    copy.parts = (copy.parts as Array<Record<string, unknown>>).map((p) => ({
      ...p,
      start: move(p.start),
      end: move(p.end),
    }));
  }
  if (typeof copy.duration === 'number') copy.duration += shift;
  return copy;
}

const { labels } = await readLabels(labelsFile);
const chosen = selectSplit(labels, split);
const raw = JSON.parse(await readFile(labelsFile, 'utf8')) as Record<
  string,
  Record<string, unknown>
>;
const { ffmpeg } = locateFfmpeg();
const draw = rng(seed);
const outLabels: Record<string, Record<string, unknown>> = {};
await mkdir(out, { recursive: true });
for (const label of chosen) {
  const k = 1 + Math.floor(draw() * (FPS - 1));
  const shift = k / FPS;
  const source = mediaPathOf(label, dirname(labelsFile));
  if (!source) throw new Error(`${label.id}: no media file next to ${labelsFile}`);
  const file = `${label.id}.mp4`;
  const target = join(out, file);
  if (!existsSync(target)) {
    const partial = `${target}.partial.mp4`;
    await execa(ffmpeg, [
      ...['-hide_banner', '-nostdin', '-loglevel', 'error', '-y', '-i', source],
      ...['-vf', `fps=${FPS},tpad=start=${k}:color=black`],
      ...['-af', `adelay=delays=${Math.round(shift * 1000)}:all=1`],
      ...['-c:v', 'libx264', '-preset', 'veryfast', '-crf', '20', '-g', String(2 * FPS)],
      ...['-c:a', 'aac', '-b:a', '128k', partial],
    ]);
    await rename(partial, target);
  }
  outLabels[label.id] = {
    ...shifted(raw[label.id]!, shift, (v) => parseTime(v, label.id)),
    file,
  };
  console.log(`${label.id}: +${shift.toFixed(2)} s (${k} frames)`);
}
await writeFile(join(out, 'labels.json'), `${JSON.stringify(outLabels, null, 2)}\n`);

const truth = (await readLabels(join(out, 'labels.json'))).labels;
// The detections (fused, series step) once: kept in DIR/found, reused by later runs.
const foundDir = join(out, 'found');
let found: EpisodePrediction[];
if (truth.every((l) => existsSync(join(foundDir, `${l.id}.json`)))) {
  found = await Promise.all(
    truth.map(
      async (l) =>
        JSON.parse(await readFile(join(foundDir, `${l.id}.json`), 'utf8')) as EpisodePrediction,
    ),
  );
} else {
  const [run] = await compareModes(truth, {
    mediaDir: out,
    modes: ['fused'],
    modelDirs: { fused: models },
    passes: [1],
    onEvent: (e) => {
      if (e.type === 'failed') console.error(`${e.id}: ${e.error}`);
    },
    onWarning: () => {},
  });
  found = run!.predictions;
  await mkdir(foundDir, { recursive: true });
  for (const p of found) await writeFile(join(foundDir, `${p.id}.json`), JSON.stringify(p));
}
// `--centre intro.start=0,credits.start=0.5 --reach 1`: refineResult's options.
const centres = Object.fromEntries(
  flag('centre', '')
    .split(',')
    .filter(Boolean)
    .map((kv) => {
      const [k, v] = kv.split('=');
      return [k!, Number(v)];
    }),
) as RefineOptions['centres'];
const reach = Number(flag('reach', '1'));
const cues = new Map<string, number>();
const refined: EpisodePrediction[] = [];
const t0 = performance.now();
for (const p of found) {
  const { result, boundaries } = await refineResult(p as DetectionResult, { centres, reach });
  for (const b of boundaries) cues.set(b.cue, (cues.get(b.cue) ?? 0) + 1);
  refined.push({ ...result, id: p.id, segments: result.segments ?? [] });
}
const refineSeconds = (performance.now() - t0) / 1000;
const boundaryCount = [...cues.values()].reduce((a, b) => a + b, 0);
const runOf = (label: string, predictions: EpisodePrediction[]): ModeRun => ({
  mode: 'fused',
  label,
  metrics: computeMetrics(truth, predictions),
  mediaSeconds: 0,
  wallSeconds: 0,
  failures: [],
  predictions,
});
const runs = [runOf('fused', found), runOf('fused refined', refined)];
if (args.includes('--episodes')) {
  // Each boundary: the label, as detected, as refined.
  const at = (v: number | null | undefined) => (v === null || v === undefined ? '–' : v.toFixed(2));
  for (const [i, p] of found.entries()) {
    const l = truth.find((e) => e.id === p.id)!;
    const r = refined[i]!;
    const row = (kind: 'intro' | 'credits') =>
      `${kind} ${at(l[kind]?.start)}–${at(l[kind]?.end)} found ${at(p[kind]?.start)}–${at(p[kind]?.end)} refined ${at(r[kind]?.start)}–${at(r[kind]?.end)}`;
    console.log(`${p.id}\t${row('intro')}\t${row('credits')}`);
  }
}
console.log(
  `\n${chosen.length} episodes of ${labelsFile} (${split}), each shifted by k/25 s; refined with reach ${reach} s, centres ${JSON.stringify(centres)}; cues: ${[...cues].map(([c, n]) => `${c} ${n}`).join(', ')}; ${(refineSeconds / boundaryCount).toFixed(2)} s wall per boundary\n`,
);
console.log(formatComparison(runs).replace(/\n.*speed.*$/m, ''));
