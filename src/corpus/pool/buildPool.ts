/**
 * Builds the media pool: the shared media folder plus footage, music and fonts taken from
 * Debian packages, each file with its source, license and use in MANIFEST.tsv. Resumable:
 * every file is written under a temporary name and renamed, a finished package leaves a state
 * file, and a second run skips all finished work.
 */
import { copyFile, link, lstat, mkdir, readdir, readFile, rm } from 'node:fs/promises';
import { extname, join, relative, resolve, sep } from 'node:path';
import { InvalidArgumentError } from '../../errors.js';
import { locateFfmpeg, type LocateFfmpegOptions } from '../../streams/locateFfmpeg.js';
import { pathExists, writeFileAtomic, writeOnce } from '../../util/atomicFile.js';
import { runFfmpeg } from '../runFfmpeg.js';
import { debField, debLicense, fetchDeb, unpackDeb } from './debs.js';
import { PHOTO_CLIPS, photoClip, renderPhotoClip } from './footage.js';
import { formatPoolManifest, parsePoolManifest, type PoolEntry } from './manifest.js';
import { probeDuration } from './probe.js';
import {
  capTracks,
  DEB_RECIPES,
  POOL_LIMITS,
  type DebRecipe,
  type UnpackedFile,
} from './recipes.js';
import { sharedSourceOf, useOfSource } from './uses.js';

export interface BuildPoolOptions extends LocateFfmpegOptions {
  /** The pool folder (git-ignored, e.g. `.cache/pool`). */
  out: string;
  /** A media folder laid out like ../shared/media (video/, music/, speech/, MANIFEST.tsv). */
  media?: string;
  /** Debian packages to take (default: every recipe's); `[]` builds from `media` alone. */
  packages?: readonly string[];
  /** Where .deb files are found and downloaded to (default `OUT/debs`). */
  debs?: string;
  /** Use only .deb files already in `debs`; never run apt-get. */
  offline?: boolean;
  /** Packages prepared at the same time (default 1). */
  jobs?: number;
  signal?: AbortSignal;
  log?: (line: string) => void;
}

export interface BuildPoolResult {
  entries: PoolEntry[];
  /** Packages prepared by this run, and those a previous run finished. */
  built: string[];
  skipped: string[];
  seconds: number;
}

const SHARED_KINDS = ['video', 'music', 'speech'] as const;
const toPosix = (p: string): string => p.split(sep).join('/');

/** A hard link where the file systems allow one, else a copy. */
async function linkOrCopy(from: string, to: string): Promise<void> {
  try {
    await link(from, to);
  } catch {
    await copyFile(from, to);
  }
}

/** The shared media folder's files, linked into the pool with their MANIFEST rows. */
async function addShared(media: string, out: string): Promise<PoolEntry[]> {
  let rows: Map<string, { duration: number; license: string; origin: string }>;
  try {
    const text = await readFile(join(media, 'MANIFEST.tsv'), 'utf8');
    const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
    const header = (lines.shift() ?? '').split('\t');
    const at = (cells: string[], name: string): string => cells[header.indexOf(name)] ?? '';
    rows = new Map(
      lines.map((l) => {
        const c = l.split('\t');
        const duration = Number.parseFloat(at(c, 'duration_s'));
        return [
          at(c, 'path'),
          {
            duration: Number.isFinite(duration) ? duration : 0,
            license: at(c, 'license'),
            origin: at(c, 'source'),
          },
        ];
      }),
    );
  } catch {
    rows = new Map();
  }
  const entries: PoolEntry[] = [];
  for (const kind of SHARED_KINDS) {
    let names;
    try {
      names = await readdir(join(media, kind), { withFileTypes: true, recursive: true });
    } catch {
      continue;
    }
    for (const e of names) {
      if (!e.isFile() || e.name.startsWith('.') || !/\.\w+$/.test(e.name)) continue;
      const abs = join(e.parentPath, e.name);
      const path = toPosix(relative(media, abs));
      if (/\.(csv|txt|md|json)$/i.test(path)) continue;
      const row = rows.get(path);
      const source = sharedSourceOf(path, row?.origin ?? '');
      await writeOnce(join(out, path), (tmp) => linkOrCopy(abs, tmp));
      entries.push({
        path,
        kind,
        duration: row?.duration ?? 0,
        source,
        license: row?.license ?? 'see the shared media README',
        use: useOfSource(source),
        origin: row?.origin ?? `shared media ${path}`,
      });
    }
  }
  return entries;
}

