/**
 * The two bench episodes, made once into .cache/bench (resumable: each file is written under a
 * temporary name and renamed when complete, so an interrupted run starts that file again):
 *
 * - `corpus-720p-h264.mp4`: one episode of the project's synthetic corpus (`buildCorpus`, seed
 *   42: 1280×720 H.264 + AAC, 25 fps, logo then a 16-s intro, ~21 min, end credits), rendered
 *   from the media pool (`$INTRODETECT_BENCH_MEDIA`, default ../shared/media). Its labels are in
 *   .cache/bench/corpus/labels.json.
 * - `corpus-1080p-hevc.mp4`: the same episode scaled to 1920×1080 and re-encoded with libx265
 *   (preset ultrafast, CRF 28, as the corpus encodes HEVC), audio copied.
 *
 * Without a media pool it falls back to bench:decode's generator (lavfi testsrc2 + a beeping
 * sine, 20 min; no intro), at both sizes. `smokeEpisode()` is a 2.5-min one of the same kind,
 * for a quick check that a bench runs (`npm run bench -- --smoke`), not for its figures.
 *
 *   tsx bench/episodes.ts     # make them now (e.g. in the background: the HEVC encode is slow)
 */
import { execFileSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  linkSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
} from 'node:fs';
import { join } from 'node:path';
import { buildCorpus } from '../../src/corpus/buildCorpus.js';
import { QUIET } from './ffmpegArgs.js';

const ROOT = join(import.meta.dirname, '..', '..');
export const CACHE = join(ROOT, '.cache', 'bench');
const MEDIA = process.env.INTRODETECT_BENCH_MEDIA ?? join(ROOT, '..', 'shared', 'media');
/** The corpus plan whose single episode is 1280×720 H.264 + AAC, 25 fps, with an intro. */
const CORPUS = { seed: 42, series: 1, episodes: 1, minMinutes: 21, maxMinutes: 22, maxWidth: 1280 };

export interface BenchEpisode {
  /** Short name for the table. */
  name: string;
  file: string;
  /** Labelled intro / credits, seconds (corpus episodes only). */
  labels?: { intro: [number, number] | null; credits: [number, number] | null };
}

function ffmpeg(args: string[]): void {
  execFileSync('ffmpeg', [...QUIET, '-y', ...args], {
    stdio: 'inherit',
  });
}

/** Runs `write(tmp)` then renames tmp to `out`, unless `out` exists. */
function once(out: string, what: string, write: (tmp: string) => void): string {
  if (existsSync(out)) return out;
  mkdirSync(CACHE, { recursive: true });
  process.stderr.write(`bench: making ${what} (once)…\n`);
  const tmp = `${out}.partial.mp4`;
  rmSync(tmp, { force: true });
  write(tmp);
  renameSync(tmp, out);
  return out;
}

function hevc1080(src: string, out: string): string {
  return once(out, `${out} (libx265 1080p, ultrafast: slow on 2 cores)`, (tmp) =>
    ffmpeg([
      ...['-i', src, '-map', '0:v:0', '-map', '0:a:0', '-vf', 'scale=1920:1080:flags=bicubic'],
      ...['-c:v', 'libx265', '-preset', 'ultrafast', '-crf', '28', '-pix_fmt', 'yuv420p'],
      ...['-x265-params', 'log-level=error', '-tag:v', 'hvc1', '-c:a', 'copy'],
      ...['-movflags', '+faststart', tmp],
    ]),
  );
}

function linkOrCopy(from: string, to: string): void {
  try {
    linkSync(from, to);
  } catch {
    copyFileSync(from, `${to}.partial.mp4`);
    renameSync(`${to}.partial.mp4`, to);
  }
}

function hhmmss(v: string | null | undefined): number | null {
  if (!v) return null;
  return v.split(':').reduce((s, p) => s * 60 + Number(p), 0);
}

async function corpusEpisodes(withHevc: boolean): Promise<BenchEpisode[]> {
  const out = join(CACHE, 'corpus');
  const built = join(out, 's01', 's01e01.mp4');
  if (!existsSync(built)) {
    await buildCorpus({
      media: MEDIA,
      out,
      corpus: CORPUS,
      log: (line) => process.stderr.write(`bench: ${line}\n`),
    });
  }
  const labels = JSON.parse(readFileSync(join(out, 'labels.json'), 'utf8')) as Record<
    string,
    Record<string, string | null>
  >;
  const l = labels.s01e01 ?? {};
  const pair = (a: string, b: string): [number, number] | null => {
    const s = hhmmss(l[a]);
    const e = hhmmss(l[b]);
    return s !== null && e !== null ? [s, e] : null;
  };
  const episodeLabels = {
    intro: pair('start', 'end'),
    credits: pair('credits_start', 'credits_end'),
  };
  const h264 = join(CACHE, 'corpus-720p-h264.mp4');
  // The corpus episode is already the 720p H.264 input; a link keeps the name stable.
  if (!existsSync(h264)) linkOrCopy(built, h264);
  const first = { name: '720p H.264', file: h264, labels: episodeLabels };
  if (!withHevc) return [first];
  const hevc = hevc1080(h264, join(CACHE, 'corpus-1080p-hevc.mp4'));
  return [first, { name: '1080p HEVC', file: hevc, labels: episodeLabels }];
}

/** lavfi testsrc2 1280×720 25 fps + a beeping sine, H.264 + AAC, `seconds` long, to `tmp`. */
function testPattern(seconds: number, tmp: string): void {
  ffmpeg([
    ...['-f', 'lavfi', '-i', `testsrc2=size=1280x720:rate=25:duration=${seconds}`],
    ...['-f', 'lavfi', '-i'],
    `sine=frequency=330:beep_factor=4:duration=${seconds}:sample_rate=48000`,
    ...['-c:v', 'libx264', '-preset', 'ultrafast', '-tune', 'zerolatency', '-g', '250'],
    ...['-pix_fmt', 'yuv420p', '-c:a', 'aac', '-b:a', '128k', tmp],
  ]);
}

/** bench:decode's 20-min 720p H.264 test pattern (made once). */
export function synthetic720p(): string {
  return once(join(CACHE, 'episode-20min-720p-h264.mp4'), '20-min testsrc2 720p', (tmp) =>
    testPattern(1200, tmp),
  );
}

/** bench:decode's generator at both sizes (same file names, so existing ones are reused). */
function syntheticEpisodes(withHevc: boolean): BenchEpisode[] {
  const first = { name: '720p H.264 (testsrc2)', file: synthetic720p() };
  if (!withHevc) return [first];
  const hevc = hevc1080(first.file, join(CACHE, 'episode-20min-1080p-hevc.mp4'));
  return [first, { name: '1080p HEVC (testsrc2)', file: hevc }];
}

/** A 150-s 720p H.264 test pattern, for a smoke run of a bench (its figures mean little). */
export function smokeEpisode(): BenchEpisode {
  const file = once(join(CACHE, 'smoke-150s-720p-h264.mp4'), '150-s testsrc2 720p', (tmp) =>
    testPattern(150, tmp),
  );
  return { name: '720p H.264 (testsrc2, smoke)', file };
}

/**
 * Makes (or finds) the bench episodes; `{ hevc: false }`: only the 720p H.264 one (the 1080p
 * HEVC encode is the slow one).
 */
export async function benchEpisodes({ hevc = true } = {}): Promise<BenchEpisode[]> {
  if (existsSync(join(MEDIA, 'video'))) return corpusEpisodes(hevc);
  process.stderr.write(`bench: no media pool at ${MEDIA}; using lavfi test patterns.\n`);
  return syntheticEpisodes(hevc);
}
