/**
 * Durable, atomic file writes, shared by every layer that writes results (watch, series,
 * corpus, detect -o, tune): a reader sees the old file or the new one, never half of one.
 */
import { randomBytes } from 'node:crypto';
import { cp, lstat, mkdir, open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** fsyncs a folder, so a rename inside it survives a power cut (best effort off Linux). */
export async function fsyncDir(dir: string): Promise<void> {
  let handle;
  try {
    handle = await open(dir, 'r');
    await handle.sync();
  } catch {
    // Some platforms/file systems cannot open or sync folders; the rename is still atomic.
  } finally {
    await handle?.close();
  }
}

/** Writes `data` to `path` through a hidden temporary file: write, fsync, rename, fsync folder. */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  const tmp = join(dirname(path), `.${basename(path)}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    await writeDurable(tmp, data);
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
  await fsyncDir(dirname(path));
}

/** Writes and fsyncs `path` (not atomic by itself; callers rename it into place). */
export async function writeDurable(path: string, data: string | Uint8Array): Promise<void> {
  const handle = await open(path, 'w');
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Moves a file or folder, copying across file systems when rename cannot. */
export async function move(from: string, to: string): Promise<void> {
  try {
    await rename(from, to);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EXDEV') throw err;
    await cp(from, to, { recursive: true });
    await rm(from, { recursive: true, force: true });
  }
}

/**
 * Puts `from` (a complete file or folder) at `to`. A file replaces the old one atomically; a
 * folder cannot replace a non-empty folder in one rename, so the old one is removed first
 * (readers may briefly see no result, never a partial one).
 */
export async function replaceWith(from: string, to: string): Promise<void> {
  const [src, dest] = await Promise.all([lstat(from), lstat(to).catch(() => undefined)]);
  if (dest && (src.isDirectory() || dest.isDirectory()))
    await rm(to, { recursive: true, force: true });
  await rename(from, to);
}

export async function pathExists(path: string): Promise<boolean> {
  try {
    await lstat(path);
    return true;
  } catch {
    return false;
  }
}

/** The temporary name a file is written under before it is complete: `.name.partial`. */
function partialName(path: string): string {
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
  if (await pathExists(path)) return false;
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
