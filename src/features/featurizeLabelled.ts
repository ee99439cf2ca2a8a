import { existsSync } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';
import type { EpisodeLabel } from '../labels/types.js';
import { dumpFeatures } from './dumpFeatures.js';
import { ffmpegOptionsOf, type LocateFfmpegOptions } from '../streams/locateFfmpeg.js';

export interface FeaturizeOptions extends LocateFfmpegOptions {
  /** Folder the episodes' `file` paths are relative to (default: the labels file's folder). */
  mediaDir: string;
  /** Where the dumps go: `<outDir>/<id>/`. */
  outDir: string;
  /** Frames only (vision-only training). */
  audio?: boolean;
  onEpisode?: (event: {
    id: string;
    index: number;
    total: number;
    seconds?: number;
    skipped?: boolean;
    error?: Error;
  }) => void;
  signal?: AbortSignal;
}

/** Finds an episode's media: its `file` field, else `<id>.<ext>` for common extensions. */
export function mediaPathOf(label: EpisodeLabel, mediaDir: string): string | undefined {
  if (label.file) return isAbsolute(label.file) ? label.file : join(mediaDir, label.file);
  for (const ext of ['mkv', 'mp4', 'ts', 'webm', 'mov', 'avi', 'm4v']) {
    const p = join(mediaDir, `${label.id}.${ext}`);
    if (existsSync(p)) return p;
  }
  return undefined;
}

/**
 * Writes the feature dump of every labelled episode (resumable: a finished dump, one with a
 * meta.json, is kept). The dumps are what training reads. Episodes whose media is missing or
 * broken are reported through `onEpisode` and skipped; the others go on.
 */
export async function featurizeLabelled(
  labels: readonly EpisodeLabel[],
  options: FeaturizeOptions,
): Promise<{ done: string[]; failed: string[] }> {
  const done: string[] = [];
  const failed: string[] = [];
  for (const [index, label] of labels.entries()) {
    options.signal?.throwIfAborted();
    const out = join(options.outDir, label.id);
    const base = { id: label.id, index, total: labels.length };
    if (existsSync(join(out, 'meta.json'))) {
      done.push(label.id);
      options.onEpisode?.({ ...base, skipped: true });
      continue;
    }
    const media = mediaPathOf(label, options.mediaDir);
    try {
      if (!media) throw new Error(`no media file for ${label.id} in ${options.mediaDir}`);
      const meta = await dumpFeatures(media, out, {
        ...ffmpegOptionsOf(options),
        audio: options.audio ?? true,
        ...(options.signal ? { signal: options.signal } : {}),
      });
      done.push(label.id);
      options.onEpisode?.({ ...base, seconds: meta.seconds });
    } catch (error) {
      if (options.signal?.aborted) throw error;
      failed.push(label.id);
      options.onEpisode?.({
        ...base,
        error: error instanceof Error ? error : new Error(String(error)),
      });
    }
  }
  return { done, failed };
}

export function defaultMediaDir(labelsPath: string): string {
  return dirname(labelsPath);
}
