/**
 * GOP bench (not a test; issue 13): how the keyframe spacing of the input changes what two-pass
 * `detect` costs and finds. The 720p bench episode (`npm run bench` makes it; labels known) is
 * re-encoded once into .cache/bench/gop/ at 640×360 with:
 * - `long GOP 10 s`: H.264, a keyframe every 250 frames and none at scene cuts;
 * - `scene-cut GOP`: H.264 as x264 places keyframes by default (≤ 10 s, and at cuts);
 * - `short GOP 1 s`: H.264, a keyframe every 25 frames (broadcast-style);
 * - `intra-only`: H.264 with every frame a keyframe (two passes must fall back to one);
 * - `VP9 WebM`: Matroska cannot drop non-key packets and VP9 cannot skip them (fall back).
 * Per input: the share of frames a keyframes-only decode delivers (first 30 s, as detect checks
 * it), ffmpeg's plain decode of detect's spans, keyframes-only decode of them, detect with one
 * and with two passes (each in a fresh process, model preloaded), and what each found.
 *
 *   npm run bench:gop               # the bench episode
 *   npm run bench:gop -- FILE       # another source (its labels are then unknown)
 */
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { detectSpans } from '../src/fusion/detectEpisode.js';
import { defaultModelDir, loadModelConfig } from '../src/fusion/modelConfig.js';
import { checkKeyframes } from '../src/streams/keyframeCheck.js';
import { probe } from '../src/streams/probe.js';
import { detectInChild, type DetectRun } from './lib/detectInChild.js';
import { benchEpisodes, CACHE } from './lib/episodes.js';
import { QUIET } from './lib/ffmpegArgs.js';
import { ffmpegKeyframes, ffmpegNull } from './lib/ffmpegBaselines.js';
import { f1, f2, table } from './lib/format.js';
import { ONE_PASS, TWO_PASSES } from './lib/setups.js';
import { overSpans } from './lib/timed.js';

const H264 = ['-c:v', 'libx264', '-preset', 'veryfast', '-crf', '23', '-pix_fmt', 'yuv420p'];
const AAC = ['-c:a', 'aac', '-b:a', '96k'];
const SCALE = ['-vf', 'scale=640:360:flags=bicubic'];
const VARIANTS: Array<{ name: string; file: string; args: string[] }> = [
  {
    name: 'long GOP 10 s (no scene-cut keys)',
    file: 'gop10s.mp4',
    args: [...SCALE, ...H264, '-x264-params', 'keyint=250:min-keyint=250:scenecut=0', ...AAC],
  },
  { name: 'scene-cut GOP (x264 default)', file: 'scenecut.mp4', args: [...SCALE, ...H264, ...AAC] },
  {
    name: 'short GOP 1 s',
    file: 'gop1s.ts',
    args: [...SCALE, ...H264, '-x264-params', 'keyint=25:min-keyint=25:scenecut=0', ...AAC],
  },
  { name: 'intra-only', file: 'intra.mkv', args: [...SCALE, ...H264, '-g', '1', ...AAC] },
  {
    name: 'VP9 WebM',
    file: 'vp9.webm',
    args: [...SCALE, '-c:v', 'libvpx-vp9', '-deadline', 'realtime', '-cpu-used', '8', '-b:v', '1M'],
  },
];

const argv = process.argv.slice(2);
const source = argv[0] ?? (await benchEpisodes({ hevc: false }))[0]!;
const src = typeof source === 'string' ? { name: source, file: source } : source;
const dir = join(CACHE, 'gop');
mkdirSync(dir, { recursive: true });

const cfg = loadModelConfig(defaultModelDir('fused'));
const rows: Array<Array<string | number>> = [];
const found = (r: DetectRun) =>
  `${r.intro ? `${r.intro.start}–${r.intro.end}` : 'none'}; ${r.credits ? `${r.credits.start}–${r.credits.end}` : 'none'}`;
console.log(`# GOP bench — source ${src.file}`);
if ('labels' in src && src.labels) {
  const l = src.labels;
  console.log(
    `labels: intro ${l.intro?.join('–') ?? 'none'}; credits ${l.credits?.join('–') ?? 'none'}\n`,
  );
}
for (const v of VARIANTS) {
  const file = join(dir, v.file);
  if (!existsSync(file)) {
    process.stderr.write(`bench:gop: encoding ${v.name} (once)…\n`);
    const tmp = `${file}.partial${v.file.slice(v.file.lastIndexOf('.'))}`;
    rmSync(tmp, { force: true });
    execFileSync('ffmpeg', [...QUIET, '-y', '-i', src.file, ...v.args, tmp], { stdio: 'inherit' });
    renameSync(tmp, file);
  }
  const info = await probe(file);
  const { spans } = detectSpans(
    info.duration ?? 0,
    cfg.decision.intro.span,
    cfg.decision.credits.span,
  );
  const mediaS = spans.reduce((n, s) => n + s.to - s.from, 0);
  const check = await checkKeyframes(file, info);
  const plain = await overSpans(spans, (s) => ffmpegNull(file, s, true, []));
  const keys = await overSpans(spans, (s) => ffmpegKeyframes(file, s));
  const one = await detectInChild('fused', file, ONE_PASS);
  const two = await detectInChild('fused', file, TWO_PASSES);
  const t = two.timings;
  const exact = t.exact.reduce((n, w) => n + w.to - w.from, 0);
  rows.push([
    v.name,
    check ? `${(100 * check.share).toFixed(1)} %` : '–',
    f1(plain.seconds),
    f1(keys.seconds),
    f1(one.wallMs / 1000),
    f1(two.wallMs / 1000),
    t.passes === 2 ? `2 (${exact} s exact)` : `1 (fallback)`,
    `${f2(plain.seconds / (two.wallMs / 1000))}×`,
    `${f2(one.wallMs / two.wallMs)}×`,
    f1(mediaS / (two.wallMs / 1000)),
    found(one),
    found(two),
  ]);
}
table(
  [
    'input (640×360, AAC)',
    'keyframes-only share',
    'plain decode s',
    'keyframes-only decode s',
    'detect 1 pass s',
    'detect 2 passes s',
    'passes run',
    'plain ÷ 2-pass',
    '1-pass ÷ 2-pass',
    'media s / wall s',
    'found, 1 pass',
    'found, 2 passes',
  ],
  rows,
);
