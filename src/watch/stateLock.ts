import { open, readFile, rm } from 'node:fs/promises';
import { InvalidArgumentError } from '../errors.js';

/** Held while a watcher uses a state file; `release()` removes the lock file. */
export interface StateLock {
  readonly path: string;
  release(): Promise<void>;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Makes sure one watcher at a time uses `statePath`: creates `statePath.lock` holding this
 * process id. A lock left by a process that no longer runs (kill -9, power cut) is taken over.
 */
export async function acquireStateLock(statePath: string): Promise<StateLock> {
  const path = `${statePath}.lock`;
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const handle = await open(path, 'wx');
      await handle.writeFile(`${process.pid}\n`);
      await handle.close();
      return { path, release: () => rm(path, { force: true }) };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const pid = Number.parseInt(await readFile(path, 'utf8').catch(() => ''), 10);
    if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && alive(pid)) {
      throw new InvalidArgumentError(
        `Another watcher (pid ${pid}) is using the state file ${statePath}. Stop it, or give this one its own --state file.`,
      );
    }
    await rm(path, { force: true }); // stale: its owner is gone
  }
  throw new InvalidArgumentError(`Could not lock ${statePath} (${path} keeps reappearing).`);
}
