import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parsePrediction } from '../../src/eval/parsePrediction.js';
import type { DetectionResult } from '../../src/fusion/detectionResult.js';
import { chaptersOf } from '../../src/fusion/formats/chapters.js';
import { formatEdl } from '../../src/fusion/formats/edl.js';
import { escapeFfmetadata, formatFfmetadata } from '../../src/fusion/formats/ffmetadata.js';
import { formatResult, parseOutputFormat } from '../../src/fusion/formats/index.js';
import { formatJson } from '../../src/fusion/formats/json.js';
import { formatWebVtt, vttTimestamp } from '../../src/fusion/formats/webvtt.js';

// --- parsers: read each format back the way its consumer would -------------------------------

function parseEdl(text: string): Array<{ start: number; end: number; action: number }> {
  return text
    .split('\n')
    .filter((l) => l.trim() !== '')
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

  it('is empty without intervals and honours another action', () => {
    expect(formatEdl(result({ intro: null, credits: null }))).toBe('');
    expect(parseEdl(formatEdl(result(), { action: 2 }))[0]?.action).toBe(2);
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
    expect(() => parseOutputFormat('srt')).toThrow(/json, edl, chapters, vtt/);
  });
});
