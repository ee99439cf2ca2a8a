import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { firstValueFrom, toArray } from 'rxjs';
import { secondSamples } from '../../src/features/secondSamples.js';
import type { SecondSample } from '../../src/features/joinSeconds.js';
import type { DecodeOptions } from '../../src/streams/decode.js';

/** A temporary folder for one test file's clips; `cleanup()` in afterAll. */
export function scratch(prefix = 'introdetect-test-'): {
  dir: string;
  path: (name: string) => string;
  cleanup: () => void;
} {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return {
    dir,
    path: (name) => join(dir, name),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** Runs ffmpeg with the given arguments (quiet, overwrite), synchronously. */
export function ffmpeg(...args: string[]): void {
  execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', ...args], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
}

/** Decodes a whole input into an array of seconds. */
export function collect(input: string, options: DecodeOptions = {}): Promise<SecondSample[]> {
  return firstValueFrom(secondSamples(input, options).pipe(toArray()));
}

/** Mean of one channel (0 = R, 1 = G, 2 = B) of an RGB24 frame. */
export function channelMean(rgb: Uint8Array, channel: number): number {
  let sum = 0;
  for (let i = channel; i < rgb.length; i += 3) sum += rgb[i]!;
  return sum / (rgb.length / 3);
}

/** Total energy of one row (mel frame) of a time-major 64-band window. */
export function rowEnergy(mel: Float32Array, row: number, bands = 64): number {
  let sum = 0;
  for (let b = 0; b < bands; b++) sum += mel[row * bands + b]!;
  return sum;
}

/** Index of the strongest band in one mel row. */
export function peakBand(mel: Float32Array, row: number, bands = 64): number {
  let best = 0;
  for (let b = 1; b < bands; b++) if (mel[row * bands + b]! > mel[row * bands + best]!) best = b;
  return best;
}

/** Process ids of running ffmpeg processes whose command line mentions `needle`. */
export function ffmpegPidsMentioning(needle: string): number[] {
  try {
    const out = execFileSync(
      'pgrep',
      ['-f', `ffmpeg.*${needle.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`],
      { encoding: 'utf8' },
    );
    return out.split('\n').filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

/**
 * The plain test clip: testsrc2 160×90 at 25 fps, H.264 (ultrafast) + a 440 Hz AAC tone
 * (`audio: false` for a silent-film clip); `extra` output options go before the file name.
 */
export function testClip(
  out: string,
  seconds: number,
  opts: { audio?: boolean; extra?: string[] } = {},
): string {
  const audio = opts.audio ?? true;
  ffmpeg(
    ...['-f', 'lavfi', '-i', `testsrc2=size=160x90:rate=25:duration=${seconds}`],
    ...(audio ? ['-f', 'lavfi', '-i', `sine=duration=${seconds}`] : []),
    ...['-c:v', 'libx264', '-preset', 'ultrafast'],
    ...(audio ? ['-c:a', 'aac'] : []),
    ...(opts.extra ?? []),
    out,
  );
  return out;
}

/** One part of a `concatClip`: [lavfi video source, lavfi audio source, seconds]. */
export type ClipPart = [string, string, number];

/**
 * Renders the parts one after another into `out` (H.264 + AAC, 25 fps; 160×90 and x264
 * ultrafast unless told otherwise).
 */
export function concatClip(
  out: string,
  parts: ClipPart[],
  { size = '160x90', preset = 'ultrafast' }: { size?: string; preset?: string } = {},
): string {
  const inputs = parts.flatMap(([v, a, d]) => [
    ...[
      '-f',
      'lavfi',
      '-t',
      String(d),
      '-i',
      `${v}${v.includes('=') ? ':' : '='}size=${size}:rate=25`,
    ],
    ...['-f', 'lavfi', '-t', String(d), '-i', a],
  ]);
  const scale = parts.map((_, i) => `[${2 * i}:v]format=yuv420p,setsar=1[v${i}];`).join('');
  const pairs = parts.map((_, i) => `[v${i}][${2 * i + 1}:a]`).join('');
  ffmpeg(
    ...inputs,
    '-filter_complex',
    `${scale}${pairs}concat=n=${parts.length}:v=1:a=1[v][a]`,
    ...['-map', '[v]', '-map', '[a]', '-c:v', 'libx264', '-preset', preset, '-c:a', 'aac'],
    out,
  );
  return out;
}
