import { dirname } from 'node:path';

/** How `detect` and `compare` decide which files are episodes of one series. */
export type SeriesGrouping = 'folder' | 'none';

export const SERIES_GROUPINGS: readonly SeriesGrouping[] = ['folder', 'none'];

export function parseSeriesGrouping(value: string): SeriesGrouping {
  if ((SERIES_GROUPINGS as readonly string[]).includes(value)) return value as SeriesGrouping;
  throw new Error(`"${value}" is not one of ${SERIES_GROUPINGS.join(', ')}.`);
}

/**
 * Items grouped by `keyOf` (order of first appearance, each group in input order); with no
 * key function, every item alone.
 */
export function groupBy<T>(items: readonly T[], keyOf?: (item: T) => string): T[][] {
  if (!keyOf) return items.map((item) => [item]);
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    const group = groups.get(key);
    if (group) group.push(item);
    else groups.set(key, [item]);
  }
  return [...groups.values()];
}

/** The grouping's key for a file: its folder (a season's folder, on a media server), or none. */
export function seriesKey(grouping: SeriesGrouping): ((file: string) => string) | undefined {
  return grouping === 'folder' ? (file) => dirname(file) : undefined;
}
