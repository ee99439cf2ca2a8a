import { createHash } from 'node:crypto';
import type { FileSignature } from '../watch/fileSignature.js';

/**
 * The job queue's shapes. One BullMQ queue holds two kinds of job, linked as a flow: a
 * `season` job (a media folder) whose children are its `episode` jobs. An episode job detects
 * one file, keeps its prints in the folder's print store and writes its results at once (joined
 * with the episodes of its folder already stored, as `watch` does); once every child has
 * finished, the season job runs the series step over the folder's stored episodes, as `detect`
 * runs it over the folder (intros joined, recaps and previews found), and rewrites their
 * results. A failed episode (after its retries) does not hold the season back
 * (`ignoreDependencyOnFailure`): it is left out of the join.
 */
export const QUEUE_NAME = 'introdetect';

export const EPISODE_JOB = 'episode';
export const SEASON_JOB = 'season';

/** Where a job's results go: the layout of `watch` over `root` (results under `outDir` or next to each file). */
export interface JobLayout {
  /** The folder given to `queue add` (or `watch`), absolute: results mirror the folders below it. */
  readonly root: string;
  /** Results here instead of next to the media (a worker's `--out` overrides it). */
  readonly outDir?: string;
}

export interface EpisodeJobData extends JobLayout, FileSignature {
  /** The media file, absolute. */
  readonly file: string;
  /** Its path relative to `root`, `/`-separated (its key in the watch layout). */
  readonly key: string;
  /** The keys of the other episodes of its folder (two with one stem keep their extension). */
  readonly siblings: readonly string[];
}

export interface SeasonJobData extends JobLayout {
  /** The season's folder, absolute. */
  readonly dir: string;
  /** Every episode of the folder at enqueue time, by key, in name order. */
  readonly episodes: readonly string[];
}

/** What an episode job returns to its season (its result alone waits on disk, beside its prints). */
export interface EpisodeJobResult {
  readonly file: string;
  readonly key: string;
  /** Result files written, absolute. */
  readonly results: readonly string[];
  readonly elapsedMs: number;
}

export interface SeasonJobResult {
  readonly dir: string;
  readonly joined: number;
  readonly results: readonly string[];
}

const hash = (...parts: string[]) =>
  createHash('sha1').update(parts.join('\0')).digest('hex').slice(0, 24);

/**
 * An episode's job id: its path and file signature. The same file adds nothing twice (BullMQ
 * keeps one job per id); a changed file (size, mtime or inode) is a new job.
 */
export function episodeJobId(file: string, signature: FileSignature): string {
  return `ep-${hash(file, signature.size, signature.mtimeNs, signature.ino)}`;
}

/** A season's job id: its folder and the ids of the episode jobs it joins. */
export function seasonJobId(dir: string, episodeIds: readonly string[]): string {
  return `season-${hash(dir, ...[...episodeIds].sort())}`;
}
