import type { DetectionResult } from '../detectionResult.js';
import { chaptersOf } from './chapters.js';

/**
 * The EditionUID of the chapters introdetect writes into Matroska files: "introd" in ASCII.
 * Chapters of another edition are someone else's and are left alone. Chapter UIDs follow it.
 */
export const INTRODETECT_EDITION_UID = 0x696e74726f64;

const xmlEscape = (s: string) =>
  s.replace(
    /[<>&"']/g,
    (c) => `&${{ '<': 'lt', '>': 'gt', '&': 'amp', '"': 'quot', "'": 'apos' }[c]};`,
  );

/** `HH:MM:SS.nnnnnnnnn`, as Matroska chapter XML wants it (from whole milliseconds). */
export function matroskaTimestamp(seconds: number): string {
  const ms = Math.round(seconds * 1000);
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor((ms % 3_600_000) / 60_000);
  const s = Math.floor((ms % 60_000) / 1000);
  return `${pad(h)}:${pad(m)}:${pad(s)}.${pad(ms % 1000, 3)}000000`;
}

/**
 * Matroska chapter XML (what `mkvpropedit --chapters` reads): one edition, marked with
 * {@link INTRODETECT_EDITION_UID}, with the chapters of {@link chaptersOf}.
 */
export function formatMatroskaChapters(result: DetectionResult): string {
  const atoms = chaptersOf(result).map(
    (c, i) => `    <ChapterAtom>
      <ChapterUID>${INTRODETECT_EDITION_UID + i + 1}</ChapterUID>
      <ChapterTimeStart>${matroskaTimestamp(c.start)}</ChapterTimeStart>
      <ChapterTimeEnd>${matroskaTimestamp(c.end)}</ChapterTimeEnd>
      <ChapterDisplay>
        <ChapterString>${xmlEscape(c.title)}</ChapterString>
        <ChapterLanguage>und</ChapterLanguage>
      </ChapterDisplay>
    </ChapterAtom>
`,
  );
  return `<?xml version="1.0" encoding="UTF-8"?>
<Chapters>
  <EditionEntry>
    <EditionUID>${INTRODETECT_EDITION_UID}</EditionUID>
${atoms.join('')}  </EditionEntry>
</Chapters>
`;
}

/**
 * Who wrote a file's chapters, from their XML (`mkvextract FILE chapters -`): `none`,
 * `introdetect` (every edition is introdetect's), or `other`.
 */
export function matroskaChaptersOwner(xml: string): 'none' | 'introdetect' | 'other' {
  if (!/<ChapterAtom>/.test(xml) && !/<EditionEntry>/.test(xml)) return 'none';
  const editions = xml.split('<EditionEntry>').slice(1);
  const ours = editions.every((e) =>
    new RegExp(`<EditionUID>\\s*${INTRODETECT_EDITION_UID}\\s*</EditionUID>`).test(e),
  );
  return editions.length > 0 && ours ? 'introdetect' : 'other';
}
