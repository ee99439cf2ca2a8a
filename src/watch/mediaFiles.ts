import { extname } from 'node:path';
import { InvalidArgumentError } from '../errors.js';

/** Extensions the watcher treats as video (lower case, with the dot). */
export const MEDIA_EXTENSIONS: readonly string[] = Object.freeze([
  '.mp4',
  '.m4v',
  '.mov',
  '.mkv',
  '.webm',
  '.avi',
  '.ts',
  '.m2ts',
  '.mts',
  '.mxf',
  '.mpg',
  '.mpeg',
  '.vob',
  '.wmv',
  '.flv',
]);

/**
 * True for a file name the watcher should look at: a known extension, and not hidden
 * (rsync, many uploaders and the watcher itself write `.name.tmp` files and rename them).
 */
export function isMediaName(
  name: string,
  extensions: readonly string[] = MEDIA_EXTENSIONS,
): boolean {
  if (name.startsWith('.')) return false;
  return extensions.includes(extname(name).toLowerCase());
}

/** Parses `mp4,mkv,.ts` into `['.mp4', '.mkv', '.ts']`. */
export function parseExtensions(list: string): string[] {
  const exts = list
    .split(',')
    .map((e) => e.trim().toLowerCase())
    .filter(Boolean)
    .map((e) => (e.startsWith('.') ? e : `.${e}`));
  if (exts.length === 0 || exts.some((e) => !/^\.[a-z0-9]+$/.test(e))) {
    throw new InvalidArgumentError(`"${list}" is not a list of extensions (use e.g. mp4,mkv,ts).`);
  }
  return exts;
}
