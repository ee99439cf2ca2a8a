import type { Dirent } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { AbortedError, InputNotFoundError } from '../errors.js';
import { statSignature, type FileSignature } from './fileSignature.js';

export interface ScannedFile extends FileSignature {
  /** Path relative to the root, with `/` separators: the file's key in the state store. */
  readonly key: string;
  readonly path: string;
}

export interface ScanOptions {
  /** Which file names to report (e.g. `isMediaName`). */
  accept: (name: string) => boolean;
  /** Absolute folders not to descend into (the output folder when it lies inside the root). */
  skipDirs?: readonly string[];
  signal?: AbortSignal;
}

/**
 * Lists the accepted files under `root`, recursively, with their signatures. Hidden entries
 * are skipped, symlinked files are followed, symlinked folders are not (no loops). Entries
 * that vanish or cannot be read during the scan are left out; a missing root is an error.
 */
export async function scanTree(root: string, options: ScanOptions): Promise<ScannedFile[]> {
  const found: ScannedFile[] = [];
  const skip = new Set(options.skipDirs ?? []);
  try {
    if (!(await stat(root)).isDirectory()) throw new Error('not a folder');
  } catch (cause) {
    throw new InputNotFoundError(root, { cause });
  }
  const walk = async (dir: string): Promise<void> => {
    if (options.signal?.aborted) throw new AbortedError({ cause: options.signal.reason });
    let entries: Dirent[];
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch {
      return; // removed or unreadable meanwhile
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      if (entry.name.startsWith('.')) continue;
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (!skip.has(path)) await walk(path);
        continue;
      }
      if (!(entry.isFile() || entry.isSymbolicLink()) || !options.accept(entry.name)) continue;
      const signature = await statSignature(path);
      if (!signature) continue;
      found.push({ key: relative(root, path).split(sep).join('/'), path, ...signature });
    }
  };
  await walk(root);
  return found;
}
