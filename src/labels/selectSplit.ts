import { InvalidArgumentError } from '../errors.js';
import type { EpisodeLabel } from './types.js';

/**
 * The episodes of one split (`train`, `val`, `test`), or all of them for `all` or for labels
 * that carry no splits (the seeds' files). An empty selection is an error naming the split.
 */
export function selectSplit(labels: readonly EpisodeLabel[], split: string): EpisodeLabel[] {
  const hasSplits = labels.some((l) => l.split !== undefined);
  const chosen =
    split === 'all' || !hasSplits ? [...labels] : labels.filter((l) => l.split === split);
  if (chosen.length === 0)
    throw new InvalidArgumentError(
      `No labelled episodes in split "${split}" (the labels have: ${[...new Set(labels.map((l) => l.split ?? 'none'))].join(', ')}).`,
    );
  return chosen;
}
