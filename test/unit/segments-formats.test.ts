import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parsePrediction } from '../../src/eval/parsePrediction.js';
import type { DetectedSegment, DetectionResult } from '../../src/fusion/detectionResult.js';
import { chaptersOf } from '../../src/fusion/formats/chapters.js';
import { formatEdl, parseEdlActions } from '../../src/fusion/formats/edl.js';
import { formatFfmetadata } from '../../src/fusion/formats/ffmetadata.js';
import { formatResult, OUTPUT_FORMATS, type OutputFormat } from '../../src/fusion/formats/index.js';
import { formatJellyfin } from '../../src/fusion/formats/jellyfin.js';
import { formatJson } from '../../src/fusion/formats/json.js';
import { formatMatroskaChapters } from '../../src/fusion/formats/matroskaChapters.js';
import { segmentsOfResult } from '../../src/fusion/formats/segments.js';
import {
  formatSidecar,
  SIDECAR_KINDS,
  type SidecarKind,
} from '../../src/fusion/formats/sidecar.js';
import { formatWebVtt } from '../../src/fusion/formats/webvtt.js';

// Every part of an episode in the writers (issue 16): segments of any type, several of one type,
// in time order; results written before `segments` existed write what they always wrote.

const base = (over: Partial<DetectionResult> = {}): DetectionResult => ({
  id: 'S01E01',
  file: '/media/S01E01.mkv',
  duration: 1500,
  mode: 'fused',
  intro: { start: 62, end: 121, confidence: 0.9312345 },
  credits: { start: 1268, end: 1440, confidence: 0.8612345 },
  probabilities: {
    intro: { from: 0, values: [0.1, 0.9] },
    credits: { from: 1125, values: [0.2, 0.8] },
  },
  threshold: { intro: 0.5, credits: 0.5 },
  ...over,
});

const seg = (
  type: DetectedSegment['type'],
  start: number,
  end: number,
  confidence = 0.8,
): DetectedSegment => ({ type, start, end, confidence });

/**
 * A recap, a gap (the cold open), the intro, the episode, the credits in two pieces around a
 * mid-credits scene, a preview, and a few seconds after it. `credits` spans both pieces; the
 * segments come out of order, as a later step may append them.
 */
const full = base({
  segments: [
    seg('preview', 1440, 1470, 0.7012345),
    seg('credits', 1370, 1440, 0.85),
    seg('intro', 62, 121, 0.9312345),
    seg('recap', 0, 45, 0.8),
    seg('credits', 1268, 1330, 0.87),
  ],
});

/** An explicit cold open and post-credits scene: content, not skipped. */
const content = base({
  duration: 1400,
  credits: { start: 1268, end: 1330, confidence: 0.87 },
  segments: [
    seg('coldOpen', 0, 62),
    seg('intro', 62, 121, 0.9312345),
    seg('credits', 1268, 1330, 0.87),
    seg('postCredits', 1330, 1380),
  ],
});

describe('segmentsOfResult', () => {
  it('sorts the segments by start and keeps several pieces of one type', () => {
    expect(segmentsOfResult(full).map((s) => [s.type, s.start, s.end])).toEqual([
      ['recap', 0, 45],
      ['intro', 62, 121],
      ['credits', 1268, 1330],
      ['credits', 1370, 1440],
      ['preview', 1440, 1470],
    ]);
  });

  it('builds the intro and credits of a result written before segments existed', () => {
    const old = base({ credits: { start: 1268, end: 1325, confidence: 0.87 } });
    expect(segmentsOfResult(old)).toEqual([
      { type: 'intro', start: 62, end: 121, confidence: 0.9312345 },
      { type: 'credits', start: 1268, end: 1325, confidence: 0.87 },
    ]);
    expect(segmentsOfResult(base({ intro: null, credits: null }))).toEqual([]);
  });

  it('the intro and credits fields win over stale segments (series step, corrections)', () => {
    // The series step widened the intro to 55 s; a reviewer said there are no credits.
    const changed = { ...full, intro: { start: 55, end: 121, confidence: 0.9 }, credits: null };
    expect(segmentsOfResult(changed).map((s) => [s.type, s.start, s.end, s.confidence])).toEqual([
      ['recap', 0, 45, 0.8],
      ['intro', 55, 121, 0.9],
      ['preview', 1440, 1470, 0.7012345],
    ]);
    // Credits pieces that no longer span `credits` give way to it, as one piece.
    const moved = { ...full, credits: { start: 1268, end: 1450, confidence: 0.8 } };
    expect(segmentsOfResult(moved).filter((s) => s.type === 'credits')).toEqual([
      seg('credits', 1268, 1450, 0.8),
    ]);
  });
});

