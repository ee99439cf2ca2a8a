/**
 * Debian packages as a media source: fetched with `apt-get download` (no install, no root),
 * and only the needed paths taken out with `dpkg-deb --fsys-tarfile | tar` (the same tree
 * `dpkg-deb -x` would write, without the gigabyte of game data around the music).
 */
import { mkdir, readdir, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { InvalidArgumentError } from '../../errors.js';
import { pathExists } from '../../util/atomicFile.js';
import { runTool } from '../runFfmpeg.js';

interface Cancel {
  signal?: AbortSignal;
}

/** The newest `PKG_*.deb` in `dir` (by name), or undefined. */
export async function findDeb(dir: string, pkg: string): Promise<string | undefined> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return undefined;
  }
  const found = names.filter((n) => n.startsWith(`${pkg}_`) && n.endsWith('.deb')).sort();
  const last = found[found.length - 1];
  return last === undefined ? undefined : join(dir, last);
}

/**
 * The .deb of `pkg` in `dir`, downloaded there first when it is missing (unless `offline`).
 * The download lands in a scratch folder and is moved in once complete, so an interrupted
 * run never leaves half a package under its final name.
 */
export async function fetchDeb(
  pkg: string,
  dir: string,
  options: Cancel & { offline?: boolean } = {},
): Promise<string> {
  const have = await findDeb(dir, pkg);
  if (have) return have;
  if (options.offline)
    throw new InvalidArgumentError(
      `No ${pkg}_*.deb in ${dir}, and downloads are off (--offline). Put the package there (apt-get download ${pkg}) or run without --offline.`,
    );
  const scratch = join(dir, `.download-${pkg}`);
  await rm(scratch, { recursive: true, force: true });
  await mkdir(scratch, { recursive: true });
  await runTool(
    'bash',
    ['-c', 'cd "$1" && apt-get download -qq "$2"', 'bash', scratch, pkg],
    `the pool package ${pkg} (apt-get download)`,
    options,
  );
  const got = await findDeb(scratch, pkg);
  if (!got) throw new InvalidArgumentError(`apt-get download ${pkg} wrote no .deb.`);
  const to = join(dir, got.slice(scratch.length + 1));
  await rename(got, to);
  await rm(scratch, { recursive: true, force: true });
  return to;
}

/** A control field of a .deb (`Version`, `Package`). */
export async function debField(deb: string, field: string): Promise<string> {
  const { stdout } = await execa('dpkg-deb', ['-f', deb, field]);
  return stdout.trim();
}

/**
 * Extracts the members of `deb` matching `patterns` (tar wildcards such as
 * `./usr/share/games/xmoto/Textures/Musics/*`) and its copyright file into `dest`, which
 * appears only once complete. A pattern that matches nothing fails (the package changed).
 */
export async function unpackDeb(
  deb: string,
  dest: string,
  patterns: readonly string[],
  options: Cancel = {},
): Promise<void> {
  if (await pathExists(dest)) return;
  const tmp = `${dest}.partial`;
  await rm(tmp, { recursive: true, force: true });
  await mkdir(tmp, { recursive: true });
  await runTool(
    'bash',
    [
      '-o',
      'pipefail',
      '-c',
      'dpkg-deb --fsys-tarfile "$1" | tar -x -C "$2" --wildcards "${@:3}"',
      'bash',
      deb,
      tmp,
      './usr/share/doc/*',
      ...patterns,
    ],
    `the pool package ${deb} (unpack ${patterns.join(' ')})`,
    options,
  );
  await rename(tmp, dest);
}

/**
 * The license of a package's files as its debian/copyright states it: the `License:` of the
 * `Files: *` paragraph (machine-readable format), else the first `License:` line; undefined
 * for a free-form file without one (the recipe then says what it found there).
 */
export async function debLicense(unpacked: string, pkg: string): Promise<string | undefined> {
  const file = join(unpacked, 'usr/share/doc', pkg, 'copyright');
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return undefined;
  }
  const paragraphs = text.split(/\n\s*\n/);
  const license = (p: string): string | undefined => /^License:[ \t]*(.+)$/m.exec(p)?.[1]?.trim();
  const star = paragraphs.find((p) => /^Files:[ \t]*\*[ \t]*$/m.test(p));
  const found = (star && license(star)) ?? paragraphs.map(license).find((l) => l);
  return found ? `${found} (debian/copyright of ${pkg}${star ? ', Files: *' : ''})` : undefined;
}
