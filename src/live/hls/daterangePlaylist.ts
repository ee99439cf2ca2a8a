/**
 * A live media playlist republished with the intro and credits as `EXT-X-DATERANGE` tags, so
 * players and packagers can offer "skip intro" or cut the credits.
 *
 * Written line by line rather than through hls-parser's `stringify`: a parse → stringify round
 * trip drops every tag hls-parser does not model (vendor and encoder tags), reformats EXTINF
 * and PROGRAM-DATE-TIME lines, can hold one DATERANGE per segment only, and prints DURATION
 * as JavaScript prints numbers. Rewriting only what must change (URIs) and inserting our
 * tags leaves the origin's playlist as it was, byte for byte elsewhere.
 */
import { InvalidArgumentError } from '../../errors.js';

/** One intro, credits or recap range, in wall-clock time (the playlist's program date-time). */
export interface SkipRange {
  /** Stable per range (`intro-<start epoch ms>`): a later tag with this ID only adds DURATION. */
  id: string;
  target: 'intro' | 'credits' | 'recap';
  /** ISO 8601 with milliseconds. */
  startDate: string;
  /** Absent while the range is open (its end not seen yet). */
  endDate?: string;
  /** The confidence when the range was opened: `X-CONFIDENCE`, never changed afterwards. */
  confidence: number;
  /**
   * The confidence when it was closed: `X-END-CONFIDENCE`, added with DURATION (RFC 8216bis
   * lets a later tag with the same ID add attributes, never change one, so the opening
   * confidence cannot be replaced).
   */
  endConfidence?: number;
}

/** The DATERANGE CLASS of each target (reverse-DNS, as RFC 8216bis asks of private classes). */
export const DATERANGE_CLASS: Readonly<Record<SkipRange['target'], string>> = {
  intro: 'com.introdetect.intro',
  credits: 'com.introdetect.credits',
  recap: 'com.introdetect.recap',
};

/** Media playlist tags whose `URI="…"` attribute names a resource relative to the playlist. */
const URI_TAGS = /^#EXT-X-(MAP|KEY|PART|PRELOAD-HINT|RENDITION-REPORT):/;

interface SegmentLine {
  /** Index of the segment's URI line. */
  line: number;
  /** Program date-time (epoch ms): its own tag, or carried from the previous segment. */
  date: number | undefined;
  duration: number;
}

/**
 * `source` (a media playlist's text and the URL it was fetched from) with every segment URI,
 * and the URIs of EXT-X-MAP, EXT-X-KEY and the low-latency tags, made absolute to
 * `source.url` (players fetch segments from the origin, as behind a manifest manipulator),
 * and one EXT-X-DATERANGE per range that is still open or ends after the playlist's first
 * dated segment starts (ranges that start after the window are kept: the segments follow).
 *
 * Each DATERANGE is written just before the URI of the segment its START-DATE falls in (so it
 * follows that segment's PROGRAM-DATE-TIME), the first dated segment for ranges that began
 * earlier, the last for ranges that begin later. Open ranges carry no DURATION; a later
 * playlist adds it under the same ID, every other attribute the same (RFC 8216bis 4.4.5.1).
 *
 * RFC 8216 §4.3.2.7: a playlist with EXT-X-DATERANGE must have EXT-X-PROGRAM-DATE-TIME, so
 * a source without any comes back with absolute URIs and no ranges. Everything else (target
 * duration, media and discontinuity sequence, ENDLIST, unknown tags) is kept as it was.
 */
