/** The detect bench's printed report: its header, each episode's tables, the variants table. */
import { execFileSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { cpus } from 'node:os';
import type { Span } from '../../src/fusion/detectEpisode.js';
import type { MediaInfo } from '../../src/streams/probe.js';
import { frameDiff } from './decodeStream.js';
import type { ChildReport } from './detectInChild.js';
import type { BenchEpisode } from './episodes.js';
import { f1, f2, pct, table } from './format.js';
import type { EpisodeMeasures, ModeResult, VariantMeasure } from './measureDetect.js';
import { decoderArgs, DEFAULT_SETUP, THREADS } from './setups.js';
import { VIT_SAMPLE, type VitCosts } from './vit.js';

/** What detect searches and decodes in an episode (detectSpans), and the seconds decoded. */
export interface EpisodePlan {
  intro: Span;
  credits: Span;
  spans: Span[];
  mediaS: number;
}

export function reportHeader(): void {
  const ffmpeg = execFileSync('ffmpeg', ['-version']).toString().split(' ')[2];
  console.log(
    `# introdetect detect bench — ${cpus().length} cores (${cpus()[0]?.model ?? '?'}), ` +
      `Node ${process.version}, ffmpeg ${ffmpeg}, ` +
      `onnxruntime-node ${THREADS} intra-op threads\n`,
  );
}

export function reportEpisodeHead(ep: BenchEpisode, info: MediaInfo, plan: EpisodePlan): void {
  const { intro, credits, spans, mediaS } = plan;
  const size = (statSync(ep.file).size / 2 ** 20).toFixed(0);
  console.log(`## ${ep.name}: ${ep.file}`);
  console.log(
    `${f1(info.duration ?? 0)} s, ${info.video?.codec} ${info.video?.width}×${info.video?.height}, ` +
      `audio ${info.audio?.codec ?? 'none'}, ${size} MiB; searched: intro ${intro.from}–${intro.to} s, ` +
      `credits ${credits.from}–${credits.to} s; decoded spans (with 30 s context) ` +
      `${spans.map((s) => `${s.from}–${s.to}`).join(', ')} = ${mediaS} s` +
      (ep.labels
        ? `; labels: intro ${ep.labels.intro?.join('–') ?? 'none'}, credits ${ep.labels.credits?.join('–') ?? 'none'}`
        : '') +
      '\n',
  );
}

/**
 * The main tables for one episode: every measurement, ratios, the time split, and a line per
 * mode. `vit` null: the encoders were not measured (`--no-vit`).
 */
export function reportEpisode(
  m: EpisodeMeasures,
  mediaS: number,
  vit: VitCosts | null,
  repeat: number,
): void {
  const { results, fp } = m;
  console.log(`Times: best of ${repeat} round(s); peak RSS: the largest.\n`);

  // Main table: each row's wall time, speed, RSS, and detect's wall time over it.
  const head = ['what (same spans)', 'wall s', 'media s / wall s', 'peak RSS MiB'];
  for (const r of results) head.push(`detect ${r.mode} ÷ this`);
  const rows: Array<Array<string | number>> = [];
  const ratioCells = (seconds: number) =>
    results.map((r) => `${f2(r.detect.wallMs / 1000 / seconds)}×`);
  const row = (name: string, seconds: number, rss: string) =>
    rows.push([name, f1(seconds), f1(mediaS / seconds), rss, ...ratioCells(seconds)]);
  const blank = (name: string, why: string) =>
    rows.push([name, why, '', '', ...results.map(() => '')]);
  for (const r of results) {
    const what = r.mode === 'fused' ? 'video + audio' : 'video only';
    row(`ffmpeg -f null, ${what} (decode limit)`, r.ffmpegNull.seconds, f1(r.ffmpegNull.peakMiB));
    const opts = decoderArgs(DEFAULT_SETUP).join(' ');
    if (opts) {
      row(
        `ffmpeg -f null ${opts}, ${what} (detect's decoder)`,
        r.nullDetect.seconds,
        f1(r.nullDetect.peakMiB),
      );
    }
    row(
      `ffmpeg, detect's args (fps=1, 64², 16 kHz), ${what} → /dev/null`,
      r.ffmpegFilters.seconds,
      f1(r.ffmpegFilters.peakMiB),
    );
    row(`our decode stream alone, ${what} (no features)`, r.decodeStreamS, '–');
    row('ffmpeg -f null, keyframes only (video)', r.keyframes.seconds, f1(r.keyframes.peakMiB));
    if (r.audioOnly)
      row('ffmpeg -f null, audio only', r.audioOnly.seconds, f1(r.audioOnly.peakMiB));
  }
  for (const r of results) {
    const rss = (d: ChildReport & { nodeMiB: number; ffmpegMiB: number }) =>
      `${f1(d.nodeMiB)} node + ${f1(d.ffmpegMiB)} ffmpeg`;
    row(`detect ${r.mode}, one pass (--passes 1)`, r.detect1.wallMs / 1000, rss(r.detect1));
    row(
      `**detect ${r.mode}** (${passesOf(r.detect)}; model preloaded; load ${f2(r.detect.loadMs / 1000)} s)`,
      r.detect.wallMs / 1000,
      rss(r.detect),
    );
  }
  for (const arch of ['b32', 'l14'] as const) {
    const name = `CLIP ViT-${arch === 'b32' ? 'B/32' : 'L/14'} encoder`;
    if (vit) {
      row(
        `${name}, ${mediaS} frames at 224² (est. from ${VIT_SAMPLE[arch]})`,
        vit[arch] * mediaS,
        '–',
      );
    } else blank(name, 'skipped (--no-vit)');
  }
  if (fp) row('fpcalc (chromaprint), audio piped from ffmpeg', fp.seconds, f1(fp.peakMiB));
  else blank('fpcalc (chromaprint)', 'not installed');
  table(head, rows);

  // Where detect's time went.
  const split: Array<[string, string, (r: ModeResult) => number]> = [
    ['decode (our stream alone, isolated run)', 'ffmpeg + main', (r) => r.decodeStreamS * 1000],
    ['features: log-mel', 'main', (r) => r.detect.timings.melMs],
    ['features: frame tensors', 'worker', (r) => r.detect.timings.frameTensorMs],
    ['vision encoder', 'worker', (r) => r.detect.timings.visionEncoderMs],
    ['audio encoder', 'worker', (r) => r.detect.timings.audioEncoderMs],
    ['sequence model (BiLSTM)', 'worker', (r) => r.detect.timings.sequenceMs],
    ['clustering (DBSCAN + interval)', 'main', (r) => r.detect.timings.clusteringMs],
    ['detect wall (all of it, overlapped)', '', (r) => r.detect.wallMs],
  ];
  table(
    ['stage', 'thread', ...results.flatMap((r) => [`${r.mode} s`, `% of wall`])],
    split.map(([name, thread, get]) => [
      name,
      thread,
      ...results.flatMap((r) => [f2(get(r) / 1000), pct(get(r), r.detect.wallMs)]),
    ]),
  );
  for (const r of results) {
    const wall = r.detect.wallMs / 1000;
    const speedup = r.ffmpegNull.seconds / wall;
    const realTime = mediaS / wall;
    console.log(
      `detect ${r.mode} (${passesOf(r.detect)}): ${f1(realTime)} media s / wall s ` +
        `(goal ≥ 200: ${realTime >= 200 ? 'met' : 'not met'}); ${f2(speedup)}× faster than ffmpeg's plain decode ` +
        `of the same spans (goal ≥ 5×: ${speedup >= 5 ? 'met' : 'not met'}); ` +
        `${f2(r.detect1.wallMs / r.detect.wallMs)}× faster than one pass; ` +
        `peak RSS ${f1(r.detect.nodeMiB + r.detect.ffmpegMiB)} vs ${f1(r.detect1.nodeMiB + r.detect1.ffmpegMiB)} MiB one pass; ` +
        `found intro ${found(r.detect.intro)}, credits ${found(r.detect.credits)} ` +
        `(one pass: ${found(r.detect1.intro)}, ${found(r.detect1.credits)})`,
    );
  }
  console.log();
}

const found = (x: ChildReport['intro']) => (x ? `${x.start}–${x.end}` : 'none');

/** How a detect run decoded: its passes, the exact stretches, or why it fell back to one. */
function passesOf(d: ChildReport): string {
  const t = d.timings;
  if (t.passes === 1) return t.fallback ? `one pass: ${t.fallback}` : 'one pass';
  const exact = t.exact.reduce((n, w) => n + w.to - w.from, 0);
  return `two passes, ${exact} s exact in ${t.exact.length} window(s)`;
}

/** The variants side by side (fused), each against the first (the default). */
export function reportVariants(variants: VariantMeasure[], mediaS: number, repeat: number): void {
  const base = variants[0]!;
  const rows = variants.map(({ setup, nullS, detectS, frames, d }) => {
    const diff = frameDiff(base.frames, frames);
    const dp = Math.max(0, ...d.probs.map((p, j) => Math.abs(p - (base.d.probs[j] ?? p))));
    return [
      setup.name,
      f1(nullS),
      f1(detectS),
      f1(mediaS / detectS),
      `${(100 * (1 - detectS / base.detectS)).toFixed(0)} %`,
      `${diff.mean.toFixed(2)} / ${diff.max}`,
      dp.toFixed(3),
      `${found(d.intro)}, ${found(d.credits)}`,
    ];
  });
  console.log(
    `Variants (fused, same spans; times: best of ${repeat}, variants interleaved; Δ against the default):\n`,
  );
  table(
    [
      'setup',
      'ffmpeg -f null (video + audio) s',
      'detect s',
      'media s / wall s',
      'detect gain',
      'frames Δ mean / max (0–255)',
      'max Δp (abs)',
      'intro, credits',
    ],
    rows,
  );
}
