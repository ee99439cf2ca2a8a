/** The audio-fingerprint peer: fpcalc (chromaprint) over detect's spans. */
import { execFileSync, spawn } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import type { Span } from '../../src/fusion/detectEpisode.js';
import { QUIET, seekArgs } from './ffmpegArgs.js';
import { watchRss } from './peakRss.js';
import { overSpans, type Run } from './timed.js';

/**
 * fpcalc over the spans: ffmpeg pipes the span's audio (fpcalc cannot seek) to `fpcalc -`.
 * Wall seconds and fpcalc's peak RSS; null when fpcalc is not installed.
 */
export async function fpcalc(file: string, spans: readonly Span[]): Promise<Run | null> {
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
        ...['-i', file, '-map', '0:a:0', '-ac', '1', '-ar', '11025', '-f', 's16le', '-'],
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    const fp = spawn(
      'fpcalc',
      [
        ...['-format', 's16le', '-rate', '11025', '-channels', '1'],
        ...['-length', String(s.to - s.from), '-raw', '-'],
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
