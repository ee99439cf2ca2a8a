import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../src/errors.js';
import { republishPlaylist, type SkipRange } from '../../src/live/hls/daterangePlaylist.js';
import { HlsRepublisher, type RepublishedTimeline } from '../../src/live/hls/hlsRepublisher.js';
import type { FetchedPlaylist } from '../../src/live/hls/playlistTimeline.js';
import { scratch } from '../helpers/clips.js';
import { readPlaylistBack } from '../helpers/liveHls.js';

const URL_ = 'https://origin.example/live/chan/index.m3u8';
const T0 = Date.parse('2026-01-01T00:00:00.000Z');
/** ISO date `s` seconds after T0. */
const at = (s: number) => new Date(T0 + s * 1000).toISOString();

/** Five 4-s segments from T0 (msn 100…104), relative URIs of every kind, an init map, a key. */
const LIVE = [
  '#EXTM3U',
  '#EXT-X-VERSION:6',
  '#EXT-X-TARGETDURATION:4',
  '#EXT-X-MEDIA-SEQUENCE:100',
  '#EXT-X-DISCONTINUITY-SEQUENCE:3',
  '#EXT-X-VENDOR-THING:kept',
  '#EXT-X-MAP:URI="init.mp4"',
  '#EXT-X-KEY:METHOD=AES-128,URI="keys/k1",IV=0x00000000000000000000000000000001',
  `#EXT-X-PROGRAM-DATE-TIME:${at(0)}`,
  '#EXTINF:4.000,',
  'seg100.ts',
  `#EXT-X-PROGRAM-DATE-TIME:${at(4)}`,
  '#EXTINF:4.000,',
  '../other/seg101.ts',
  `#EXT-X-PROGRAM-DATE-TIME:${at(8)}`,
  '#EXTINF:4.000,',
  '/abs/seg102.ts?token=a%20b',
  `#EXT-X-PROGRAM-DATE-TIME:${at(12)}`,
  '#EXTINF:4.000,',
  'https://cdn.example/seg103.ts',
  `#EXT-X-PROGRAM-DATE-TIME:${at(16)}`,
  '#EXTINF:4.000,',
  'seg104.ts',
  '',
].join('\n');

const intro: SkipRange = {
  id: `intro-${T0 + 6500}`,
  target: 'intro',
  startDate: at(6.5),
  endDate: at(16.25),
  confidence: 0.91,
  endConfidence: 0.875,
};
const credits: SkipRange = {
  id: `credits-${T0 + 18_000}`,
  target: 'credits',
  startDate: at(18),
  confidence: 0.7,
};

