/**
 * The pool's MANIFEST.tsv: one row per prepared file with its kind, duration, source, license,
 * use and origin. The use is the source's (uses.ts), so the file says which material an
 * evaluation corpus may draw from without the code that built it.
 */
import { InvalidArgumentError } from '../../errors.js';
import type { MediaUse } from '../types.js';

export type PoolKind = 'video' | 'music' | 'speech' | 'font';

export interface PoolEntry {
  /** Relative to the pool folder, forward slashes. */
  path: string;
  kind: PoolKind;
  /** Seconds; 0 for fonts. */
  duration: number;
  /** The source the use is decided by (`deb:xmoto-data`, `film:sintel`, `speaker:ljspeech`). */
  source: string;
  license: string;
  use: MediaUse;
  /** Where the file came from: package, version and path, or the shared MANIFEST's origin. */
  origin: string;
}

const COLUMNS = ['path', 'kind', 'duration_s', 'source', 'license', 'use', 'origin'] as const;
const KINDS: readonly PoolKind[] = ['video', 'music', 'speech', 'font'];

const clean = (value: string): string => value.replace(/[\t\r\n]+/g, ' ').trim();

/** The manifest text, rows sorted by path. */
export function formatPoolManifest(entries: readonly PoolEntry[]): string {
  const rows = [...entries]
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))
    .map((e) =>
      [e.path, e.kind, e.duration.toFixed(1), e.source, e.license, e.use, e.origin]
        .map(clean)
        .join('\t'),
    );
  return `${[COLUMNS.join('\t'), ...rows].join('\n')}\n`;
}

/**
 * Reads a manifest by its header (columns may come in any order; `path` and `use` are
 * required, the rest optional). A row with an unknown use or kind is an error, naming the line.
 */
export function parsePoolManifest(text: string, where = 'MANIFEST.tsv'): PoolEntry[] {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  const header = (lines.shift() ?? '').split('\t').map((h) => h.trim());
  const col = (name: string): number => header.indexOf(name);
  if (col('path') < 0 || col('use') < 0)
    throw new InvalidArgumentError(
      `${where} needs a header with "path" and "use" columns (found: ${header.join(', ')}).`,
    );
  return lines.map((line, i) => {
    const cells = line.split('\t');
    const get = (name: string): string => cells[col(name)]?.trim() ?? '';
    const use = get('use');
    if (use !== 'train' && use !== 'eval')
      throw new InvalidArgumentError(
        `${where} line ${i + 2}: use must be train or eval, got "${use}".`,
      );
    const path = get('path');
    const kind = get('kind') || path.split('/')[0] || '';
    const normalized = kind === 'fonts' ? 'font' : kind;
    if (!KINDS.includes(normalized as PoolKind))
      throw new InvalidArgumentError(
        `${where} line ${i + 2}: kind must be one of ${KINDS.join(', ')}, got "${kind}".`,
      );
    const duration = Number.parseFloat(get('duration_s'));
    return {
      path,
      kind: normalized as PoolKind,
      duration: Number.isFinite(duration) ? duration : 0,
      source: get('source'),
      license: get('license'),
      use,
      origin: get('origin'),
    };
  });
}