describe('writers: recap, intro, two credits pieces, preview', () => {
  it('EDL: one line per segment; recap and preview skip like the intro', () => {
    expect(formatEdl(full)).toBe(
      [
        '0.000\t45.000\t3',
        '62.000\t121.000\t3',
        '1268.000\t1330.000\t3',
        '1370.000\t1440.000\t3',
        '1440.000\t1470.000\t3',
        '',
      ].join('\n'),
    );
    expect(formatEdl(full, { actions: parseEdlActions('recap=2,credits=0') })).toBe(
      [
        '0.000\t45.000\t2',
        '62.000\t121.000\t3',
        '1268.000\t1330.000\t0',
        '1370.000\t1440.000\t0',
        '1440.000\t1470.000\t3',
        '',
      ].join('\n'),
    );
  });

  it('ffmetadata: a named chapter per part and per stretch between them', () => {
    const chapter = (start: number, end: number, title: string) =>
      `\n[CHAPTER]\nTIMEBASE=1/1000\nSTART=${start}\nEND=${end}\ntitle=${title}\n`;
    expect(formatFfmetadata(full)).toBe(
      ';FFMETADATA1\ntitle=S01E01\n' +
        chapter(0, 45000, 'Recap') +
        chapter(45000, 62000, 'Cold open') +
        chapter(62000, 121000, 'Intro') +
        chapter(121000, 1268000, 'Episode') +
        chapter(1268000, 1330000, 'Credits') +
        chapter(1330000, 1370000, 'Mid-credits scene') +
        chapter(1370000, 1440000, 'Credits') +
        chapter(1440000, 1470000, 'Preview') +
        chapter(1470000, 1500000, 'After credits'),
    );
  });

  it('WebVTT: the same chapters as cues', () => {
    expect(formatWebVtt(full)).toBe(`WEBVTT

1
00:00:00.000 --> 00:00:45.000
Recap

2
00:00:45.000 --> 00:01:02.000
Cold open

3
00:01:02.000 --> 00:02:01.000
Intro

4
00:02:01.000 --> 00:21:08.000
Episode

5
00:21:08.000 --> 00:22:10.000
Credits

6
00:22:10.000 --> 00:22:50.000
Mid-credits scene

7
00:22:50.000 --> 00:24:00.000
Credits

8
00:24:00.000 --> 00:24:30.000
Preview

9
00:24:30.000 --> 00:25:00.000
After credits
`);
  });

  it('Matroska chapters: the same chapters in introdetect’s edition', () => {
    expect(formatMatroskaChapters(full)).toBe(`<?xml version="1.0" encoding="UTF-8"?>
<Chapters>
  <EditionEntry>
    <EditionUID>115923120975716</EditionUID>
    <ChapterAtom>
      <ChapterUID>115923120975717</ChapterUID>
      <ChapterTimeStart>00:00:00.000000000</ChapterTimeStart>
      <ChapterTimeEnd>00:00:45.000000000</ChapterTimeEnd>
      <ChapterDisplay>
        <ChapterString>Recap</ChapterString>
        <ChapterLanguage>und</ChapterLanguage>
      </ChapterDisplay>
    </ChapterAtom>
    <ChapterAtom>
      <ChapterUID>115923120975718</ChapterUID>
      <ChapterTimeStart>00:00:45.000000000</ChapterTimeStart>
      <ChapterTimeEnd>00:01:02.000000000</ChapterTimeEnd>
      <ChapterDisplay>
        <ChapterString>Cold open</ChapterString>
        <ChapterLanguage>und</ChapterLanguage>
      </ChapterDisplay>
    </ChapterAtom>
    <ChapterAtom>
      <ChapterUID>115923120975719</ChapterUID>
      <ChapterTimeStart>00:01:02.000000000</ChapterTimeStart>
      <ChapterTimeEnd>00:02:01.000000000</ChapterTimeEnd>
      <ChapterDisplay>
        <ChapterString>Intro</ChapterString>
        <ChapterLanguage>und</ChapterLanguage>
      </ChapterDisplay>
    </ChapterAtom>
    <ChapterAtom>
      <ChapterUID>115923120975720</ChapterUID>
      <ChapterTimeStart>00:02:01.000000000</ChapterTimeStart>
      <ChapterTimeEnd>00:21:08.000000000</ChapterTimeEnd>
      <ChapterDisplay>
        <ChapterString>Episode</ChapterString>
        <ChapterLanguage>und</ChapterLanguage>
      </ChapterDisplay>
    </ChapterAtom>
    <ChapterAtom>
      <ChapterUID>115923120975721</ChapterUID>
      <ChapterTimeStart>00:21:08.000000000</ChapterTimeStart>
      <ChapterTimeEnd>00:22:10.000000000</ChapterTimeEnd>
      <ChapterDisplay>
        <ChapterString>Credits</ChapterString>
        <ChapterLanguage>und</ChapterLanguage>
      </ChapterDisplay>
    </ChapterAtom>
    <ChapterAtom>
      <ChapterUID>115923120975722</ChapterUID>
      <ChapterTimeStart>00:22:10.000000000</ChapterTimeStart>
      <ChapterTimeEnd>00:22:50.000000000</ChapterTimeEnd>
      <ChapterDisplay>
        <ChapterString>Mid-credits scene</ChapterString>
        <ChapterLanguage>und</ChapterLanguage>
      </ChapterDisplay>
    </ChapterAtom>
    <ChapterAtom>
      <ChapterUID>115923120975723</ChapterUID>
      <ChapterTimeStart>00:22:50.000000000</ChapterTimeStart>
      <ChapterTimeEnd>00:24:00.000000000</ChapterTimeEnd>
      <ChapterDisplay>
        <ChapterString>Credits</ChapterString>
        <ChapterLanguage>und</ChapterLanguage>
      </ChapterDisplay>
    </ChapterAtom>
    <ChapterAtom>
      <ChapterUID>115923120975724</ChapterUID>
      <ChapterTimeStart>00:24:00.000000000</ChapterTimeStart>
      <ChapterTimeEnd>00:24:30.000000000</ChapterTimeEnd>
      <ChapterDisplay>
        <ChapterString>Preview</ChapterString>
        <ChapterLanguage>und</ChapterLanguage>
      </ChapterDisplay>
    </ChapterAtom>
    <ChapterAtom>
      <ChapterUID>115923120975725</ChapterUID>
      <ChapterTimeStart>00:24:30.000000000</ChapterTimeStart>
      <ChapterTimeEnd>00:25:00.000000000</ChapterTimeEnd>
      <ChapterDisplay>
        <ChapterString>After credits</ChapterString>
        <ChapterLanguage>und</ChapterLanguage>
      </ChapterDisplay>
    </ChapterAtom>
  </EditionEntry>
</Chapters>
`);
  });

  it('Jellyfin: Recap, Intro, an Outro per credits piece, Preview', () => {
    expect(formatJellyfin(full)).toBe(`{
  "Items": [
    {
      "Type": "Recap",
      "StartTicks": 0,
      "EndTicks": 450000000
    },
    {
      "Type": "Intro",
      "StartTicks": 620000000,
      "EndTicks": 1210000000
    },
    {
      "Type": "Outro",
      "StartTicks": 12680000000,
      "EndTicks": 13300000000
    },
    {
      "Type": "Outro",
      "StartTicks": 13700000000,
      "EndTicks": 14400000000
    },
    {
      "Type": "Preview",
      "StartTicks": 14400000000,
      "EndTicks": 14700000000
    }
  ],
  "TotalRecordCount": 5,
  "StartIndex": 0,
  "Path": "/media/S01E01.mkv"
}
`);
  });

  it('JSON: keeps intro and credits, and lists the segments in time order, rounded', () => {
    const parsed = JSON.parse(formatJson(full)) as DetectionResult;
    expect(parsed.intro).toEqual({ start: 62, end: 121, confidence: 0.9312 });
    expect(parsed.credits).toEqual({ start: 1268, end: 1440, confidence: 0.8612 });
    expect(parsed.segments).toEqual([
      seg('recap', 0, 45, 0.8),
      seg('intro', 62, 121, 0.9312),
      seg('credits', 1268, 1330, 0.87),
      seg('credits', 1370, 1440, 0.85),
      seg('preview', 1440, 1470, 0.7012),
    ]);
    // eval reads it back.
    expect(parsePrediction(parsed, 'test').segments).toEqual(parsed.segments);
  });
});