export function republishPlaylist(
  source: { text: string; url: string },
  ranges: readonly SkipRange[],
): string {
  const lines = source.text.split(/\r?\n/);
  if (lines[0]?.trim() !== '#EXTM3U')
    throw new InvalidArgumentError(`Not an HLS playlist (no #EXTM3U first): ${source.url}`);
  if (lines.some((l) => l.startsWith('#EXT-X-STREAM-INF')))
    throw new InvalidArgumentError(
      `${source.url} is a master playlist; republish its media playlists.`,
    );
  const segments: SegmentLine[] = [];
  let duration = 0;
  let date: number | undefined;
  let carried: number | undefined;
  const out = lines.map((raw, i) => {
    const line = raw.trim();
    if (line === '') return raw;
    if (!line.startsWith('#')) {
      const own = date ?? carried;
      segments.push({ line: i, date: own, duration });
      carried = own === undefined ? undefined : own + duration * 1000;
      date = undefined;
      duration = 0;
      return absolute(line, source.url);
    }
    if (line.startsWith('#EXTINF:')) duration = Number.parseFloat(line.slice(8)) || 0;
    else if (line.startsWith('#EXT-X-PROGRAM-DATE-TIME:')) {
      const parsed = Date.parse(line.slice(25));
      date = Number.isNaN(parsed) ? undefined : parsed;
    } else if (line === '#EXT-X-DISCONTINUITY')
      carried = undefined; // a new timeline
    else if (URI_TAGS.test(line))
      return line.replace(/([:,]URI=)"([^"]*)"/, (_, key: string, uri: string) => {
        return `${key}"${absolute(uri, source.url)}"`;
      });
    return raw;
  });

  const dated = segments.filter((s): s is SegmentLine & { date: number } => s.date !== undefined);
  const first = dated[0];
  const last = dated.at(-1);
  if (!first || !last) return finish(out); // no PDT: DATERANGE would be invalid
  const tagsAt = new Map<number, string[]>();
  const shown = ranges
    .map((r) => ({ range: r, ...checkedDates(r) }))
    .filter((r) => r.end === undefined || r.end > first.date)
    .sort((a, b) => a.start - b.start);
  for (const r of shown) {
    const anchor =
      r.start < first.date
        ? first
        : (dated.findLast((s) => s.date <= r.start && r.start < s.date + s.duration * 1000) ??
          dated.findLast((s) => s.date <= r.start) ??
          last);
    const tags = tagsAt.get(anchor.line) ?? [];
    tags.push(dateRangeTag(r.range, r.start, r.end));
    tagsAt.set(anchor.line, tags);
  }
  return finish(out.flatMap((l, i) => [...(tagsAt.get(i) ?? []), l]));
}

/** Lines → text with one final newline. */
function finish(lines: string[]): string {
  while (lines.length > 0 && lines.at(-1)!.trim() === '') lines.pop();
  return `${lines.join('\n')}\n`;
}

function absolute(uri: string, base: string): string {
  try {
    return new URL(uri, base).href;
  } catch {
    return uri; // not a URL we can resolve (kept as the origin wrote it)
  }
}

/** The range's dates in epoch ms, checked. */
function checkedDates(range: SkipRange): { start: number; end: number | undefined } {
  const start = Date.parse(range.startDate);
  if (Number.isNaN(start))
    throw new InvalidArgumentError(
      `Range ${range.id}: startDate is not a date: ${range.startDate}`,
    );
  if (range.endDate === undefined) return { start, end: undefined };
  const end = Date.parse(range.endDate);
  if (Number.isNaN(end) || end < start)
    throw new InvalidArgumentError(
      `Range ${range.id}: endDate ${range.endDate} is not a date at or after ${range.startDate}`,
    );
  return { start, end };
}

/** A quoted-string attribute value (RFC 8216 §4.2: no double quote, CR or LF). */
function quoted(value: string, what: string): string {
  if (/["\r\n]/.test(value))
    throw new InvalidArgumentError(`${what} may not hold a double quote or a line break: ${value}`);
  return `"${value}"`;
}

function dateRangeTag(range: SkipRange, start: number, end: number | undefined): string {
  const attrs = [
    `ID=${quoted(range.id, 'A DATERANGE ID')}`,
    `CLASS="${DATERANGE_CLASS[range.target]}"`,
    `START-DATE="${new Date(start).toISOString()}"`,
  ];
  if (end !== undefined) attrs.push(`DURATION=${((end - start) / 1000).toFixed(3)}`);
  attrs.push(`X-CONFIDENCE=${decimal(range.confidence)}`);
  if (end !== undefined && range.endConfidence !== undefined)
    attrs.push(`X-END-CONFIDENCE=${decimal(range.endConfidence)}`);
  return `#EXT-X-DATERANGE:${attrs.join(',')}`;
}

/** A confidence as an HLS decimal-floating-point (3 decimals, never exponent notation). */
function decimal(value: number): string {
  if (!Number.isFinite(value) || value < 0)
    throw new InvalidArgumentError(`A confidence must be a number ≥ 0, not ${value}`);
  return value.toFixed(3);
}
