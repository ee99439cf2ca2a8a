import { readdir } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { execa } from 'execa';
import { InvalidArgumentError } from '../errors.js';
import type { MediaFile, MediaKind, MediaPool } from './types.js';

const EXTENSIONS: Record<MediaKind, RegExp> = {
  video: /\.(mp4|webm|mkv|mov|ts|avi)$/i,
  music: /\.(ogg|mp3|flac|wav|opus|m4a)$/i,
  speech: /\.(ogg|mp3|flac|wav|opus|m4a)$/i,
};

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
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name))
    .sort();
}

async function probeDuration(
  ffprobe: string,
  file: string,
  signal: AbortSignal | undefined,
): Promise<number | undefined> {
  try {
    const { stdout } = await execa(
      ffprobe,
      ['-v', 'error', '-show_entries', 'format=duration', '-of', 'csv=p=0', file],
      signal ? { cancelSignal: signal } : {},
    );
    const d = Number.parseFloat(stdout.trim());
    return Number.isFinite(d) ? d : undefined;
  } catch (err) {
    if (signal?.aborted) throw err;
    return undefined;
  }
}

/**
 * Scans `root/video`, `root/music` and `root/speech` (recursively) and probes each file's
 * duration. Files ffprobe cannot read, or too short to use, are left out. Sorted by path, so
 * the plan drawn from the pool does not depend on directory order.
 */
export async function scanMediaPool(
  root: string,
  ffprobe: string,
  options: { signal?: AbortSignal } = {},
): Promise<MediaPool> {
  const pool: MediaPool = { root, video: [], music: [], speech: [] };
  for (const kind of ['video', 'music', 'speech'] as const) {
    for (const abs of await listFiles(join(root, kind))) {
      if (!EXTENSIONS[kind].test(abs)) continue;
      const duration = await probeDuration(ffprobe, abs, options.signal);
      if (duration === undefined || duration < MIN_SECONDS[kind]) continue;
      const path = relative(root, abs).split(sep).join('/');
      pool[kind].push({ path, duration: Math.floor(duration * 100) / 100 } satisfies MediaFile);
    }
  }
  if (pool.video.length === 0 || pool.music.length < 2 || pool.speech.length === 0) {
    throw new InvalidArgumentError(
      `The media folder ${root} needs video/ (footage), music/ (at least two tracks of 20 s or more) and speech/ (recorded speech); found ${pool.video.length} video, ${pool.music.length} music and ${pool.speech.length} speech files.`,
    );
  }
  return pool;
}
