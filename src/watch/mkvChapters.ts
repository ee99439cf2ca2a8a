import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { execa } from 'execa';
import { AbortedError, MkvToolnixError } from '../errors.js';
import type { DetectionResult } from '../fusion/detectionResult.js';
import {
  formatMatroskaChapters,
  matroskaChaptersOwner,
} from '../fusion/formats/matroskaChapters.js';
import { writeDurable } from '../util/atomicFile.js';

/** Extensions mkvpropedit edits in place (Matroska and its WebM profile). */
const MATROSKA_EXTENSIONS = new Set(['.mkv', '.mk3d', '.mka', '.webm']);

const INSTALL_HINT =
  'Install mkvtoolnix (Debian/Ubuntu: apt-get install mkvtoolnix) or leave out --mkv-chapters.';

export interface MkvToolnixOptions {
  /** Folder holding mkvpropedit and mkvextract (default: found on PATH). */
  dir?: string;
  signal?: AbortSignal;
}

const tool = (name: string, options: MkvToolnixOptions) =>
  options.dir === undefined ? name : join(options.dir, name);

/** Throws a `MkvToolnixError` (missing) unless mkvpropedit and mkvextract both run. */
export async function checkMkvToolnix(options: MkvToolnixOptions = {}): Promise<void> {
  for (const name of ['mkvpropedit', 'mkvextract']) {
    const r = await execa(tool(name, options), ['--version'], { reject: false, stdin: 'ignore' });
    if (r.exitCode !== 0) {
      throw new MkvToolnixError(`${name} was not found or does not run. ${INSTALL_HINT}`, {
        missing: true,
        ...(r.failed && r.cause !== undefined ? { cause: r.cause } : {}),
      });
    }
  }
}

async function run(name: string, args: string[], options: MkvToolnixOptions): Promise<string> {
  const r = await execa(tool(name, options), args, {
    reject: false,
    stdin: 'ignore',
    ...(options.signal ? { cancelSignal: options.signal } : {}),
  });
  if (r.isCanceled) throw new AbortedError({ cause: options.signal?.reason });
  if (r.exitCode !== 0) {
    const missing = (r.cause as NodeJS.ErrnoException | undefined)?.code === 'ENOENT';
    const tail = `${String(r.stdout)}\n${String(r.stderr)}`.trim().split('\n').slice(-5).join('\n');
    throw new MkvToolnixError(
      missing
        ? `${name} was not found. ${INSTALL_HINT}`
        : `${name} failed on ${args.find((a) => MATROSKA_EXTENSIONS.has(extname(a).toLowerCase())) ?? args[0]} (exit ${r.exitCode ?? r.signal}): ${tail}`,
      { missing, stderr: tail, ...(r.cause !== undefined ? { cause: r.cause } : {}) },
    );
  }
  return String(r.stdout);
}

/**
 * What `setMkvChapters` did: `written`; `foreign`: the file has chapters introdetect did not
 * write (kept); `not-matroska`: not a file mkvpropedit edits.
 */
export type MkvChaptersOutcome = 'written' | 'foreign' | 'not-matroska';

/**
 * Sets the chapters of a Matroska `video` in place (`mkvpropedit --chapters`) from a result:
 * cold open, intro, episode, credits, after credits. Chapters that are already there are
 * replaced only when introdetect wrote them (its edition UID); others are kept.
 */
export async function setMkvChapters(
  video: string,
  result: DetectionResult,
  options: MkvToolnixOptions = {},
): Promise<MkvChaptersOutcome> {
  if (!MATROSKA_EXTENSIONS.has(extname(video).toLowerCase())) return 'not-matroska';
  const existing = await run('mkvextract', [video, 'chapters', '-'], options);
  if (matroskaChaptersOwner(existing) === 'other') return 'foreign';
  const xml = join(tmpdir(), `introdetect-chapters-${randomBytes(6).toString('hex')}.xml`);
  try {
    await writeDurable(xml, formatMatroskaChapters(result));
    await run('mkvpropedit', [video, '--chapters', xml], options);
  } finally {
    await rm(xml, { force: true });
  }
  return 'written';
}
