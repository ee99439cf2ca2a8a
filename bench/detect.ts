/**
 * Detect benchmark (not a test; issue 6): how close is `detect` to the decode limit, and what do
 * the seeds' encoders and an audio-fingerprint peer cost on the same spans?
 *
 *   npm run bench                          # the two corpus episodes, made once in .cache/bench
 *   npm run bench -- FILE...               # any files
 *   npm run bench -- --variants            # also: decoder options side by side (see VARIANTS)
 *   npm run bench -- --variants-only --repeat 3   # only those, best of 3
 *   npm run bench -- --modes fused         # one mode only
 *
 * Per episode and mode it measures, one after the other on an otherwise idle machine:
 * - ffmpeg alone decoding the spans detect decodes (`-f null`, the same -ss/-t), and ffmpeg with
 *   detect's filters (fps=1, scale to 64², 16 kHz mono) writing to /dev/null;
 * - our decode stream alone (frames + PCM consumed, no features): the "decode" share;
 * - `detectEpisode` in a child process (model loaded first, load reported apart): wall time,
 *   media-seconds per wall-second, peak RSS (node + worker, and its ffmpeg), and the per-stage
 *   times from its `onTimings` hook;
 * - a CLIP ViT-B/32 and ViT-L/14 image encoder (random weights, training/make_vit_onnx.py) in
 *   the same onnxruntime-node, same threads, on frames of the episode at 224²: per-frame cost
 *   from a fixed sample, extrapolated to the spans' frame count;
 * - fpcalc (chromaprint) over the same spans (audio piped from ffmpeg: fpcalc cannot seek).
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { lastValueFrom, tap, toArray } from 'rxjs';
import { benchEpisodes, CACHE, type BenchEpisode } from './episodes.js';
import {
  detectEpisode,
  detectSpans,
  type DetectTimings,
  type Span,
} from '../src/fusion/detectEpisode.js';
import { EpisodeModel } from '../src/fusion/episodeModel.js';
import { defaultModelDir, loadModelConfig, type Mode } from '../src/fusion/modelConfig.js';
import { OnnxSession } from '../src/fusion/onnxBackend.js';
import { decode, decodeArgs, DEFAULT_SKIP_LOOP_FILTER } from '../src/streams/decode.js';
import { probe, type MediaInfo } from '../src/streams/probe.js';
import { frameTensor } from '../src/vision/frameTensor.js';

const THREADS = 2; // detect's default intra-op threads
const VIT_SAMPLE = { b32: 160, l14: 32 } as const;
const VIT_BATCH = 16;

/**
 * How detect is run: the decoder's deblocking switch, other ffmpeg input options (before -i),
 * ONNX Runtime intra-op threads.
 */
interface Setup {
  name: string;
  skipLoopFilter: boolean;
  inputOptions: string[];
  threads: number;
}
const DEFAULT: Setup = {
  name: `default (skipLoopFilter ${DEFAULT_SKIP_LOOP_FILTER})`,
  skipLoopFilter: DEFAULT_SKIP_LOOP_FILTER,
  inputOptions: [],
  threads: THREADS,
};
/** ffmpeg input options of a setup, as detect's decoder passes them. */
const decoderArgs = (s: Setup) => [
  ...(s.skipLoopFilter ? ['-skip_loop_filter', 'all'] : []),
  ...s.inputOptions,
];

/** Compared side by side with `--variants` (fused mode), each against the first. */
const VARIANTS: readonly Setup[] = [
  DEFAULT,
  {
    ...DEFAULT,
    name: `skipLoopFilter ${!DEFAULT_SKIP_LOOP_FILTER}`,
    skipLoopFilter: !DEFAULT_SKIP_LOOP_FILTER,
  },
  { ...DEFAULT, name: 'decoder -threads 1', inputOptions: ['-threads', '1'] },
  { ...DEFAULT, name: 'decoder -threads 2', inputOptions: ['-threads', '2'] },
  { ...DEFAULT, name: 'ONNX Runtime intra-op threads 1', threads: 1 },
  // Not exact 1-fps sampling (a non-reference frame on screen at t is replaced by an earlier
  // one): measured to show what it would buy, not a candidate default.
  { ...DEFAULT, name: '-skip_frame noref', inputOptions: ['-skip_frame', 'noref'] },
];

// ---------------------------------------------------------------- child: one detect run

