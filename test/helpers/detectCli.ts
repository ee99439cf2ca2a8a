import { execa } from 'execa';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import { EXIT_CODES, type ErrorCode } from '../../src/errors.js';

/** The built CLI (`npm test` builds first). */
export const CLI = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));

export interface CliRun {
  exitCode: number | undefined;
  /** The signal that ended the CLI, when one did. */
  signal: string | undefined;
  stdout: string;
  stderr: string;
  /** Still running at `timeoutMs`: killed, i.e. it hung. */
  timedOut: boolean;
  seconds: number;
}

/** Runs `node dist/cli/main.js ARGS`, not on a terminal, killed after `timeoutMs`. */
export async function runCli(
  args: readonly string[],
  opts: { timeoutMs: number },
): Promise<CliRun> {
  const started = performance.now();
  const r = await execa('node', [CLI, ...args], {
    reject: false,
    timeout: opts.timeoutMs,
    forceKillAfterDelay: 2000,
    stdin: 'ignore',
    env: { INTRODETECT_DEBUG: '' },
  });
  return cliRunOf(r, started);
}

/** What a finished execa run of the CLI says, timed from `started` (`performance.now()`). */
export function cliRunOf(
  r: {
    exitCode?: number | undefined;
    signal?: string | undefined;
    timedOut: boolean;
    stdout: unknown;
    stderr: unknown;
  },
  started: number,
): CliRun {
  return {
    exitCode: r.exitCode,
    signal: r.signal,
    stdout: String(r.stdout),
    stderr: String(r.stderr),
    timedOut: r.timedOut,
    seconds: (performance.now() - started) / 1000,
  };
}

/** What a crash looks like on stderr: a stack, an unhandled rejection, a fatal error. */
const CRASH_SIGNS: readonly RegExp[] = [
  /unexpected error/i,
  /^\s+at .+:\d+:\d+\)?$/m,
  /unhandled ?(promise)? ?rejection/i,
  /uncaught/i,
  /node:internal/,
  /FATAL ERROR|Segmentation fault|core dumped/,
];

/** Ended on its own, in time, with 0 or a documented exit status, and no crash on stderr. */
export function expectNoCrash(run: CliRun): void {
  expect(run.timedOut, `hung: killed after its timeout (${run.seconds.toFixed(1)} s)`).toBe(false);
  expect(run.signal, `ended by a signal\n${run.stderr}`).toBeUndefined();
  for (const sign of CRASH_SIGNS) expect(run.stderr).not.toMatch(sign);
  expect([0, ...Object.values(EXIT_CODES)], `undocumented exit status\n${run.stderr}`).toContain(
    run.exitCode,
  );
}

/** The error code the CLI reported on stderr (`introdetect: message [CODE]`), if any. */
export function reportedCode(run: CliRun): string | undefined {
  return /^introdetect: .+ \[([A-Z_]+)\]$/m.exec(run.stderr)?.[1];
}

/** Failed the documented way: one message ending in `[CODE]`, its exit status, no stdout. */
export function expectTypedError(run: CliRun, code: ErrorCode): void {
  expectNoCrash(run);
  expect(reportedCode(run), `stderr: ${run.stderr}`).toBe(code);
  expect(run.exitCode).toBe(EXIT_CODES[code]);
  expect(run.stdout).toBe('');
}
