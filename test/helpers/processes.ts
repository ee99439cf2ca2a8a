import { execFileSync } from 'node:child_process';

/** `s` as a literal inside an extended regular expression (what `pgrep -f` takes). */
const literal = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Process ids of running ffmpeg or ffprobe processes whose command line mentions `needle`
 * (a test's unique temp folder or URL, so other people's ffmpeg on the machine never count).
 */
export function mediaToolPids(needle: string): number[] {
  try {
    const out = execFileSync('pgrep', ['-f', `ff(mpeg|probe) .*${literal(needle)}`], {
      encoding: 'utf8',
    });
    return out.split('\n').filter(Boolean).map(Number);
  } catch (err) {
    // pgrep exits 1 when nothing matches; anything else (no pgrep at all) must not pass silently.
    if ((err as { status?: number }).status === 1) return [];
    throw err;
  }
}

/**
 * The ffmpeg/ffprobe processes mentioning `needle` that were not in `before` and are still
 * running after `graceMs` (a child being killed gets that long to go). Empty: nothing leaked.
 */
export async function leftoverMediaTools(
  needle: string,
  before: readonly number[],
  graceMs = 5000,
): Promise<number[]> {
  const deadline = Date.now() + graceMs;
  for (;;) {
    const left = mediaToolPids(needle).filter((pid) => !before.includes(pid));
    if (left.length === 0 || Date.now() >= deadline) return left;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Ends leaked processes (ours: they mention our unique needle), one by one, by id. */
export function killPids(pids: readonly number[]): void {
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}
