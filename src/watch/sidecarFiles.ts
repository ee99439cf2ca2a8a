import { readFile } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
import type { DetectionResult } from '../fusion/detectionResult.js';
import {
  formatSidecar,
  isOwnSidecar,
  SIDECAR_KINDS,
  type SidecarFormatOptions,
  type SidecarKind,
} from '../fusion/formats/sidecar.js';
import { writeFileAtomic } from '../util/atomicFile.js';

export interface SidecarOptions extends SidecarFormatOptions {
  /** Which sidecars to write (default: edl). */
  kinds?: readonly SidecarKind[];
  /** Told about every sidecar left alone because introdetect did not write it. */
  onWarning?: (message: string) => void;
}

export interface SidecarOutcome {
  /** Sidecars written (created, or replaced because introdetect wrote them before). */
  written: string[];
  /** Sidecars that exist without introdetect's mark: left as they were. */
  kept: string[];
}

/** `/v/Show/ep1.mkv` → `/v/Show/ep1.edl` (the stem, as Kodi's `ReplaceExtension` makes it). */
export function sidecarPath(video: string, kind: SidecarKind): string {
  return join(dirname(video), basename(video, extname(video)) + SIDECAR_KINDS[kind].extension);
}

async function readIfExists(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

/**
 * Writes the sidecars of `video` beside it, each atomically (temporary name, fsync, rename).
 * A sidecar that already exists is replaced only when it carries introdetect's mark; any other
 * is someone else's (comskip's EDL, a hand-made one) and is kept, with a warning.
 */
export async function writeSidecars(
  video: string,
  result: DetectionResult,
  options: SidecarOptions = {},
): Promise<SidecarOutcome> {
  const { kinds = ['edl'], onWarning, ...format } = options;
  const outcome: SidecarOutcome = { written: [], kept: [] };
  for (const kind of kinds) {
    const path = sidecarPath(video, kind);
    const before = await readIfExists(path);
    if (before !== undefined && !isOwnSidecar(kind, before)) {
      outcome.kept.push(path);
      onWarning?.(
        `kept ${path}: introdetect did not write it, so it is not replaced (move it away to let introdetect write one)`,
      );
      continue;
    }
    await writeFileAtomic(path, formatSidecar(result, kind, format));
    outcome.written.push(path);
  }
  return outcome;
}
