import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const CHILD = join(import.meta.dirname, '../fixtures/signals/abortOnSignalsChild.ts');

/** Starts the child and resolves once it printed `ready`; `out()` is everything it printed. */
async function start(...args: string[]): Promise<{ child: ChildProcess; out: () => string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let text = '';
  child.stdout.on('data', (d: Buffer) => (text += d.toString()));
  await waitFor(() => text.includes('ready\n'));
  return { child, out: () => text };
}

async function waitFor(ok: () => boolean, ms = 20_000): Promise<void> {
  const until = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > until) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

const exit = (child: ChildProcess) =>
  new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

describe('abortOnSignals (the CLI commands’ Ctrl-C)', () => {
  it('aborts the signal on the first SIGINT, keeps the process, and exits 130 on a second', async () => {
    const { child, out } = await start();
    const done = exit(child);
    child.kill('SIGINT');
    await waitFor(() => out().includes('aborted: interrupted\n'));
    expect(out()).toContain('first SIGINT\n');
    expect(child.exitCode).toBeNull();
    child.kill('SIGTERM');
    expect(await done).toBe(130);
    expect(out()).toContain('second SIGTERM\n');
  });

  it('stops listening once disposed: the next signal is the default one again', async () => {
    const { child, out } = await start('dispose');
    const done = new Promise<NodeJS.Signals | null>((resolve) =>
      child.once('exit', (_code, signal) => resolve(signal)),
    );
    child.kill('SIGTERM');
    await waitFor(() => out().includes('disposed\n'));
    child.kill('SIGTERM');
    expect(await done).toBe('SIGTERM');
    expect(out()).not.toContain('second');
  });
});
