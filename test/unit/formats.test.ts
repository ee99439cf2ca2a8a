import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parsePrediction } from '../../src/eval/parsePrediction.js';
import type { DetectionResult } from '../../src/fusion/detectionResult.js';
import { chaptersOf } from '../../src/fusion/formats/chapters.js';
import { formatEdl, parseEdlActions, type EdlAction } from '../../src/fusion/formats/edl.js';
import { escapeFfmetadata, formatFfmetadata } from '../../src/fusion/formats/ffmetadata.js';
import { formatResult, parseOutputFormat } from '../../src/fusion/formats/index.js';
import { formatJellyfin, toTicks } from '../../src/fusion/formats/jellyfin.js';
import { formatJson } from '../../src/fusion/formats/json.js';
import {
  formatMatroskaChapters,
  INTRODETECT_EDITION_UID,
  matroskaChaptersOwner,
  matroskaTimestamp,
} from '../../src/fusion/formats/matroskaChapters.js';
import {
  formatSidecar,
  isOwnSidecar,
  parseSidecarKinds,
  SIDECAR_KINDS,
  type SidecarKind,
} from '../../src/fusion/formats/sidecar.js';
import { formatWebVtt, vttTimestamp } from '../../src/fusion/formats/webvtt.js';

// --- parsers: read each format back the way its consumer would -------------------------------

/** As Kodi reads it: blank lines and lines whose first field starts with `##` are skipped. */
function parseEdl(text: string): Array<{ start: number; end: number; action: number }> {
  return text
    .split('\n')
    .filter((l) => l.trim() !== '' && !l.trim().startsWith('##'))
    .map((l) => {
      const [start, end, action, ...rest] = l.trim().split(/\s+/);
      expect(rest).toEqual([]);
      return { start: Number(start), end: Number(end), action: Number(action) };
    });
}

function parseFfmetadata(text: string): Array<{ start: number; end: number; title: string }> {
  const lines = text.split('\n');
  expect(lines[0]).toBe(';FFMETADATA1');
  const chapters: Array<Record<string, string>> = [];
  for (const line of lines.slice(1)) {
    if (line === '[CHAPTER]') chapters.push({});
    else if (line.includes('=') && chapters.length > 0) {
      const i = line.indexOf('=');
      chapters[chapters.length - 1]![line.slice(0, i)] = line.slice(i + 1);
    }
  }
  return chapters.map((c) => {
    expect(c.TIMEBASE).toBe('1/1000');
    return { start: Number(c.START) / 1000, end: Number(c.END) / 1000, title: c.title ?? '' };
  });
}

function parseVttTime(s: string): number {
  const m = /^(\d{2,}):(\d{2}):(\d{2})\.(\d{3})$/.exec(s);
  expect(m, s).not.toBeNull();
  const [, h, mm, ss, ms] = m!;
  return Number(h) * 3600 + Number(mm) * 60 + Number(ss) + Number(ms) / 1000;
}

function parseWebVtt(text: string): Array<{ start: number; end: number; title: string }> {
  const blocks = text.split(/\n\n+/);
  expect(blocks[0]).toBe('WEBVTT');
  return blocks
    .slice(1)
    .filter((b) => b.trim() !== '')
    .map((b) => {
      const [, timing, title] = b.split('\n');
      const [from, to] = timing!.split(' --> ');
      return { start: parseVttTime(from!), end: parseVttTime(to!), title: title ?? '' };
    });
}

// --- results ---------------------------------------------------------------------------------

const result = (over: Partial<DetectionResult> = {}): DetectionResult => ({
  id: 'S01E01',
  file: '/media/S01E01.mkv',
  duration: 1325.52,
  mode: 'fused',
  intro: { start: 62, end: 121, confidence: 0.9312345 },
  credits: { start: 1268, end: 1325, confidence: 0.8712345 },
  probabilities: {
    intro: { from: 0, values: [0.1234567, 0.9] },
    credits: { from: 994, values: [0.2, 0.8765432] },
  },
  threshold: { intro: 0.5, credits: 0.5 },
  ...over,
});

