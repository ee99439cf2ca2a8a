import { access, mkdir, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

export async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

/** The temporary name a file is written under before it is complete: `.name.partial`. */
export function partialName(path: string): string {
  return join(dirname(path), `.${basename(path)}.partial`);
}

/**
 * Produces `path` unless it already exists: `write` writes to a temporary name, renamed to
 * `path` only once complete, so an interrupted build never leaves a half-written file under
 * the final name. Returns true when it wrote the file.
 */
export async function writeOnce(
  path: string,
  write: (tmp: string) => Promise<void>,
): Promise<boolean> {
  if (await exists(path)) return false;
  await mkdir(dirname(path), { recursive: true });
  const tmp = partialName(path);
  try {
    await write(tmp);
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
  return true;
}
