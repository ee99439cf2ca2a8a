/**
 * Recaps and previews found by the series step, scored on a labelled corpus whose
 * manifest.json lists each episode's parts (`introdetect corpus`): presence precision and
 * recall, and the share with both boundaries within ±2 s, with the intro and credits figures
 * of the same run next to those of the series step without recaps and previews (nothing may
 * regress). Reads the prints `scripts/recap-prints.ts` wrote (detection is run once there);
 * the series step runs here, once per setting of `--grid`.
 *
 *   npx tsx scripts/recap-measure.ts --corpus .cache/corpus-train5 \
 *     --prints .cache/recap-prints/corpus-train5 [--models models/fused] \
 *     [--grid '{"partVideoMin":[0.85,0.9]}'] [--picture grey16|grey32|rgb16] [--verbose]
 *
 * Several `--corpus`/`--prints` pairs (in order) pool their episodes.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { computeMetrics, type KindMetrics } from '../src/eval/metrics.js';
import type { DetectionResult } from '../src/fusion/detectionResult.js';
import { loadModelConfig } from '../src/fusion/modelConfig.js';
import { readLabels } from '../src/labels/readLabels.js';
import type { EpisodeLabel } from '../src/labels/types.js';
import { printedOf } from '../src/series/detectPrinted.js';
import { SERIES_PARAMS, seriesConfigOf, type SeriesConfig } from '../src/series/seriesConfig.js';
import { refineSeries, type PrintedEpisode } from '../src/series/seriesJoiner.js';
import { decodeFrames, decodePrints } from './recap-prints-file.js';

const { values } = parseArgs({
  options: {
    corpus: { type: 'string', multiple: true },
    prints: { type: 'string', multiple: true },
    models: { type: 'string' },
    grid: { type: 'string' },
    picture: { type: 'string' },
    verbose: { type: 'boolean' },
  },
});
const corpora = values.corpus ?? [];
const printDirs = values.prints ?? [];
if (corpora.length === 0 || corpora.length !== printDirs.length)
  throw new Error('give --corpus DIR --prints DIR pairs');

type Kind = 'recap' | 'preview';
const KINDS: readonly Kind[] = ['recap', 'preview'];
interface Truth {
  recap?: { start: number; end: number };
  preview?: { start: number; end: number };
}

const labels: EpisodeLabel[] = [];
const truth = new Map<string, Truth>();
const seasons: Array<Array<PrintedEpisode & { id: string }>> = [];
for (const [k, corpus] of corpora.entries()) {
  const tag = corpora.length > 1 ? `${k}:` : '';
  const { labels: own } = await readLabels(join(corpus, 'labels.json'));
  const manifest = JSON.parse(readFileSync(join(corpus, 'manifest.json'), 'utf8')) as {
    episodes: Array<{ id: string; parts: Array<{ kind: string; start: number; end: number }> }>;
  };
  // The labels' parts when they list them (`parts: 'all'` corpora), else the manifest's.
  for (const ep of manifest.episodes) {
    const t: Truth = {};
    for (const p of ep.parts)
      if (p.kind === 'recap' || p.kind === 'preview') t[p.kind] = { start: p.start, end: p.end };
    truth.set(tag + ep.id, t);
  }
  for (const label of own) {
    if (!label.parts) continue;
    const t: Truth = {};
    for (const p of label.parts)
      if (p.type === 'recap' || p.type === 'preview') t[p.type] = { start: p.start, end: p.end };
    truth.set(tag + label.id, t);
  }
  const bySeries = new Map<string, Array<PrintedEpisode & { id: string }>>();
  for (const label of own) {
    const path = join(printDirs[k]!, `${label.id}.prints`);
    if (!existsSync(path)) continue;
    const { result, seconds } = decodePrints(path);
    const id = tag + label.id;
    labels.push({ ...label, id });
    const season = bySeries.get(label.series ?? '') ?? [];
    const printed = printedOf({ ...result, id }, seconds);
    if (values.picture && values.picture !== 'grey16') {
      const { size, frames } = decodeFrames(`${path}.frames`);
      const pictures = new Map<number, Float32Array>();
      for (const [t, f] of frames) pictures.set(t, picturePrint(values.picture, f, size));
      printed.pictures = pictures;
    }
    season.push({ ...printed, id });
    bySeries.set(label.series ?? '', season);
  }
  seasons.push(...bySeries.values());
}

const base = seriesConfigOf(loadModelConfig(values.models ?? 'models/fused'));
const grid = JSON.parse(values.grid ?? '{}') as Partial<Record<string, number[]>>;
for (const key of Object.keys(grid))
  if (!(SERIES_PARAMS as readonly string[]).includes(key)) throw new Error(`unknown key ${key}`);
let settings: SeriesConfig[] = [base];
for (const [key, vs] of Object.entries(grid))
  settings = settings.flatMap((c) => vs!.map((v) => ({ ...c, [key]: v })));

const run = (config: SeriesConfig, pictures: boolean): Array<DetectionResult & { id: string }> =>
  seasons.flatMap((season) =>
    refineSeries(
      season.map((e) => (pictures ? e : { result: e.result, prints: e.prints })),
      {},
      config,
    ).map((r, k) => ({ ...r, id: season[k]!.id })),
  );

const fmt = (x: number | null | undefined) => (x == null ? '  -  ' : x.toFixed(3));
const kindLine = (m: KindMetrics) =>
  `F1 ${fmt(m.perSecond.f1)} ±1s ${m.within1s.hits}/${m.within1s.of} presence P ${fmt(m.presence.precision)} R ${fmt(m.presence.recall)}`;

const t00 = performance.now();
const alone = run(base, false);
const msBefore = (performance.now() - t00) / alone.length;
const before = computeMetrics(labels, alone);
console.log(
  `${labels.length} episodes, ${seasons.length} series; recaps ${[...truth.values()].filter((t) => t.recap).length}, previews ${[...truth.values()].filter((t) => t.preview).length} in the manifests (with prints: ${labels.filter((l) => truth.get(l.id)?.recap).length} / ${labels.filter((l) => truth.get(l.id)?.preview).length})`,
);
console.log(
  `without parts  intro ${kindLine(before.intro)}  credits ${kindLine(before.credits)}  (series step ${msBefore.toFixed(0)} ms an episode)`,
);

for (const config of settings) {
  const t0 = performance.now();
  const results = run(config, true);
  const ms = performance.now() - t0;
  const after = computeMetrics(labels, results);
  const changed = Object.keys(grid)
    .map((k) => `${k}=${JSON.stringify(config[k as keyof SeriesConfig])}`)
    .join(' ');
  const lines: string[] = [];
  const scores = KINDS.map((kind) => {
    let tp = 0;
    let fp = 0;
    let fn = 0;
    let within = 0;
    for (const r of results) {
      const want = truth.get(r.id)?.[kind];
      const got = r.segments?.find((s) => s.type === kind);
      if (got && want) {
        tp++;
        const ok = Math.abs(got.start - want.start) <= 2 && Math.abs(got.end - want.end) <= 2;
        if (ok) within++;
        if (!ok || values.verbose)
          lines.push(
            `  ${kind} ${r.id}: ${got.start}-${got.end} (${got.confidence}) truth ${want.start}-${want.end}${ok ? '' : '  OFF'}`,
          );
      } else if (got) {
        fp++;
        lines.push(`  ${kind} ${r.id}: ${got.start}-${got.end} (${got.confidence}) truth none  FP`);
      } else if (want) {
        fn++;
        lines.push(`  ${kind} ${r.id}: none, truth ${want.start}-${want.end}  MISSED`);
      }
    }
    const p = tp + fp > 0 ? tp / (tp + fp) : null;
    const rc = tp + fn > 0 ? tp / (tp + fn) : null;
    return `${kind} P ${fmt(p)} R ${fmt(rc)} ±2s ${within}/${tp + fn}`;
  });
  console.log(
    `${changed || 'model'}  ${scores.join('  ')}  (series step ${(ms / results.length).toFixed(0)} ms an episode)`,
  );
  console.log(`  intro ${kindLine(after.intro)}  credits ${kindLine(after.credits)}`);
  if (settings.length === 1 || values.verbose) for (const l of lines) console.log(l);
}

/** Another picture print of a frame, to try: grey at another grid, or colour. */
function picturePrint(kind: string, rgb: Uint8Array, size: number): Float32Array {
  const grid = kind === 'grey32' ? 32 : 16;
  const channels = kind === 'rgb16' ? 3 : 1;
  const out = new Float32Array(grid * grid * channels);
  const count = new Float32Array(grid * grid);
  for (let y = 0; y < size; y++) {
    const gy = Math.floor((y * grid) / size);
    for (let x = 0; x < size; x++) {
      const cell = gy * grid + Math.floor((x * grid) / size);
      const p = (y * size + x) * 3;
      count[cell]! += 1;
      if (channels === 1) out[cell]! += 0.299 * rgb[p]! + 0.587 * rgb[p + 1]! + 0.114 * rgb[p + 2]!;
      else for (let c = 0; c < 3; c++) out[c * grid * grid + cell]! += rgb[p + c]!;
    }
  }
  for (let c = 0; c < channels; c++) {
    let mean = 0;
    for (let i = 0; i < grid * grid; i++) {
      const k = c * grid * grid + i;
      out[k] = out[k]! / Math.max(1, count[i]!);
      mean += out[k];
    }
    mean /= grid * grid;
    for (let i = 0; i < grid * grid; i++) out[c * grid * grid + i]! -= mean;
  }
  let norm = 0;
  for (const v of out) norm += v * v;
  norm = Math.sqrt(norm);
  if (norm > 1e-6) for (let i = 0; i < out.length; i++) out[i] = out[i]! / norm;
  else out.fill(0);
  return out;
}