/** Random but consistent results: intro in the head, credits in the tail, ms precision. */
const resultArb = fc
  .record({
    duration: fc.integer({ min: 60_000, max: 10_800_000 }).map((ms) => ms / 1000),
    intro: fc.option(
      fc.tuple(
        fc.double({ min: 0, max: 0.49, noNaN: true }),
        fc.double({ min: 0.001, max: 0.01, noNaN: true }),
      ),
    ),
    credits: fc.option(
      fc.tuple(
        fc.double({ min: 0.75, max: 0.98, noNaN: true }),
        fc.double({ min: 0.001, max: 0.02, noNaN: true }),
      ),
    ),
  })
  .map(({ duration, intro, credits }) => {
    // Like detect: whole seconds, never past the last whole second of the file.
    const at = (f: number) => Math.min(Math.floor(duration), Math.round(f * duration));
    const iv = (t: [number, number] | null) =>
      t && { start: at(t[0]), end: Math.max(at(t[0]) + 1, at(t[0] + t[1])), confidence: 0.5 };
    return result({ duration, intro: iv(intro), credits: iv(credits) });
  });

describe('json', () => {
  it('is one line that the eval harness parses back, rounded to 4 decimals', () => {
    const text = formatJson(result());
    expect(text.endsWith('\n')).toBe(true);
    expect(text.trimEnd()).not.toContain('\n');
    const parsed = JSON.parse(text) as DetectionResult;
    expect(parsed.intro).toEqual({ start: 62, end: 121, confidence: 0.9312 });
    expect(parsed.probabilities.intro.values).toEqual([0.1235, 0.9]);
    expect(parsed.probabilities.credits.from).toBe(994);
    const pred = parsePrediction(parsed, 'test');
    expect(pred).toMatchObject({ id: 'S01E01', duration: 1325.52, mode: 'fused' });
    expect(pred.credits).toEqual({ start: 1268, end: 1325, confidence: 0.8712 });
  });

  it('writes null for "none found"', () => {
    const parsed = JSON.parse(formatJson(result({ intro: null }))) as DetectionResult;
    expect(parsed.intro).toBeNull();
  });
});

describe('edl', () => {
  it('writes commercial-break lines (action 3) that parse back to the intervals', () => {
    fc.assert(
      fc.property(resultArb, (r) => {
        const lines = parseEdl(formatEdl(r));
        const want = [r.intro, r.credits].filter((i) => i !== null);
        expect(lines).toEqual(want.map((i) => ({ start: i.start, end: i.end, action: 3 })));
      }),
    );
  });

  it('takes the action of each segment kind; kinds left out keep 3', () => {
    const action = fc.constantFrom<EdlAction>(0, 1, 2, 3);
    fc.assert(
      fc.property(resultArb, action, action, (r, intro, credits) => {
        const lines = parseEdl(formatEdl(r, { actions: { intro, credits } }));
        const want = [
          ...(r.intro ? [{ start: r.intro.start, end: r.intro.end, action: intro }] : []),
          ...(r.credits ? [{ start: r.credits.start, end: r.credits.end, action: credits }] : []),
        ];
        expect(lines).toEqual(want);
      }),
    );
    const onlyCredits = parseEdl(formatEdl(result(), { actions: { credits: 0 } }));
    expect(onlyCredits.map((l) => l.action)).toEqual([3, 0]);
  });

  it('is empty without intervals', () => {
    expect(formatEdl(result({ intro: null, credits: null }))).toBe('');
  });

  it('parses --edl-action lists and rejects bad ones, naming the kinds and actions', () => {
    expect(parseEdlActions('intro=3,credits=0')).toEqual({ intro: 3, credits: 0 });
    expect(parseEdlActions(' recap = 2 ')).toEqual({ recap: 2 });
    for (const bad of ['intro=4', 'opening=3', 'intro', 'intro=3,intro=0', 'intro=3,', '']) {
      expect(() => parseEdlActions(bad), bad).toThrow(/intro|twice/);
    }
    expect(() => parseEdlActions('opening=3')).toThrow(
      /intro, credits, recap, preview, commercial.*0 \(cut\)/,
    );
  });
});