describe('writers: an explicit cold open and post-credits scene (content)', () => {
  it('EDL writes no line for them by default; an action given writes one', () => {
    expect(formatEdl(content)).toBe('62.000\t121.000\t3\n1268.000\t1330.000\t3\n');
    expect(formatEdl(content, { actions: parseEdlActions('coldOpen=2,postCredits=2') })).toBe(
      '0.000\t62.000\t2\n62.000\t121.000\t3\n1268.000\t1330.000\t3\n1330.000\t1380.000\t2\n',
    );
  });

  it('Jellyfin has no type for them: only Intro and Outro', () => {
    const doc = JSON.parse(formatJellyfin(content)) as { Items: Array<{ Type: string }> };
    expect(doc.Items.map((i) => i.Type)).toEqual(['Intro', 'Outro']);
  });

  it('chapters name them Cold open and Post-credits', () => {
    expect(formatWebVtt(content)).toBe(`WEBVTT

1
00:00:00.000 --> 00:01:02.000
Cold open

2
00:01:02.000 --> 00:02:01.000
Intro

3
00:02:01.000 --> 00:21:08.000
Episode

4
00:21:08.000 --> 00:22:10.000
Credits

5
00:22:10.000 --> 00:23:00.000
Post-credits

6
00:23:00.000 --> 00:23:20.000
After credits
`);
  });

  it('--edl-action names every kind, camelCase included', () => {
    expect(parseEdlActions('coldOpen=2, postCredits=0')).toEqual({ coldOpen: 2, postCredits: 0 });
    expect(() => parseEdlActions('coldopen=2')).toThrow(
      /intro, credits, recap, preview, commercial, coldOpen, postCredits/,
    );
  });
});