describe('republishPlaylist (EXT-X-DATERANGE)', () => {
  it('makes segment, map and key URIs absolute to the playlist URL, the rest unchanged', () => {
    const out = republishPlaylist({ text: LIVE, url: URL_ }, []);
    const m = readPlaylistBack(out);
    expect(m.segments.map((s) => s.uri)).toEqual([
      'https://origin.example/live/chan/seg100.ts',
      'https://origin.example/live/other/seg101.ts',
      'https://origin.example/abs/seg102.ts?token=a%20b',
      'https://cdn.example/seg103.ts',
      'https://origin.example/live/chan/seg104.ts',
    ]);
    expect(m.segments[0]!.map?.uri).toBe('https://origin.example/live/chan/init.mp4');
    expect(m.segments[0]!.key?.uri).toBe('https://origin.example/live/chan/keys/k1');
    expect(m.mediaSequence).toBe(100);
    expect(m.discontinuitySequence).toBe(3);
    expect(m.targetDuration).toBe(4);
    expect(m.endList).toBeUndefined();
    expect(m.segments.map((s) => s.programDateTime)).toEqual(
      [0, 4, 8, 12, 16].map((s) => T0 + s * 1000),
    );
    expect(out).toContain('#EXT-X-VENDOR-THING:kept\n');
    expect(out).not.toContain('#EXT-X-DATERANGE');
  });

  it('one DATERANGE per range in the window: CLASS, START-DATE, DURATION once closed, X-CONFIDENCE', () => {
    const out = republishPlaylist({ text: LIVE, url: URL_ }, [credits, intro]);
    const m = readPlaylistBack(out);
    expect(m.dateRanges).toHaveLength(2);
    const [i, c] = m.dateRanges;
    expect(i).toMatchObject({
      id: intro.id,
      class: 'com.introdetect.intro',
      startDate: new Date(intro.startDate),
      duration: 9.75,
    });
    // m3u8-parser turns some client attributes into numbers ("0.875") and leaves others ("0.910").
    expect(Number(i!.xConfidence)).toBe(0.91);
    expect(Number(i!.xEndConfidence)).toBe(0.875);
    expect(c).toMatchObject({
      id: credits.id,
      class: 'com.introdetect.credits',
      startDate: new Date(credits.startDate),
    });
    expect(Number(c!.xConfidence)).toBe(0.7);
    expect(c!.duration).toBeUndefined();
    expect(c!.xEndConfidence).toBeUndefined();
    // The exact tags: 3 decimals, ISO dates with ms, each just before the URI of its segment.
    expect(out).toContain(
      [
        `#EXT-X-DATERANGE:ID="${intro.id}",CLASS="com.introdetect.intro",START-DATE="2026-01-01T00:00:06.500Z",DURATION=9.750,X-CONFIDENCE=0.910,X-END-CONFIDENCE=0.875`,
        'https://origin.example/live/other/seg101.ts',
      ].join('\n'),
    );
    expect(out).toContain(
      [
        `#EXT-X-DATERANGE:ID="${credits.id}",CLASS="com.introdetect.credits",START-DATE="2026-01-01T00:00:18.000Z",X-CONFIDENCE=0.700`,
        'https://origin.example/live/chan/seg104.ts',
      ].join('\n'),
    );
  });

  it('marks a recap (found before an intro in a stream) with its own CLASS', () => {
    const recap: SkipRange = {
      id: 'recap-1',
      target: 'recap',
      startDate: at(1),
      endDate: at(7),
      confidence: 0.571,
    };
    const [r] = readPlaylistBack(republishPlaylist({ text: LIVE, url: URL_ }, [recap])).dateRanges;
    expect(r).toMatchObject({ id: 'recap-1', class: 'com.introdetect.recap', duration: 6 });
  });

  it('keeps ranges that overlap the window or start after its start; drops those that ended before it', () => {
    const ranges: SkipRange[] = [
      { id: 'old', target: 'intro', startDate: at(-60), endDate: at(-30), confidence: 0.9 },
      { id: 'ends-at-start', target: 'intro', startDate: at(-9), endDate: at(0), confidence: 0.9 },
      { id: 'straddles', target: 'intro', startDate: at(-5), endDate: at(2), confidence: 0.9 },
      { id: 'open-before', target: 'credits', startDate: at(-10), confidence: 0.8 },
      { id: 'after', target: 'credits', startDate: at(30), confidence: 0.8 },
    ];
    const out = republishPlaylist({ text: LIVE, url: URL_ }, ranges);
    expect(readPlaylistBack(out).dateRanges.map((r) => r.id)).toEqual([
      'open-before',
      'straddles',
      'after',
    ]);
    // Earlier starts sit at the first segment, later ones at the last.
    const lines = out.split('\n');
    const before = (id: string) => lines[lines.findIndex((l) => l.includes(`ID="${id}"`)) + 1];
    expect(before('open-before')).toBe(
      '#EXT-X-DATERANGE:ID="straddles",CLASS="com.introdetect.intro",START-DATE="2025-12-31T23:59:55.000Z",DURATION=7.000,X-CONFIDENCE=0.900',
    );
    expect(before('straddles')).toBe('https://origin.example/live/chan/seg100.ts');
    expect(before('after')).toBe('https://origin.example/live/chan/seg104.ts');
  });

  it('an open range later closed: the same ID, every attribute the same, DURATION added', () => {
    const open = readPlaylistBack(republishPlaylist({ text: LIVE, url: URL_ }, [credits]))
      .dateRanges[0]!;
    const closed = readPlaylistBack(
      republishPlaylist({ text: LIVE, url: URL_ }, [
        { ...credits, endDate: at(30), endConfidence: 0.8 },
      ]),
    ).dateRanges[0]!;
    for (const [key, value] of Object.entries(open)) expect(closed[key], key).toEqual(value);
    expect(closed.duration).toBe(12);
    // Both tags in one playlist: m3u8-parser merges them without a warning (readBack).
    const both = LIVE.replace(
      'seg104.ts',
      `#EXT-X-DATERANGE:ID="${credits.id}",CLASS="com.introdetect.credits",START-DATE="${credits.startDate}",X-CONFIDENCE=0.700\nseg104.ts`,
    );
    const merged = readPlaylistBack(
      republishPlaylist({ text: both, url: URL_ }, [{ ...credits, endDate: at(30) }]),
    );
    expect(merged.dateRanges).toHaveLength(1);
    expect(merged.dateRanges[0]!.duration).toBe(12);
  });

  it('without PROGRAM-DATE-TIME: no ranges (RFC 8216 requires it), URIs still absolute', () => {
    const text = LIVE.split('\n')
      .filter((l) => !l.startsWith('#EXT-X-PROGRAM-DATE-TIME'))
      .join('\n');
    const out = republishPlaylist({ text, url: URL_ }, [intro, credits]);
    expect(out).not.toContain('#EXT-X-DATERANGE');
    expect(readPlaylistBack(out).segments[0]!.uri).toBe(
      'https://origin.example/live/chan/seg100.ts',
    );
  });

  it("ffmpeg's layout (PDT after EXTINF, +0000), one PDT carried forward, ENDLIST kept", () => {
    const text = [
      '#EXTM3U',
      '#EXT-X-VERSION:3',
      '#EXT-X-TARGETDURATION:2',
      '#EXT-X-MEDIA-SEQUENCE:7',
      '#EXTINF:2.000000,',
      '#EXT-X-PROGRAM-DATE-TIME:2026-01-01T00:00:00.000+0000',
      'live7.ts',
      '#EXTINF:2.000000,',
      'live8.ts',
      '#EXTINF:2.000000,',
      'live9.ts',
      '#EXT-X-ENDLIST',
    ].join('\n');
    const range: SkipRange = {
      id: 'i',
      target: 'intro',
      startDate: at(4.2),
      endDate: at(5),
      confidence: 1,
    };
    const out = republishPlaylist({ text, url: 'http://127.0.0.1:8080/hls/live.m3u8' }, [range]);
    const m = readPlaylistBack(out);
    expect(m.endList).toBe(true);
    expect(m.dateRanges.map((r) => r.duration)).toEqual([0.8]);
    expect(out).toMatch(
      /#EXT-X-DATERANGE:ID="i".*\nhttp:\/\/127\.0\.0\.1:8080\/hls\/live9\.ts\n#EXT-X-ENDLIST\n$/,
    );
  });

  it('does not carry a date across a discontinuity', () => {
    const text = [
      '#EXTM3U',
      '#EXT-X-TARGETDURATION:2',
      `#EXT-X-PROGRAM-DATE-TIME:${at(0)}`,
      '#EXTINF:2,',
      'a.ts',
      '#EXT-X-DISCONTINUITY',
      '#EXTINF:2,',
      'b.ts',
    ].join('\n');
    // 2.5 s would be in b.ts by carrying a.ts's date; b.ts has none, so the range sits at a.ts.
    const range: SkipRange = { id: 'x', target: 'intro', startDate: at(2.5), confidence: 0.5 };
    expect(republishPlaylist({ text, url: URL_ }, [range])).toMatch(
      /#EXT-X-DATERANGE:ID="x".*\n.*\/a\.ts\n/,
    );
  });

  it('rejects what would make an invalid tag or playlist', () => {
    const src = { text: LIVE, url: URL_ };
    const bad = (r: Partial<SkipRange>) => () => republishPlaylist(src, [{ ...intro, ...r }]);
    expect(bad({ startDate: 'yesterday' })).toThrow(InvalidArgumentError);
    expect(bad({ endDate: at(1) })).toThrow(/at or after/);
    expect(bad({ id: 'a"b' })).toThrow(InvalidArgumentError);
    expect(bad({ confidence: Number.NaN })).toThrow(InvalidArgumentError);
    expect(() => republishPlaylist({ text: 'hello', url: URL_ }, [])).toThrow(InvalidArgumentError);
    expect(() =>
      republishPlaylist(
        { text: '#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1\nv.m3u8\n', url: URL_ },
        [],
      ),
    ).toThrow(/master playlist/);
  });
});

