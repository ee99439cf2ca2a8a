import { InvalidArgumentError } from '../../errors.js';
import type { DetectionResult } from '../detectionResult.js';
import { formatEdl, type EdlActions } from './edl.js';
import { formatFfmetadata } from './ffmetadata.js';
import { jellyfinSegmentsOf } from './jellyfin.js';
import { formatWebVtt } from './webvtt.js';

/**
 * Sidecars: files beside a video, under the names players look for, each carrying a mark that
 * says introdetect wrote it. A file without the mark is someone else's and is never replaced.
 *
 * The marks are comments of each format, ignored by its readers:
 * - EDL: a first line `## written by introdetect …`. Kodi's EDL reader skips a line whose first
 *   field starts with `##` as a comment (xbmc/cores/VideoPlayer/Edl.cpp, `CEdl::ReadEdl`).
 * - WebVTT: a `NOTE` block; ffmetadata: a `;` comment line after the `;FFMETADATA1` header.
 * - Jellyfin segments JSON: a `"Generator": "introdetect"` member.
 */
export const SIDECAR_MARK = 'written by introdetect';

const EDL_MARK_LINE = `## ${SIDECAR_MARK} (it rewrites this file; delete this line to keep your own edits)\n`;

/** Sidecar kind → the file name after the video's stem, and the marked text. */
export const SIDECAR_KINDS = Object.freeze({
  edl: {
    extension: '.edl',
    format: (r: DetectionResult, o: SidecarFormatOptions) =>
      EDL_MARK_LINE + formatEdl(r, o.edlActions ? { actions: o.edlActions } : {}),
    isOwn: (text: string) => text.split('\n').some((l) => l.startsWith(`## ${SIDECAR_MARK}`)),
  },
  vtt: {
    extension: '.chapters.vtt',
    format: (r: DetectionResult) =>
      formatWebVtt(r).replace(/^WEBVTT\n/, `WEBVTT\n\nNOTE ${SIDECAR_MARK}\n`),
    isOwn: (text: string) => /^NOTE written by introdetect$/m.test(text),
  },
  ffmetadata: {
    extension: '.ffmetadata',
    format: (r: DetectionResult) =>
      formatFfmetadata(r).replace(/^;FFMETADATA1\n/, `;FFMETADATA1\n; ${SIDECAR_MARK}\n`),
    isOwn: (text: string) => /^; written by introdetect$/m.test(text),
  },
  jellyfin: {
    extension: '.segments.json',
    format: (r: DetectionResult) =>
      `${JSON.stringify({ Generator: 'introdetect', ...jellyfinSegmentsOf(r) }, null, 2)}\n`,
    isOwn: (text: string) => {
      try {
        return (JSON.parse(text) as { Generator?: unknown }).Generator === 'introdetect';
      } catch {
        return false;
      }
    },
  },
} as const);

export type SidecarKind = keyof typeof SIDECAR_KINDS;

export interface SidecarFormatOptions {
  edlActions?: EdlActions;
}

/** `edl,vtt` → `['edl', 'vtt']`; an unknown kind fails, listing the valid ones. */
export function parseSidecarKinds(list: string): SidecarKind[] {
  const kinds: SidecarKind[] = [];
  for (const name of list.split(',').map((s) => s.trim())) {
    if (!Object.hasOwn(SIDECAR_KINDS, name)) {
      throw new InvalidArgumentError(
        `Unknown sidecar "${name}". Valid sidecars: ${Object.keys(SIDECAR_KINDS).join(', ')}.`,
      );
    }
    if (!kinds.includes(name as SidecarKind)) kinds.push(name as SidecarKind);
  }
  return kinds;
}

/** The marked text of one sidecar. */
export function formatSidecar(
  result: DetectionResult,
  kind: SidecarKind,
  options: SidecarFormatOptions = {},
): string {
  return SIDECAR_KINDS[kind].format(result, options);
}

/** Whether `text`, the content of a sidecar of this kind, carries introdetect's mark. */
export function isOwnSidecar(kind: SidecarKind, text: string): boolean {
  return SIDECAR_KINDS[kind].isOwn(text);
}
