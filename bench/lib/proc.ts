/** Reading processes from Linux /proc: peak RSS, parent, CPU time, children. */
import { readdirSync, readFileSync } from 'node:fs';

/** VmHWM (peak RSS, MiB) of a live process, 0 once it is gone. */
export function vmHwm(pid: number): number {
  try {
    const m = /VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

/**
 * Parent pid and CPU time (utime + stime, clock ticks of 1/100 s) of a process (`self` for
 * this one); throws when it has ended.
 */
export function procStat(pid: number | 'self'): { ppid: number; cpuTicks: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // fields from 3 on
  return { ppid: Number(f[1]), cpuTicks: Number(f[11]) + Number(f[12]) };
}

/** Pids of the live processes whose parent is `pid`. */
export function childrenOf(pid: number): number[] {
  const out: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      if (procStat(Number(name)).ppid === pid) out.push(Number(name));
    } catch {
      /* exited */
    }
  }
  return out;
}