describe('chapters where parts overlap', () => {
  it('the later part holds the chapter: a preview inside the credits splits them', () => {
    const r = base({
      credits: { start: 1200, end: 1320, confidence: 0.9 },
      segments: [seg('credits', 1200, 1320), seg('preview', 1250, 1280)],
    });
    expect(chaptersOf(r).slice(-4)).toEqual([
      { start: 1200, end: 1250, title: 'Credits' },
      { start: 1250, end: 1280, title: 'Preview' },
      { start: 1280, end: 1320, title: 'Credits' },
      { start: 1320, end: 1500, title: 'After credits' },
    ]);
  });

  it('chapters tile [0, duration) for any segments', () => {
    const type = fc.constantFrom<DetectedSegment['type']>(
      'intro',
      'credits',
      'recap',
      'preview',
      'coldOpen',
      'postCredits',
    );
    const piece = fc
      .tuple(type, fc.integer({ min: -10, max: 1500 }), fc.integer({ min: 0, max: 300 }))
      .map(([t, s, l]) => seg(t, s, s + l));
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 8 }), (segments) => {
        const r = base({ intro: null, credits: null, segments });
        const cs = chaptersOf(r);
        expect(cs[0]?.start).toBe(0);
        expect(cs.at(-1)?.end).toBe(1500);
        cs.forEach((c, i) => {
          expect(c.end).toBeGreaterThan(c.start);
          if (i > 0) expect(c.start).toBe(cs[i - 1]!.end);
        });
      }),
    );
  });
});

describe('results written before segments existed', () => {
  /** Like detect: whole seconds, the intro in the head, the credits in the tail. */
  const oldResult = fc
    .record({
      duration: fc.integer({ min: 60_000, max: 10_800_000 }).map((ms) => ms / 1000),
      intro: fc.option(fc.tuple(fc.double({ min: 0, max: 0.49, noNaN: true }), fc.nat(200))),
      credits: fc.option(fc.tuple(fc.double({ min: 0.75, max: 0.98, noNaN: true }), fc.nat(600))),
    })
    .map(({ duration, intro, credits }) => {
      const iv = (t: [number, number] | null) => {
        if (!t) return null;
        const start = Math.min(Math.floor(duration), Math.round(t[0] * duration));
        return { start, end: start + 1 + t[1], confidence: 0.5 };
      };
      return base({ duration, intro: iv(intro), credits: iv(credits) });
    });

  it('every writer writes the same as for the segments detect now adds', () => {
    const formats = Object.keys(OUTPUT_FORMATS).filter((f) => f !== 'json') as OutputFormat[];
    fc.assert(
      fc.property(oldResult, (r) => {
        const now = { ...r, segments: segmentsOfResult(r) };
        for (const f of formats) expect(formatResult(now, f), f).toBe(formatResult(r, f));
        for (const k of Object.keys(SIDECAR_KINDS) as SidecarKind[])
          expect(formatSidecar(now, k), k).toBe(formatSidecar(r, k));
        expect(formatMatroskaChapters(now)).toBe(formatMatroskaChapters(r));
        expect(formatJson(now)).toBe(formatJson(r));
      }),
    );
  });

  it('their chapters are cold open, intro, episode, credits, after credits', () => {
    const r = base({ credits: { start: 1268, end: 1325, confidence: 0.87 } });
    expect(chaptersOf(r).map((c) => [c.start, c.end, c.title])).toEqual([
      [0, 62, 'Cold open'],
      [62, 121, 'Intro'],
      [121, 1268, 'Episode'],
      [1268, 1325, 'Credits'],
      [1325, 1500, 'After credits'],
    ]);
  });

  it('their JSON gains segments: the intro and the credits', () => {
    const parsed = JSON.parse(formatJson(base())) as DetectionResult;
    expect(parsed.segments).toEqual([
      seg('intro', 62, 121, 0.9312),
      seg('credits', 1268, 1440, 0.8612),
    ]);
  });
});
