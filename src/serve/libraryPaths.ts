import { realpath } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { InputNotFoundError, InvalidArgumentError } from '../errors.js';

/** A request named a file outside the library (`..`, an absolute path, a symlink out). */
export class OutsideLibraryError extends InvalidArgumentError {
  constructor(key: string) {
    super(`"${key}" is not a path inside the library; only files under it are served.`);
    this.name = 'OutsideLibraryError';
  }
}

/**
 * The one way the server turns a key from a request (`Show/Season 1/ep1.mkv`, a path under
 * the library with `/` separators) into a file: anything that leaves the library, directly
 * (`..`, an absolute path) or through a symlink, is refused. Returns the real path.
 */
export async function resolveInLibrary(root: string, key: string): Promise<string> {
  if (
    key.length === 0 ||
    key.includes('\0') ||
    key.includes('\\') ||
    isAbsolute(key) ||
    key.split('/').some((part) => part === '..' || part === '.' || part === '')
  ) {
    throw new OutsideLibraryError(key);
  }
  const realRoot = await realpath(root);
  let real: string;
  try {
    real = await realpath(join(realRoot, ...key.split('/')));
  } catch (cause) {
    throw new InputNotFoundError(key, { cause });
  }
  if (!isInside(realRoot, real)) {
    throw new OutsideLibraryError(key);
  }
  return real;
}

/** True when `path` is `dir` or lies below it (both absolute and resolved). */
export function isInside(dir: string, path: string): boolean {
  const rel = relative(resolve(dir), resolve(path));
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel));
}
