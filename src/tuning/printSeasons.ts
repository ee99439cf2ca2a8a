import { dirname } from 'node:path';
import { AbortedError, IntrodetectError } from '../errors.js';
import { mediaPathOf } from '../features/featurizeLabelled.js';
import type { EpisodeModel } from '../fusion/episodeModel.js';
import type { LocateFfmpegOptions } from '../streams/locateFfmpeg.js';
import type { EpisodeLabel } from '../labels/types.js';
import { detectPrinted } from '../series/detectPrinted.js';
import { groupBy } from '../series/groupEpisodes.js';
import type { PrintedEpisode } from '../series/seriesJoiner.js';

export interface PrintSeasonsOptions extends LocateFfmpegOptions {
  model: EpisodeModel;
  /** Folder the labels' media paths are relative to. */
  mediaDir: string;
  signal?: AbortSignal;
  /** Called after each episode: its label, and the error when it could not be detected. */
  onEpisode?: (label: EpisodeLabel, done: number, total: number, error?: IntrodetectError) => void;
}

/**
 * Detects every labelled episode alone, keeping the prints the series step compares, grouped
 * into series (a label's `series`, else its file's folder) in the labels' order. What `tune
 * --series` searches over: the series step is cheap to run again, detection is not. Episodes
 * whose media is missing or broken are reported and left out.
 */
export async function printSeasons(
  labels: readonly EpisodeLabel[],
  options: PrintSeasonsOptions,
): Promise<Array<Array<PrintedEpisode & { id: string }>>> {
  const { model, mediaDir, signal, onEpisode, ...ffmpeg } = options;
  const located = labels.flatMap((label) => {
    const file = mediaPathOf(label, mediaDir);
    return file ? [{ label, file }] : [];
  });
  const seasons: Array<Array<PrintedEpisode & { id: string }>> = [];
  let done = 0;
  for (const group of groupBy(located, (e) => e.label.series ?? dirname(e.file))) {
    const season: Array<PrintedEpisode & { id: string }> = [];
    for (const { label, file } of group) {
      try {
        const printed = await detectPrinted(file, {
          ...ffmpeg,
          model,
          ...(signal ? { signal } : {}),
        });
        season.push({ ...printed, id: label.id });
        onEpisode?.(label, ++done, located.length);
      } catch (err) {
        if (!(err instanceof IntrodetectError) || err instanceof AbortedError) throw err;
        onEpisode?.(label, ++done, located.length, err);
      }
    }
    if (season.length > 0) seasons.push(season);
  }
  return seasons;
}
