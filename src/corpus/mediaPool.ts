import { readdir, readFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { InvalidArgumentError } from '../errors.js';
import { parsePoolManifest, type PoolEntry } from './pool/manifest.js';
import { probeDuration } from './pool/probe.js';
import { voicesFor } from './pool/voices.js';
import type { FontFile, MediaFile, MediaKind, MediaPool, MediaUse } from './types.js';

const EXTENSIONS: Record<MediaKind, RegExp> = {
  video: /\.(mp4|webm|mkv|mov|ts|avi)$/i,
  music: /\.(ogg|mp3|flac|wav|opus|m4a)$/i,
  speech: /\.(ogg|mp3|flac|wav|opus|m4a)$/i,
};
const FONT_EXTENSIONS = /\.(ttf|otf)$/i;

/** Shortest useful file of each kind, seconds. */
const MIN_SECONDS: Record<MediaKind, number> = { video: 5, music: 20, speech: 1 };

async function listFiles(dir: string): Promise<string[]> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true, recursive: true });
  } catch {
    return [];
  }
  return entries
    .filter((e) => e.isFile() && !e.name.startsWith('.'))
    .map((e) => join(e.parentPath, e.name))
    .sort();
}

/**
 * The rows of the pool's MANIFEST.tsv by path, when it has a `use` column (one written by
 * `introdetect pool`); undefined without one (the shared media folder's MANIFEST lists
 * origins only).
 */
export async function readPoolManifest(root: string): Promise<Map<string, PoolEntry> | undefined> {
  const file = join(root, 'MANIFEST.tsv');
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return undefined;
  }
  const header = (text.split(/\r?\n/, 1)[0] ?? '').split('\t').map((h) => h.trim());
  if (!header.includes('use')) return undefined;
  return new Map(parsePoolManifest(text, file).map((e) => [e.path, e]));
}

export interface ScanMediaPoolOptions {
  signal?: AbortSignal;
  /**
   * Keep only files, fonts and voices of this use (absent: all). A file the manifest does not
   * list, or every file of a folder without a pool manifest, is `train`.
   */
  use?: MediaUse;
}

/**
 * Scans `root/video`, `root/music` and `root/speech` (recursively) and probes each file's
 * duration (or takes it from the pool's MANIFEST.tsv); `root/fonts` gives the font files.
 * Files ffprobe cannot read, or too short to use, are left out. Sorted by path, so the plan
 * drawn from the pool does not depend on directory order.
 */
export async function scanMediaPool(
  root: string,
  ffprobe: string,
  options: ScanMediaPoolOptions = {},
): Promise<MediaPool> {
  const manifest = await readPoolManifest(root);
  const keep = (use: MediaUse): boolean => options.use === undefined || options.use === use;
  const pool: MediaPool = { root, video: [], music: [], speech: [] };
  for (const kind of ['video', 'music', 'speech'] as const) {
    for (const abs of await listFiles(join(root, kind))) {
      if (!EXTENSIONS[kind].test(abs)) continue;
      const path = relative(root, abs).split(sep).join('/');
      const row = manifest?.get(path);
      const use = row?.use ?? 'train';
      if (!keep(use)) continue;
      const duration =
        row && row.duration > 0 ? row.duration : await probeDuration(ffprobe, abs, options.signal);
      if (duration === undefined || duration < MIN_SECONDS[kind]) continue;
      pool[kind].push({
        path,
        duration: Math.floor(duration * 100) / 100,
        use,
      } satisfies MediaFile);
    }
  }
  const fonts: FontFile[] = [];
  for (const abs of await listFiles(join(root, 'fonts'))) {
    if (!FONT_EXTENSIONS.test(abs)) continue;
    const path = relative(root, abs).split(sep).join('/');
    const use = manifest?.get(path)?.use ?? 'train';
    if (keep(use)) fonts.push({ path, use });
  }
  if (fonts.length > 0) pool.fonts = fonts;
  // Without a use the planner keeps its own voice list, so older corpora rebuild the same.
  if (options.use) pool.voices = voicesFor(options.use);
  if (pool.video.length === 0 || pool.music.length < 2 || pool.speech.length === 0) {
    const of = options.use ? ` of use ${options.use}` : '';
    throw new InvalidArgumentError(
      `The media folder ${root} needs video/ (footage), music/ (at least two tracks of 20 s or more) and speech/ (recorded speech)${of}; found ${pool.video.length} video, ${pool.music.length} music and ${pool.speech.length} speech files${of}.${options.use ? ' Build a pool with both uses: introdetect pool --out .cache/pool --media ../shared/media.' : ''}`,
    );
  }
  return pool;
}
