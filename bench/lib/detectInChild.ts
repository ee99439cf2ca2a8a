/**
 * `detectEpisode` in a fresh process (bench/lib/detectChild.ts): its report, and the peak RSS
 * of node (main thread + worker) and of its ffmpeg.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import type { DetectTimings } from '../../src/fusion/detectEpisode.js';
import type { Mode } from '../../src/fusion/modelConfig.js';
import { watchRss } from './peakRss.js';
import type { Setup } from './setups.js';

/** What the child prints, one JSON line. */
export interface ChildReport {
  loadMs: number;
  wallMs: number;
  timings: DetectTimings;
  intro: { start: number; end: number } | null;
  credits: { start: number; end: number } | null;
  /** Intro then credits probabilities, to compare setups. */
  probs: number[];
}

export type DetectRun = ChildReport & { nodeMiB: number; ffmpegMiB: number };

const CHILD = join(import.meta.dirname, 'detectChild.ts');

/** `detectEpisode` in a fresh process: its report and the process tree's peak RSS. */
export async function detectInChild(mode: Mode, file: string, setup: Setup): Promise<DetectRun> {
  const proc = spawn(
    process.execPath,
    [...process.execArgv, CHILD, mode, file, JSON.stringify(setup)],
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
