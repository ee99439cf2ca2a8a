import { fileStem } from '../labels/fileStem.js';
import type { EpisodeLabel } from '../labels/types.js';
import type { EpisodePrediction } from './predictionTypes.js';

export interface MatchedEpisode {
  label: EpisodeLabel;
  pred: EpisodePrediction;
}

export interface EpisodeMatch {
  matched: MatchedEpisode[];
  /** Label ids with no prediction. */
  missing: string[];
  /** Prediction ids that match no label. */
  unlabelled: string[];
  warnings: string[];
}

/**
 * Pairs predictions with labels: by id first, else by the prediction's file name without
 * extension; a label also answers to its own file's name without extension. A second
 * prediction for the same episode is ignored, with a warning.
 */
export function matchEpisodes(
  labels: readonly EpisodeLabel[],
  preds: readonly EpisodePrediction[],
): EpisodeMatch {
  const byKey = new Map<string, EpisodeLabel>();
  for (const l of labels) byKey.set(l.id, l);
  for (const l of labels) {
    if (l.file !== undefined && !byKey.has(fileStem(l.file))) byKey.set(fileStem(l.file), l);
  }
  const taken = new Map<string, EpisodePrediction>();
  const unlabelled: string[] = [];
  const warnings: string[] = [];
  for (const p of preds) {
    const label =
      byKey.get(p.id) ?? (p.file !== undefined ? byKey.get(fileStem(p.file)) : undefined);
    if (label === undefined) {
      unlabelled.push(p.id);
      continue;
    }
    if (taken.has(label.id)) {
      warnings.push(`video ${label.id}: more than one prediction; using the first.`);
      continue;
    }
    taken.set(label.id, p);
  }
  const matched: MatchedEpisode[] = [];
  const missing: string[] = [];
  for (const label of labels) {
    const pred = taken.get(label.id);
    if (pred === undefined) missing.push(label.id);
    else matched.push({ label, pred });
  }
  return { matched, missing, unlabelled, warnings };
}