describe('jellyfin media segments', () => {
  it('are Intro and Outro with times in 100-ns ticks, shaped like GET /MediaSegments', () => {
    const doc = JSON.parse(formatJellyfin(result())) as Record<string, unknown>;
    expect(doc).toEqual({
      Items: [
        { Type: 'Intro', StartTicks: 620_000_000, EndTicks: 1_210_000_000 },
        { Type: 'Outro', StartTicks: 12_680_000_000, EndTicks: 13_250_000_000 },
      ],
      TotalRecordCount: 2,
      StartIndex: 0,
      Path: '/media/S01E01.mkv',
    });
    const none = JSON.parse(formatJellyfin(result({ intro: null, credits: null }))) as {
      Items: unknown[];
      TotalRecordCount: number;
    };
    expect(none.Items).toEqual([]);
    expect(none.TotalRecordCount).toBe(0);
  });

  it('ticks are whole numbers that convert back to the millisecond', () => {
    expect(toTicks(1.5)).toBe(15_000_000);
    expect(toTicks(0.0000001)).toBe(1);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 86_400_000 }), (ms) => {
        const t = toTicks(ms / 1000);
        expect(Number.isInteger(t)).toBe(true);
        expect(t / 10_000).toBe(ms);
      }),
    );
    fc.assert(
      fc.property(resultArb, (r) => {
        const doc = JSON.parse(formatJellyfin(r)) as {
          Items: Array<{ Type: string; StartTicks: number; EndTicks: number }>;
        };
        for (const item of doc.Items) {
          const iv = item.Type === 'Intro' ? r.intro : r.credits;
          expect(iv).not.toBeNull();
          expect(item.StartTicks / 1e7).toBeCloseTo(iv!.start, 6);
          expect(item.EndTicks / 1e7).toBeCloseTo(iv!.end, 6);
          expect(item.EndTicks).toBeGreaterThan(item.StartTicks);
        }
      }),
    );
  });
});