/** Regular files under `root` (symlinks, such as a wallpaper's other sizes, left out). */
async function unpackedFiles(root: string): Promise<UnpackedFile[]> {
  const names = await readdir(root, { withFileTypes: true, recursive: true });
  const files: UnpackedFile[] = [];
  for (const e of names) {
    if (!e.isFile()) continue;
    const abs = join(e.parentPath, e.name);
    files.push({ path: toPosix(relative(root, abs)), size: (await lstat(abs)).size });
  }
  return files.sort((a, b) => (a.path < b.path ? -1 : 1));
}

interface RecipeContext {
  out: string;
  debs: string;
  ffmpeg: string;
  ffprobe: string;
  offline: boolean;
  signal?: AbortSignal;
  log: (line: string) => void;
}

/** Music files larger than this are re-encoded (Opus, 96 kbit/s) instead of copied. */
const MAX_COPY_BYTES = 10_000_000;
/** Re-encoded music is cut to this many seconds. */
const MAX_TRACK_SECONDS = 420;

/** Fetches, unpacks and prepares one recipe; returns its manifest rows. */
async function prepareRecipe(r: DebRecipe, c: RecipeContext): Promise<PoolEntry[]> {
  const cancel = c.signal ? { signal: c.signal } : {};
  const deb = await fetchDeb(r.package, c.debs, { ...cancel, offline: c.offline });
  const version = await debField(deb, 'Version');
  const unpacked = join(c.out, '.unpacked', r.id);
  await unpackDeb(deb, unpacked, r.include, cancel);
  const license =
    (await debLicense(unpacked, r.package)) ??
    r.license ??
    `see /usr/share/doc/${r.package}/copyright`;
  const origin = (p: string): string => `deb ${r.package} ${version} /${p}`;
  const entry = (path: string, duration: number, from: string): PoolEntry => ({
    path,
    kind: r.kind,
    duration,
    source: r.source,
    license,
    use: useOfSource(r.source),
    origin: origin(from),
  });
  const picks = r.pick(await unpackedFiles(unpacked));
  const entries: PoolEntry[] = [];
  if (r.kind === 'font') {
    for (const p of picks) {
      const path = `fonts/${r.id}/${p.name}${extname(p.file.path).toLowerCase()}`;
      await writeOnce(join(c.out, path), (tmp) => copyFile(join(unpacked, p.file.path), tmp));
      entries.push(entry(path, 0, p.file.path));
    }
  } else if (r.kind === 'music') {
    const long: Array<(typeof picks)[number] & { duration: number }> = [];
    for (const p of picks) {
      const d = await probeDuration(c.ffprobe, join(unpacked, p.file.path), c.signal);
      if (d !== undefined && d >= POOL_LIMITS.minTrackSeconds) long.push({ ...p, duration: d });
    }
    for (const p of capTracks(long)) {
      const src = join(unpacked, p.file.path);
      const ext = extname(p.file.path).toLowerCase();
      const copy = (ext === '.ogg' || ext === '.opus') && p.file.size <= MAX_COPY_BYTES;
      const path = `music/${r.id}_${p.name}${copy ? ext : '.opus'}`;
      await writeOnce(join(c.out, path), (tmp) =>
        copy
          ? copyFile(src, tmp)
          : runFfmpeg(
              c.ffmpeg,
              [
                '-i',
                src,
                '-vn',
                '-t',
                String(MAX_TRACK_SECONDS),
                '-c:a',
                'libopus',
                '-b:a',
                '96k',
                '-f',
                'ogg',
                tmp,
              ],
              `music ${src}`,
              cancel,
            ),
      );
      const duration = copy ? p.duration : Math.min(p.duration, MAX_TRACK_SECONDS);
      entries.push(entry(path, Math.floor(duration * 10) / 10, p.file.path));
    }
  } else {
    for (const p of picks) {
      for (let i = 0; i < PHOTO_CLIPS.perPhoto; i++) {
        const clip = photoClip(`${r.id}/${p.name}`, i);
        const path = `video/${r.id}_${p.name}_${i + 1}.mp4`;
        await writeOnce(join(c.out, path), (tmp) =>
          renderPhotoClip(c.ffmpeg, join(unpacked, p.file.path), clip, tmp, cancel),
        );
        entries.push(entry(path, clip.seconds, `${p.file.path} (${clip.motion})`));
      }
    }
  }
  return entries;
}

