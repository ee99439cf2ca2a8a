import { readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { DetectionResult } from '../fusion/detectionResult.js';
import { sameSignature, statSignature } from '../watch/fileSignature.js';
import { isMediaName } from '../watch/mediaFiles.js';
import { scanTree, type ScannedFile } from '../watch/scanTree.js';
import { StateStore, type FileRecord } from '../watch/stateStore.js';

/** An episode's state as the API reports it, from the watcher's state file and results. */
export type EpisodeStatus = 'pending' | 'processing' | 'done' | 'failed';

export interface EpisodeSummary {
  /** Path under the library (`Show/Season 1/ep1.mkv`): the episode's id in the API. */
  key: string;
  name: string;
  status: EpisodeStatus;
  /** The JSON result file (absolute) when the episode is done and has one. */
  resultPath: string | null;
  lastError: string | null;
  updatedAt: string | null;
}

export interface SeasonSummary {
  /** The season's folder under the library (`Show/Season 1`; `.` for files at the top). */
  dir: string;
  series: string;
  name: string;
  episodes: EpisodeSummary[];
}

/** Where the server finds what `watch` wrote: the library and its state file. */
export interface LibraryStore {
  root: string;
  statePath: string;
}

/** The folder under the library a key lies in (`.` at the top). */
export const seasonDirOf = (key: string): string => dirname(key);

function seriesAndSeason(dir: string): { series: string; name: string } {
  if (dir === '.') return { series: '.', name: '.' };
  const parts = dir.split('/');
  return { series: parts[0]!, name: parts.length > 1 ? parts.slice(1).join('/') : parts[0]! };
}

function statusOf(
  file: ScannedFile,
  record: FileRecord | undefined,
): Omit<EpisodeSummary, 'key' | 'name'> {
  const none = { resultPath: null, lastError: null, updatedAt: record?.updatedAt ?? null };
  // A record for another version of the file says nothing about this one.
  if (!record || !sameSignature(record, file)) return { status: 'pending', ...none };
  switch (record.status) {
    case 'done': {
      const json = record.results.find((r) => r.endsWith('.intro.json')) ?? null;
      return json ? { ...none, status: 'done', resultPath: json } : { ...none, status: 'pending' };
    }
    case 'failed':
      return { ...none, status: 'failed', lastError: record.lastError };
    case 'processing':
    case 'committing':
      return { ...none, status: 'processing' };
    default:
      return { ...none, status: 'pending' };
  }
}

/**
 * The library's seasons (media files grouped by folder, as `--series folder` groups them),
 * each episode with its status from the watcher's state file, read fresh on every call: the
 * server keeps no copy of it.
 */
export async function readLibrary(store: LibraryStore): Promise<SeasonSummary[]> {
  const [files, state] = await Promise.all([
    scanTree(store.root, { accept: (name) => isMediaName(name) }),
    StateStore.open(store.statePath, store.root),
  ]);
  const seasons = new Map<string, SeasonSummary>();
  for (const file of files) {
    const dir = seasonDirOf(file.key);
    let season = seasons.get(dir);
    if (!season) {
      season = { dir, ...seriesAndSeason(dir), episodes: [] };
      seasons.set(dir, season);
    }
    season.episodes.push({
      key: file.key,
      name: file.key.slice(file.key.lastIndexOf('/') + 1),
      ...statusOf(file, state.get(file.key)),
    });
  }
  return [...seasons.values()];
}

/** One episode's summary (`path`: the file, already checked to lie in the library). */
export async function readEpisode(
  store: LibraryStore,
  key: string,
  path: string,
): Promise<EpisodeSummary | undefined> {
  const signature = await statSignature(path);
  if (!signature) return undefined;
  const state = await StateStore.open(store.statePath, store.root);
  const file: ScannedFile = { key, path, ...signature };
  return {
    key,
    name: key.slice(key.lastIndexOf('/') + 1),
    ...statusOf(file, state.get(key)),
  };
}

/** Reads a detection result file (one line of JSON, as `detect --format json` writes). */
export async function readDetection(path: string): Promise<DetectionResult> {
  return JSON.parse(await readFile(path, 'utf8')) as DetectionResult;
}
