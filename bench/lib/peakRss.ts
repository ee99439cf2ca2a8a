/** Peak RSS of a running process and of its children, polled from /proc. */
import type { ChildProcess } from 'node:child_process';
import { childrenOf, vmHwm } from './proc.js';

export interface PeakRss {
  /** The process's own peak RSS, MiB. */
  selfMiB: number;
  /** The largest peak RSS of its children, MiB. */
  childMiB: number;
}

/** Polls the peak RSS of a process and of its children (their largest) until stopped. */
export function watchRss(proc: ChildProcess): () => PeakRss {
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