/**
 * Builds (or finishes) the pool in `out`: links the shared media, prepares every Debian
 * recipe not yet done (`jobs` at a time), then writes MANIFEST.tsv.
 */
export async function buildPool(options: BuildPoolOptions): Promise<BuildPoolResult> {
  const t0 = performance.now();
  const out = resolve(options.out);
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const { ffmpeg, ffprobe } = locateFfmpeg(options);
  const wanted = options.packages;
  const unknown = (wanted ?? []).filter((p) => !DEB_RECIPES.some((r) => r.package === p));
  if (unknown.length > 0)
    throw new InvalidArgumentError(
      `Unknown pool package ${unknown.join(', ')}. Valid: ${[...new Set(DEB_RECIPES.map((r) => r.package))].join(', ')}.`,
    );
  const recipes = DEB_RECIPES.filter((r) => !wanted || wanted.includes(r.package));
  await mkdir(out, { recursive: true });
  const entries: PoolEntry[] = [];
  if (options.media) {
    const shared = await addShared(resolve(options.media), out);
    log(`pool: ${shared.length} files of ${options.media}`);
    entries.push(...shared);
  }
  const ctx: RecipeContext = {
    out,
    debs: resolve(options.debs ?? join(out, 'debs')),
    ffmpeg,
    ffprobe,
    offline: options.offline ?? false,
    ...(options.signal ? { signal: options.signal } : {}),
    log,
  };
  await mkdir(ctx.debs, { recursive: true });
  const built: string[] = [];
  const skipped: string[] = [];
  const results = new Map<string, PoolEntry[]>();
  let next = 0;
  const worker = async (): Promise<void> => {
    for (let r = recipes[next++]; r; r = recipes[next++]) {
      const state = join(out, '.state', `${r.id}.tsv`);
      if (await pathExists(state)) {
        results.set(r.id, parsePoolManifest(await readFile(state, 'utf8'), state));
        skipped.push(r.id);
        continue;
      }
      const t = performance.now();
      const rows = await prepareRecipe(r, ctx);
      await mkdir(join(out, '.state'), { recursive: true });
      await writeFileAtomic(state, formatPoolManifest(rows));
      await rm(join(out, '.unpacked', r.id), { recursive: true, force: true });
      results.set(r.id, rows);
      built.push(r.id);
      log(
        `pool: ${r.id} (${r.package}, ${useOfSource(r.source)}): ${rows.length} ${r.kind} files in ${((performance.now() - t) / 1000).toFixed(1)} s`,
      );
    }
  };
  const jobs = Math.max(1, options.jobs ?? 1);
  await Promise.all(Array.from({ length: Math.min(jobs, recipes.length) }, worker));
  for (const r of recipes) entries.push(...(results.get(r.id) ?? []));
  await writeFileAtomic(join(out, 'MANIFEST.tsv'), formatPoolManifest(entries));
  return { entries, built, skipped, seconds: (performance.now() - t0) / 1000 };
}
