/** Timing a command run to completion: wall seconds, its peak RSS, its stdout. */
import { spawn } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import type { Span } from '../../src/fusion/detectEpisode.js';
import { watchRss } from './peakRss.js';

export interface Run {
  seconds: number;
  peakMiB: number;
  stdout: string;
}

/** Runs a command to completion; wall seconds, its peak RSS, its stdout. */
export async function timed(cmd: string, args: readonly string[], okCodes = [0]): Promise<Run> {
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

/** Sums `f` over the spans (run one after the other): seconds added, peak RSS the largest. */
export async function overSpans(
  spans: readonly Span[],
  f: (s: Span) => Promise<Run>,
): Promise<Run> {
  const total: Run = { seconds: 0, peakMiB: 0, stdout: '' };
  for (const s of spans) {
    const r = await f(s);
    total.seconds += r.seconds;
    total.peakMiB = Math.max(total.peakMiB, r.peakMiB);
  }
  return total;
}

/** Best of two runs: the shorter time, the larger peak RSS. */
export const bestRun = (x: Run, y: Run): Run => ({
  seconds: Math.min(x.seconds, y.seconds),
  peakMiB: Math.max(x.peakMiB, y.peakMiB),
  stdout: '',
});