interface ChildReport {
  loadMs: number;
  wallMs: number;
  timings: DetectTimings;
  intro: { start: number; end: number } | null;
  credits: { start: number; end: number } | null;
  /** Intro then credits probabilities, to compare setups. */
  probs: number[];
}

async function child(mode: Mode, file: string, setup: Setup): Promise<void> {
  const { inputOptions, threads, skipLoopFilter } = setup;
  const t0 = performance.now();
  const model = await EpisodeModel.load(defaultModelDir(mode), { mode, intraOpThreads: threads });
  const loadMs = performance.now() - t0;
  let timings: DetectTimings | undefined;
  const t1 = performance.now();
  const r = await detectEpisode(file, {
    model,
    skipLoopFilter,
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

// ---------------------------------------------------------------- measuring processes

/** VmHWM (peak RSS, MiB) of a live process, 0 once it is gone. */
function vmHwm(pid: number): number {
  try {
    const m = /VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

function childrenOf(pid: number): number[] {
  const out: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) out.push(Number(name));
    } catch {
      /* exited */
    }
  }
  return out;
}

/** Polls the peak RSS of a process and of its children (their largest) until stopped. */
function watchRss(proc: ChildProcess): () => { selfMiB: number; childMiB: number } {
  const pid = proc.pid ?? 0;
  const peaks = { selfMiB: 0, childMiB: 0 };
  const tick = () => {
    peaks.selfMiB = Math.max(peaks.selfMiB, vmHwm(pid));
    for (const c of childrenOf(pid)) peaks.childMiB = Math.max(peaks.childMiB, vmHwm(c));
  };
  const timer = setInterval(tick, 100);
  return () => {
    clearInterval(timer);
    return peaks;
  };
}

interface Run {
  seconds: number;
  peakMiB: number;
  stdout: string;
}

/** Runs a command to completion; wall seconds, its peak RSS, its stdout. */
async function timed(cmd: string, args: readonly string[], okCodes = [0]): Promise<Run> {
  const t0 = performance.now();
  const proc = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const stop = watchRss(proc);
  let stdout = '';
  let stderr = '';
  proc.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
  proc.stderr.on('data', (b: Buffer) => (stderr = (stderr + b.toString()).slice(-2000)));
  const code = await new Promise<number | null>((resolve) => proc.on('close', resolve));
  const seconds = (performance.now() - t0) / 1000;
  const { selfMiB } = stop();
  if (!okCodes.includes(code ?? -1)) throw new Error(`${cmd} exited ${code}: ${stderr}`);
  return { seconds, peakMiB: selfMiB, stdout };
}

/** Sums `f` over the spans (run one after the other). */
async function overSpans(spans: readonly Span[], f: (s: Span) => Promise<Run>): Promise<Run> {
  const total: Run = { seconds: 0, peakMiB: 0, stdout: '' };
  for (const s of spans) {
    const r = await f(s);
    total.seconds += r.seconds;
    total.peakMiB = Math.max(total.peakMiB, r.peakMiB);
  }
  return total;
}

const seekArgs = (s: Span) => [
  ...(s.from > 0 ? ['-ss', s.from.toFixed(3)] : []),
  '-t',
  (s.to - s.from).toFixed(3),
];
const QUIET = ['-hide_banner', '-loglevel', 'error', '-nostdin'];

/** 1. ffmpeg alone: decode the streams detect uses, discard the frames. */
function ffmpegNull(file: string, s: Span, audio: boolean, inputOptions: string[]): Promise<Run> {
  return timed('ffmpeg', [
    ...QUIET,
    ...seekArgs(s),
    ...inputOptions,
    ...['-i', file, '-map', '0:v:0', ...(audio ? ['-map', '0:a:0'] : []), '-f', 'null', '-'],
  ]);
}

/** ffmpeg with detect's own arguments (filters included), outputs to /dev/null. */
function ffmpegDetectArgs(file: string, s: Span, audio: boolean, setup: Setup): Promise<Run> {
  const args = decodeArgs(file, {
    frameSize: 64,
    video: true,
    audio,
    from: s.from,
    to: s.to,
    optionalMaps: false,
    readTimeoutMs: 30_000,
    skipLoopFilter: setup.skipLoopFilter,
    inputOptions: setup.inputOptions,
  }).map((a) => (a === 'pipe:1' || a === 'pipe:3' ? '/dev/null' : a));
  return timed('ffmpeg', ['-y', ...args]);
}

/**
 * Our decode stream alone over the spans (frames + PCM events consumed, no features): wall
 * seconds, and the frames when `keep` (to compare decoder options).
 */
async function decodeStream(
  file: string,
  spans: readonly Span[],
  audio: boolean,
  info: MediaInfo,
  setup: Setup,
  keep = false,
): Promise<{ seconds: number; frames: Uint8Array[] }> {
  const { skipLoopFilter, inputOptions } = setup;
  const frames: Uint8Array[] = [];
  const t0 = performance.now();
  for (const s of spans) {
    await lastValueFrom(
      decode(file, {
        from: s.from,
        to: s.to,
        audio,
        frameSize: 64,
        info,
        skipLoopFilter,
        ...(inputOptions.length ? { inputOptions } : {}),
      }).pipe(tap((e) => keep && e.kind === 'frame' && frames.push(e.rgb))),
      { defaultValue: undefined },
    );
  }
  return { seconds: (performance.now() - t0) / 1000, frames };
}

/** Mean and max |a − b| over the bytes of two frame lists (0–255), over the common frames. */
function frameDiff(
  a: readonly Uint8Array[],
  b: readonly Uint8Array[],
): { mean: number; max: number } {
  let sum = 0;
  let n = 0;
  let max = 0;
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const x = a[i]!;
    const y = b[i]!;
    for (let j = 0; j < x.length; j++) {
      const d = Math.abs(x[j]! - y[j]!);
      sum += d;
      if (d > max) max = d;
    }
    n += x.length;
  }
  return { mean: n ? sum / n : 0, max };
}

/** `detectEpisode` in a fresh process: its report and the process tree's peak RSS. */
async function detectInChild(
  mode: Mode,
  file: string,
  setup: Setup,
): Promise<ChildReport & { nodeMiB: number; ffmpegMiB: number }> {
  const proc = spawn(
    process.execPath,
    [...process.execArgv, import.meta.filename, '--child', mode, file, JSON.stringify(setup)],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const stop = watchRss(proc);
  let stdout = '';
  proc.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
  const code = await new Promise<number | null>((resolve) => proc.on('close', resolve));
  const { selfMiB, childMiB } = stop();
  if (code !== 0) throw new Error(`detect child (${mode}) exited ${code}`);
  const report = JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as ChildReport;
  return { ...report, nodeMiB: selfMiB, ffmpegMiB: childMiB };
}

/** fpcalc over the spans: ffmpeg pipes the span's audio (fpcalc cannot seek) to `fpcalc -`. */
async function fpcalc(file: string, spans: readonly Span[]): Promise<Run | null> {
  try {
    execFileSync('fpcalc', ['-version'], { stdio: 'ignore' });
  } catch {
    return null;
  }
  return overSpans(spans, async (s) => {
    const t0 = performance.now();
    const dec = spawn(
      'ffmpeg',
      [
        ...QUIET,
        ...seekArgs(s),
        '-i',
        file,
        '-map',
        '0:a:0',
        '-ac',
        '1',
        '-ar',
        '11025',
        '-f',
        's16le',
        '-',
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    const fp = spawn(
      'fpcalc',
      [
        '-format',
        's16le',
        '-rate',
        '11025',
        '-channels',
        '1',
        '-length',
        String(s.to - s.from),
        '-raw',
        '-',
      ],
      { stdio: ['pipe', 'pipe', 'ignore'] },
    );
    dec.stdout.pipe(fp.stdin);
    const stop = watchRss(fp);
    let out = '';
    fp.stdout.on('data', (b: Buffer) => (out += b.toString()));
    await Promise.all([
      new Promise((r) => dec.on('close', r)),
      new Promise((r) => fp.on('close', r)),
    ]);
    if (!/FINGERPRINT=\d/.test(out)) throw new Error('fpcalc printed no fingerprint');
    return { seconds: (performance.now() - t0) / 1000, peakMiB: stop().selfMiB, stdout: '' };
  });
}

/** Seconds per frame of a CLIP image encoder on `frames` (224² RGB), batches of VIT_BATCH. */
async function vitSecondsPerFrame(arch: 'b32' | 'l14', frames: Uint8Array[]): Promise<number> {
  const session = await OnnxSession.create(join(CACHE, `vit-${arch}.onnx`), {
    intraOpThreads: THREADS,
  });
  try {
    const batches: Float32Array[] = [];
    for (let i = 0; i < frames.length; i += VIT_BATCH)
      batches.push(frameTensor(frames.slice(i, i + VIT_BATCH), 224));
    const run = (data: Float32Array) =>
      session.run({ data, dims: [data.length / (3 * 224 * 224), 3, 224, 224] });
    await run(batches[0]!.subarray(0, 3 * 224 * 224 * 2)); // warm-up
    const t0 = performance.now();
    for (const b of batches) await run(b);
    return (performance.now() - t0) / 1000 / frames.length;
  } finally {
    await session.release();
  }
}

/** Seconds per frame of both encoders, on the first frames of `file` (1 fps, 224²). */
async function vitCosts(file: string): Promise<{ b32: number; l14: number }> {
  ensureVitModels();
  const n = Math.max(VIT_SAMPLE.b32, VIT_SAMPLE.l14);
  const events = await lastValueFrom(
    decode(file, { frameSize: 224, audio: false, to: n + 1 }).pipe(toArray()),
  );
  const frames = events.flatMap((e) => (e.kind === 'frame' ? [e.rgb] : []));
  return {
    b32: await vitSecondsPerFrame('b32', frames.slice(0, VIT_SAMPLE.b32)),
    l14: await vitSecondsPerFrame('l14', frames.slice(0, VIT_SAMPLE.l14)),
  };
}

function ensureVitModels(): void {
  if (existsSync(join(CACHE, 'vit-b32.onnx')) && existsSync(join(CACHE, 'vit-l14.onnx'))) return;
  process.stderr.write('bench: exporting the CLIP ViT encoders (random weights, once)…\n');
  execFileSync('/usr/bin/python3', ['training/make_vit_onnx.py', '--out', CACHE], {
    stdio: 'inherit',
    cwd: join(import.meta.dirname, '..'),
  });
}

// ---------------------------------------------------------------- report

const f1 = (x: number) => x.toFixed(1);
const f2 = (x: number) => x.toFixed(2);
const pct = (x: number, of: number) => `${((100 * x) / of).toFixed(0)} %`;

function table(head: string[], rows: Array<Array<string | number>>): void {
  console.log(`| ${head.join(' | ')} |`);
  console.log(`| ${head.map((_, i) => (i === 0 ? '---' : '---:')).join(' | ')} |`);
  for (const r of rows) console.log(`| ${r.join(' | ')} |`);
  console.log();
}

interface ModeResult {
  mode: Mode;
  ffmpegNull: Run;
  /** ffmpeg -f null with detect's decoder options (DEFAULT). */
  nullDetect: Run;
  ffmpegFilters: Run;
  decodeStreamS: number;
  detect: Awaited<ReturnType<typeof detectInChild>>;
}

async function benchMode(
  ep: BenchEpisode,
  info: MediaInfo,
  mode: Mode,
  spans: Span[],
): Promise<ModeResult> {
  const audio = mode === 'fused';
  const null_ = await overSpans(spans, (s) => ffmpegNull(ep.file, s, audio, []));
  const nullDetect = await overSpans(spans, (s) =>
    ffmpegNull(ep.file, s, audio, decoderArgs(DEFAULT)),
  );
  const filters = await overSpans(spans, (s) => ffmpegDetectArgs(ep.file, s, audio, DEFAULT));
  const decodeStreamS = (await decodeStream(ep.file, spans, audio, info, DEFAULT)).seconds;
  const detect = await detectInChild(mode, ep.file, DEFAULT);
  return { mode, ffmpegNull: null_, nullDetect, ffmpegFilters: filters, decodeStreamS, detect };
}

/** Best of two measurements: each time the shorter, each peak RSS the larger. */
function best(a: ModeResult, b: ModeResult): ModeResult {
  const run = (x: Run, y: Run): Run => ({
    seconds: Math.min(x.seconds, y.seconds),
    peakMiB: Math.max(x.peakMiB, y.peakMiB),
    stdout: '',
  });
  const detect = a.detect.wallMs <= b.detect.wallMs ? a.detect : b.detect;
  return {
    mode: a.mode,
    ffmpegNull: run(a.ffmpegNull, b.ffmpegNull),
    nullDetect: run(a.nullDetect, b.nullDetect),
    ffmpegFilters: run(a.ffmpegFilters, b.ffmpegFilters),
    decodeStreamS: Math.min(a.decodeStreamS, b.decodeStreamS),
    detect: {
      ...detect,
      nodeMiB: Math.max(a.detect.nodeMiB, b.detect.nodeMiB),
      ffmpegMiB: Math.max(a.detect.ffmpegMiB, b.detect.ffmpegMiB),
    },
  };
}

/** The main tables for one episode: every measurement, ratios, the time split. */
async function benchEpisode(
  ep: BenchEpisode,
  info: MediaInfo,
  spans: Span[],
  mediaS: number,
  modes: readonly Mode[],
  vit: { b32: number; l14: number },
  repeat: number,
): Promise<void> {
  // Rounds, the modes interleaved in each: a machine whose speed drifts affects all alike.
  let results: ModeResult[] = [];
  let fp: Run | null = null;
  for (let round = 0; round < repeat; round++) {
    const now: ModeResult[] = [];
    for (const mode of modes) now.push(await benchMode(ep, info, mode, spans));
    results = round === 0 ? now : results.map((r, i) => best(r, now[i]!));
    const f = await fpcalc(ep.file, spans);
    fp = f && fp ? (f.seconds < fp.seconds ? f : fp) : f;
  }
  console.log(`Times: best of ${repeat} round(s); peak RSS: the largest.\n`);

  // Main table: each row's wall time, speed, RSS, and detect's wall time over it.
  const head = ['what (same spans)', 'wall s', 'media s / wall s', 'peak RSS MiB'];
  for (const r of results) head.push(`detect ${r.mode} ÷ this`);
  const rows: Array<Array<string | number>> = [];
  const ratioCells = (seconds: number) =>
    results.map((r) => `${f2(r.detect.wallMs / 1000 / seconds)}×`);
  const row = (name: string, seconds: number, rss: string) =>
    rows.push([name, f1(seconds), f1(mediaS / seconds), rss, ...ratioCells(seconds)]);
  for (const r of results) {
    const what = r.mode === 'fused' ? 'video + audio' : 'video only';
    row(`ffmpeg -f null, ${what} (decode limit)`, r.ffmpegNull.seconds, f1(r.ffmpegNull.peakMiB));
    const opts = decoderArgs(DEFAULT).join(' ');
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
  }
  for (const r of results) {
    row(
      `**detect ${r.mode}** (model preloaded; load ${f2(r.detect.loadMs / 1000)} s)`,
      r.detect.wallMs / 1000,
      `${f1(r.detect.nodeMiB)} node + ${f1(r.detect.ffmpegMiB)} ffmpeg`,
    );
  }
  row(
    `CLIP ViT-B/32 encoder, ${mediaS} frames at 224² (est. from ${VIT_SAMPLE.b32})`,
    vit.b32 * mediaS,
    '–',
  );
  row(
    `CLIP ViT-L/14 encoder, ${mediaS} frames at 224² (est. from ${VIT_SAMPLE.l14})`,
    vit.l14 * mediaS,
    '–',
  );
  if (fp) row('fpcalc (chromaprint), audio piped from ffmpeg', fp.seconds, f1(fp.peakMiB));
  else rows.push(['fpcalc (chromaprint)', 'not installed', '', '', ...results.map(() => '')]);
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
    const goal = r.detect.wallMs / 1000 / r.ffmpegNull.seconds;
    console.log(
      `detect ${r.mode}: ${f1(mediaS / (r.detect.wallMs / 1000))} media s / wall s; ` +
        `${f2(goal)}× ffmpeg's decode of the same spans (goal ≤ 1.2×: ${goal <= 1.2 ? 'met' : 'not met'}); ` +
        `found intro ${r.detect.intro ? `${r.detect.intro.start}–${r.detect.intro.end}` : 'none'}, ` +
        `credits ${r.detect.credits ? `${r.detect.credits.start}–${r.detect.credits.end}` : 'none'}`,
    );
  }
  console.log();
}

/**
 * The VARIANTS side by side (fused), each against the default: time (best of `repeat` rounds,
 * the variants interleaved), the decoded frames and the probabilities.
 */
async function benchVariants(
  ep: BenchEpisode,
  info: MediaInfo,
  spans: Span[],
  mediaS: number,
  repeat: number,
): Promise<void> {
  const bestOf = VARIANTS.map(() => ({ nullS: Infinity, detectS: Infinity }));
  const outputs: Array<{ frames: Uint8Array[]; d: ChildReport }> = [];
  for (let round = 0; round < repeat; round++) {
    for (const [i, v] of VARIANTS.entries()) {
      const n = await overSpans(spans, (s) => ffmpegNull(ep.file, s, true, decoderArgs(v)));
      // The decoded frames, once, to compare with the default's (not timed here).
      const st = round === 0 ? await decodeStream(ep.file, spans, true, info, v, true) : null;
      const d = await detectInChild('fused', ep.file, v);
      const b = bestOf[i]!;
      b.nullS = Math.min(b.nullS, n.seconds);
      b.detectS = Math.min(b.detectS, d.wallMs / 1000);
      if (st) outputs.push({ frames: st.frames, d });
    }
  }
  const base = { ...bestOf[0]!, ...outputs[0]! };
  const found = (x: ChildReport['intro']) => (x ? `${x.start}–${x.end}` : 'none');
  const rows = VARIANTS.map((v, i) => {
    const { nullS, detectS } = bestOf[i]!;
    const { frames, d } = outputs[i]!;
    const diff = frameDiff(base.frames, frames);
    const dp = Math.max(0, ...d.probs.map((p, j) => Math.abs(p - (base.d.probs[j] ?? p))));
    return [
      v.name,
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

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv[0] === '--child') {
    await child(argv[1] as Mode, argv[2]!, JSON.parse(argv[3] ?? '{}') as Setup);
    return;
  }
  const flag = (name: string) => {
    const i = argv.indexOf(name);
    if (i < 0) return undefined;
    const v = argv[i + 1];
    argv.splice(i, 2);
    return v;
  };
  const has = (name: string) => {
    const i = argv.indexOf(name);
    if (i >= 0) argv.splice(i, 1);
    return i >= 0;
  };
  const variantsOnly = has('--variants-only');
  const variants = has('--variants') || variantsOnly;
  const repeat = Number(flag('--repeat') ?? 1);
  const modes = (flag('--modes') ?? 'fused,vision').split(',') as Mode[];
  const started = performance.now();
  const episodes: BenchEpisode[] = argv.length
    ? argv.map((file) => ({ name: file, file }))
    : await benchEpisodes();

  const cfg = loadModelConfig(defaultModelDir('fused'));
  console.log(
    `# introdetect detect bench — ${cpus().length} cores (${cpus()[0]?.model ?? '?'}), ` +
      `Node ${process.version}, ffmpeg ${execFileSync('ffmpeg', ['-version']).toString().split(' ')[2]}, ` +
      `onnxruntime-node ${THREADS} intra-op threads\n`,
  );

  // The seeds' encoders: per-frame cost on real frames of the first episode, at 224².
  const vit = variantsOnly ? { b32: NaN, l14: NaN } : await vitCosts(episodes[0]!.file);

  for (const ep of episodes) {
    const info = await probe(ep.file);
    const duration = info.duration ?? 0;
    const { intro, credits, spans } = detectSpans(
      duration,
      cfg.decision.intro.span,
      cfg.decision.credits.span,
    );
    const mediaS = spans.reduce((n, s) => n + s.to - s.from, 0);
    const size = (Number(execFileSync('stat', ['-c', '%s', ep.file]).toString()) / 2 ** 20).toFixed(
      0,
    );
    console.log(`## ${ep.name}: ${ep.file}`);
    console.log(
      `${f1(duration)} s, ${info.video?.codec} ${info.video?.width}×${info.video?.height}, ` +
        `audio ${info.audio?.codec ?? 'none'}, ${size} MiB; searched: intro ${intro.from}–${intro.to} s, ` +
        `credits ${credits.from}–${credits.to} s; decoded spans (with 30 s context) ` +
        `${spans.map((s) => `${s.from}–${s.to}`).join(', ')} = ${mediaS} s` +
        (ep.labels
          ? `; labels: intro ${ep.labels.intro?.join('–') ?? 'none'}, credits ${ep.labels.credits?.join('–') ?? 'none'}`
          : '') +
        '\n',
    );

    if (!variantsOnly) await benchEpisode(ep, info, spans, mediaS, modes, vit, repeat);
    if (variants) await benchVariants(ep, info, spans, mediaS, repeat);
  }
  console.log(`bench took ${f1((performance.now() - started) / 1000)} s`);
}

await main();