/** A stand-in for PlaylistTimeline: `refresh(text)` is a playlist reload. */
function fakeTimeline() {
  let listener: ((latest: FetchedPlaylist) => void) | undefined;
  const timeline: RepublishedTimeline & { latest: FetchedPlaylist | undefined } = {
    latest: undefined,
    onPlaylist: (l) => {
      listener = l;
      return () => (listener = undefined);
    },
  };
  return {
    timeline,
    refresh: (text = LIVE) => {
      timeline.latest = { text, url: URL_, fetchedAt: Date.now() };
      listener?.(timeline.latest);
    },
  };
}

describe('HlsRepublisher', () => {
  const tmp = scratch('introdetect-republisher-');
  afterAll(() => tmp.cleanup());

  it('keeps open and closed ranges and re-renders on every change and refresh', () => {
    const { timeline, refresh } = fakeTimeline();
    const warnings: string[] = [];
    const rep = new HlsRepublisher(timeline, 'chan', { onWarning: (m) => warnings.push(m) });
    expect(rep.current()).toBeUndefined(); // no playlist read yet
    const intro = rep.open('intro', '2026-01-01T00:00:06.5Z', 0.91);
    expect(intro).toEqual({
      id: `intro-${T0 + 6500}`,
      target: 'intro',
      startDate: at(6.5),
      confidence: 0.91,
    });
    refresh();
    expect(readPlaylistBack(rep.current()!).dateRanges.map((r) => [r.id, r.duration])).toEqual([
      [intro.id, undefined],
    ]);
    const closed = rep.close('intro', at(16.25), 0.875);
    expect(closed).toEqual({ ...intro, endDate: at(16.25), endConfidence: 0.875 });
    expect(rep.current()).toBe(republishPlaylist({ text: LIVE, url: URL_ }, [closed!]));
    // A reload re-renders: the newer playlist's segments, the same ranges.
    refresh(LIVE.replace('seg104.ts', 'seg104b.ts'));
    expect(rep.current()).toContain('https://origin.example/live/chan/seg104b.ts');
    expect(readPlaylistBack(rep.current()!).dateRanges[0]!.duration).toBe(9.75);
    expect(warnings).toEqual([]);
    rep.stop();
    refresh();
    expect(rep.current()).toContain('seg104b.ts'); // unsubscribed: no more renders
  });

  it('warns on unmatched starts and ends instead of corrupting the ranges', () => {
    const { timeline, refresh } = fakeTimeline();
    refresh();
    const warnings: string[] = [];
    const rep = new HlsRepublisher(timeline, 'chan', { onWarning: (m) => warnings.push(m) });
    expect(rep.close('credits', at(3), 0.5)).toBeUndefined();
    const open = rep.open('credits', at(10), 0.5);
    expect(rep.open('credits', at(12), 0.6)).toBe(open);
    expect(rep.close('credits', at(9), 0.7)?.endDate).toBe(at(10)); // before its start: clamped
    expect(warnings).toHaveLength(3);
    expect(() => rep.open('intro', 'soon', 0.5)).toThrow(InvalidArgumentError);
    expect(() => new HlsRepublisher(timeline, '../etc/x')).toThrow(InvalidArgumentError);
  });

  it('forgets closed ranges keepSeconds before the newest one', () => {
    const { timeline, refresh } = fakeTimeline();
    refresh();
    const rep = new HlsRepublisher(timeline, 'chan', { keepSeconds: 60 });
    rep.open('intro', at(0), 0.9);
    rep.close('intro', at(10), 0.9);
    rep.open('credits', at(65), 0.9);
    expect(rep.ranges().map((r) => r.target)).toEqual(['intro', 'credits']);
    rep.close('credits', at(71), 0.9);
    expect(rep.ranges().map((r) => r.target)).toEqual(['credits']);
  });

  it('writes <outDir>/<name>.m3u8, the latest render once writes settle', async () => {
    const { timeline, refresh } = fakeTimeline();
    const outDir = join(tmp.dir, 'out');
    const rep = new HlsRepublisher(timeline, 'chan-1', { outDir });
    expect(rep.path).toBe(join(outDir, 'chan-1.m3u8'));
    refresh();
    rep.open('intro', at(1), 0.9);
    rep.close('intro', at(7), 0.9);
    rep.open('credits', at(17), 0.8);
    await rep.flush();
    expect(readFileSync(rep.path!, 'utf8')).toBe(rep.current());
    expect(readPlaylistBack(readFileSync(rep.path!, 'utf8')).dateRanges).toHaveLength(2);
  });
});
