import { stat } from 'node:fs/promises';

/**
 * What identifies one version of a file: size, modification time (ns) and inode, as decimal
 * strings (exact for 64-bit values, and JSON-safe). A copy in progress changes size/mtime; a
 * file replaced by rename changes inode.
 */
export interface FileSignature {
  readonly size: string;
  readonly mtimeNs: string;
  readonly ino: string;
}

/** The signature of a regular file (following symlinks), or undefined when there is none. */
export async function statSignature(path: string): Promise<FileSignature | undefined> {
  try {
    const st = await stat(path, { bigint: true });
    if (!st.isFile()) return undefined;
    return { size: String(st.size), mtimeNs: String(st.mtimeNs), ino: String(st.ino) };
  } catch {
    return undefined;
  }
}

export function sameSignature(a: FileSignature, b: FileSignature): boolean {
  return a.size === b.size && a.mtimeNs === b.mtimeNs && a.ino === b.ino;
}