describe('sidecars (what players load, marked as introdetect’s)', () => {
  const kinds = Object.keys(SIDECAR_KINDS) as SidecarKind[];

  it('each kind is marked, and the mark is what tells introdetect’s files from others', () => {
    for (const kind of kinds) {
      expect(isOwnSidecar(kind, formatSidecar(result(), kind)), kind).toBe(true);
      expect(isOwnSidecar(kind, formatSidecar(result({ intro: null, credits: null }), kind))).toBe(
        true,
      );
    }
    // What other tools write: comskip's EDL, a hand-made WebVTT, ffmpeg's own metadata dump,
    // Jellyfin's own answer.
    expect(isOwnSidecar('edl', '0.00\t62.00\t0\n1268.00\t1325.00\t0\n')).toBe(false);
    expect(isOwnSidecar('edl', '## my own notes\n1\t2\t3\n')).toBe(false);
    expect(isOwnSidecar('vtt', 'WEBVTT\n\n1\n00:00:00.000 --> 00:01:00.000\nIntro\n')).toBe(false);
    expect(isOwnSidecar('ffmetadata', ';FFMETADATA1\ntitle=x\n')).toBe(false);
    expect(isOwnSidecar('jellyfin', '{"Items":[],"TotalRecordCount":0}')).toBe(false);
    expect(isOwnSidecar('jellyfin', 'not json')).toBe(false);
  });

  it('the EDL sidecar reads, as Kodi reads it, as the plain EDL with the chosen actions', () => {
    fc.assert(
      fc.property(resultArb, (r) => {
        const actions = { intro: 2, credits: 0 } as const;
        const text = formatSidecar(r, 'edl', { edlActions: actions });
        expect(text.split('\n')[0]).toMatch(/^## written by introdetect /);
        // The comment's second field is a word: Kodi reads it as a two-field line starting "##".
        expect(text.split('\n')[0]!.split(/\s+/).length).toBeGreaterThanOrEqual(2);
        expect(parseEdl(text)).toEqual(parseEdl(formatEdl(r, { actions })));
      }),
    );
  });

  it('the VTT and ffmetadata sidecars parse back to the chapters', () => {
    fc.assert(
      fc.property(resultArb, (r) => {
        const vtt = formatSidecar(r, 'vtt');
        expect(vtt).toMatch(/^WEBVTT\n\nNOTE written by introdetect\n\n1\n/);
        expect(parseWebVtt(vtt.replace(/\nNOTE [^\n]*\n/, ''))).toEqual(chaptersOf(r));
        const meta = formatSidecar(r, 'ffmetadata');
        expect(meta).toMatch(/^;FFMETADATA1\n; written by introdetect\n/);
        expect(parseFfmetadata(meta)).toEqual(chaptersOf(r));
      }),
    );
  });

  it('the Jellyfin sidecar is the segments document plus its Generator mark', () => {
    const doc = JSON.parse(formatSidecar(result(), 'jellyfin')) as Record<string, unknown>;
    expect(doc).toEqual({ Generator: 'introdetect', ...JSON.parse(formatJellyfin(result())) });
  });

  it('parses --sidecar-formats lists, listing the valid kinds on error', () => {
    expect(parseSidecarKinds('edl')).toEqual(['edl']);
    expect(parseSidecarKinds('edl, vtt,ffmetadata,jellyfin,edl')).toEqual([
      'edl',
      'vtt',
      'ffmetadata',
      'jellyfin',
    ]);
    expect(() => parseSidecarKinds('edl,srt')).toThrow(/"srt".*edl, vtt, ffmetadata, jellyfin/);
  });
});

describe('matroska chapters', () => {
  it('one edition with introdetect’s UID holding the chapters, times to the millisecond', () => {
    const xml = formatMatroskaChapters(result());
    expect(xml).toContain(`<EditionUID>${INTRODETECT_EDITION_UID}</EditionUID>`);
    const atoms = [...xml.matchAll(/<ChapterAtom>([\s\S]*?)<\/ChapterAtom>/g)].map((m) => {
      const body = m[1]!;
      const get = (tag: string) => new RegExp(`<${tag}>([^<]*)</${tag}>`).exec(body)?.[1];
      return {
        start: get('ChapterTimeStart'),
        end: get('ChapterTimeEnd'),
        title: get('ChapterString'),
      };
    });
    expect(atoms).toEqual(
      chaptersOf(result()).map((c) => ({
        start: matroskaTimestamp(c.start),
        end: matroskaTimestamp(c.end),
        title: c.title,
      })),
    );
    expect(matroskaTimestamp(3725.5)).toBe('01:02:05.500000000');
    expect(matroskaChaptersOwner(xml)).toBe('introdetect');
  });

  it('tells no chapters, introdetect’s, and someone else’s apart', () => {
    expect(matroskaChaptersOwner('')).toBe('none');
    const other =
      '<Chapters><EditionEntry><EditionUID>42</EditionUID><ChapterAtom/></EditionEntry></Chapters>';
    expect(matroskaChaptersOwner(other)).toBe('other');
    // introdetect's edition beside another one: not all introdetect's, so kept.
    const mixed = formatMatroskaChapters(result()).replace(
      '</Chapters>',
      '<EditionEntry><EditionUID>42</EditionUID></EditionEntry></Chapters>',
    );
    expect(matroskaChaptersOwner(mixed)).toBe('other');
  });
});

describe('chapters (ffmetadata) and vtt', () => {
  it('chapters tile [0, duration) without gaps, and the intro/credits are chapters', () => {
    fc.assert(
      fc.property(resultArb, (r) => {
        const cs = chaptersOf(r);
        expect(cs[0]?.start).toBe(0);
        expect(cs[cs.length - 1]?.end).toBe(r.duration);
        cs.forEach((c, i) => {
          expect(c.end).toBeGreaterThan(c.start);
          if (i > 0) expect(c.start).toBe(cs[i - 1]!.end);
        });
        if (r.intro)
          expect(cs).toContainEqual({ start: r.intro.start, end: r.intro.end, title: 'Intro' });
        if (r.credits)
          expect(cs).toContainEqual({
            start: r.credits.start,
            end: r.credits.end,
            title: 'Credits',
          });
      }),
    );
  });

  it('ffmetadata parses back to the chapters (ms)', () => {
    fc.assert(
      fc.property(resultArb, (r) => {
        const back = parseFfmetadata(formatFfmetadata(r));
        expect(back).toEqual(chaptersOf(r).map((c) => ({ ...c, start: c.start, end: c.end })));
      }),
    );
    expect(formatFfmetadata(result())).toMatch(/^;FFMETADATA1\n/);
  });

  it('webvtt parses back to the chapters (ms)', () => {
    fc.assert(
      fc.property(resultArb, (r) => {
        expect(parseWebVtt(formatWebVtt(r))).toEqual(chaptersOf(r));
      }),
    );
  });

  it('formats timestamps and escapes metadata', () => {
    expect(vttTimestamp(3725.5)).toBe('01:02:05.500');
    expect(vttTimestamp(0)).toBe('00:00:00.000');
    expect(escapeFfmetadata('a=b;c#d\\e\nf')).toBe('a\\=b\\;c\\#d\\\\e\\\nf');
  });
});

describe('formatResult', () => {
  it('dispatches by name and lists valid formats on error', () => {
    expect(formatResult(result(), parseOutputFormat('edl'))).toBe(formatEdl(result()));
    expect(formatResult(result(), 'edl', { edlActions: { intro: 0 } })).toBe(
      formatEdl(result(), { actions: { intro: 0 } }),
    );
    expect(formatResult(result(), parseOutputFormat('jellyfin'))).toBe(formatJellyfin(result()));
    expect(() => parseOutputFormat('srt')).toThrow(/json, edl, chapters, vtt, jellyfin/);
  });
});
