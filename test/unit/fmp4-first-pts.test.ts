import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  firstPresentationTime,
  Fmp4ParseError,
  isIsoBmff,
  readInitSegment,
} from '../../src/live/hls/fmp4FirstPts.js';
import { ffmpeg, scratch } from '../helpers/clips.js';

// fMP4 HLS written by ffmpeg itself (init.mp4 + .m4s segments, each styp, sidx, moof, mdat):
// the start the parser reads from a segment's first 64 KB is ffprobe's start_time of the init
// segment + that segment, stream by stream.

const tmp = scratch('introdetect-fmp4-');
afterAll(() => tmp.cleanup());

/** The bytes of a segment the playlist timeline reads. */
const HEAD_BYTES = 65_536;
/** ffprobe prints start_time with 6 decimals: the parser is exact, this is the print's grain. */
const PRINTED = 2e-6;

interface Hls {
  dir: string;
  init: Uint8Array;
  /** Segment file names in playlist order. */
  segments: string[];
}

/**
 * Six seconds of 160×120 25-fps video (1-s GOPs) and/or a sine as fMP4 HLS of 2-s segments.
 * `video` picks the encoder settings; extra arguments go before the output.
 */
function fmp4Hls(name: string, options: { video?: string[]; audio?: boolean; extra?: string[] }) {
  const dir = tmp.path(name);
  mkdirSync(dir, { recursive: true });
  const { video, audio = true, extra = [] } = options;
  ffmpeg(
    ...(video ? ['-f', 'lavfi', '-i', 'testsrc2=size=160x120:rate=25:duration=6'] : []),
    ...(audio ? ['-f', 'lavfi', '-i', 'sine=frequency=440:duration=6'] : []),
    ...(video ? [...video, '-g', '25'] : []),
    ...(audio ? ['-c:a', 'aac'] : []),
    ...extra,
    ...['-f', 'hls', '-hls_segment_type', 'fmp4', '-hls_time', '2', '-hls_list_size', '0'],
    join(dir, 'index.m3u8'),
  );
  const segments = readdirSync(dir)
    .filter((f) => f.endsWith('.m4s'))
    .sort((a, b) => Number(/\d+/.exec(a)![0]) - Number(/\d+/.exec(b)![0]));
  return { dir, init: readFileSync(join(dir, 'init.mp4')), segments };
}

/** ffprobe's start_time of each stream (by codec type) of the init segment + `segment`. */
function probeStarts(hls: Hls, segment: string): Record<string, number> {
  const joined = join(hls.dir, `joined-${segment}.mp4`);
  writeFileSync(joined, Buffer.concat([hls.init, readFileSync(join(hls.dir, segment))]));
  const out = execFileSync(
    'ffprobe',
    ['-v', 'error', '-show_entries', 'stream=codec_type,start_time', '-of', 'json', joined],
    { encoding: 'utf8' },
  );
  const streams = (JSON.parse(out) as { streams: Array<Record<string, string>> }).streams;
  return Object.fromEntries(streams.map((s) => [s.codec_type!, Number(s.start_time)]));
}

const X264_BFRAMES = ['-c:v', 'libx264', '-preset', 'veryfast', '-bf', '2'];
const X264_FAST = ['-c:v', 'libx264', '-preset', 'ultrafast'];

const clips: Record<string, Hls> = {};
beforeAll(() => {
  // B-frames: the first frame shows one frame after it is decoded (composition offsets), and
  // ffmpeg writes an edit list (an empty edit and a media_time) to start the video at 0.08 s.
  clips.bframes = fmp4Hls('bframes', { video: X264_BFRAMES });
  // Timestamps from 1000 s: ffmpeg keeps the offset in the edit list (an empty edit of
  // 1000 s); the fragments' decode times (tfdt) start at 0.
  clips.offset = fmp4Hls('offset', { video: X264_FAST, extra: ['-output_ts_offset', '1000'] });
  // trun version 1 with negative composition offsets: ffmpeg adds the largest one back.
  clips.negativeCts = fmp4Hls('negative-cts', {
    video: X264_BFRAMES,
    audio: false,
    extra: [
      ...['-output_ts_offset', '30'],
      ...['-hls_segment_options', 'movflags=+negative_cts_offsets'],
    ],
  });
  clips.audioOnly = fmp4Hls('audio', {});
}, 120_000);

describe('firstPresentationTime (fMP4 HLS from ffmpeg)', () => {
  it.each(['bframes', 'offset', 'negativeCts'])(
    "%s: each segment's video start from its first 64 KB, as ffprobe's",
    (name) => {
      const hls = clips[name]!;
      const init = readInitSegment(hls.init);
      expect(init.track.handler).toBe('vide');
      expect(hls.segments.length).toBeGreaterThanOrEqual(3);
      for (const segment of hls.segments) {
        const bytes = readFileSync(join(hls.dir, segment));
        // What comes before the first moof: ffmpeg writes styp and a sidx per track.
        expect([0, 1].map((i) => String(bytes.subarray(4 + 24 * i, 8 + 24 * i)))).toEqual([
          'styp',
          'sidx',
        ]);
        const got = firstPresentationTime(bytes.subarray(0, HEAD_BYTES), init);
        expect(got.trackId).toBe(init.track.trackId);
        expect(got.seconds).toBe(got.ticks / got.timescale);
        expect(Math.abs(got.seconds - probeStarts(hls, segment).video!), segment).toBeLessThan(
          PRINTED,
        );
        expect(firstPresentationTime(bytes, init)).toEqual(got);
      }
    },
  );

  it('the offset lives in the edit list: init + the first segment start at 1000 s', () => {
    const hls = clips.offset!;
    const init = readInitSegment(hls.init);
    expect(init.track.editShift / init.track.timescale).toBe(1000);
    const first = readFileSync(join(hls.dir, hls.segments[0]!));
    expect(firstPresentationTime(first, init).seconds).toBe(1000);
  });

  it('another track by id: the audio starts as ffprobe says', () => {
    const hls = clips.bframes!;
    const init = readInitSegment(hls.init);
    const audio = init.tracks.find((t) => t.handler === 'soun')!;
    expect(audio).toBeDefined();
    for (const segment of hls.segments) {
      const bytes = readFileSync(join(hls.dir, segment)).subarray(0, HEAD_BYTES);
      const got = firstPresentationTime(bytes, init, audio.trackId);
      expect(got.timescale).toBe(44_100);
      expect(Math.abs(got.seconds - probeStarts(hls, segment).audio!)).toBeLessThan(PRINTED);
    }
    expect(() => firstPresentationTime(new Uint8Array(0), init, 9)).toThrow(/no track 9/);
  });

  it('audio only: the sound track is read', () => {
    const hls = clips.audioOnly!;
    const init = readInitSegment(hls.init);
    expect(init.tracks.map((t) => t.handler)).toEqual(['soun']);
    for (const segment of hls.segments) {
      const bytes = readFileSync(join(hls.dir, segment)).subarray(0, HEAD_BYTES);
      const got = firstPresentationTime(bytes, init).seconds;
      expect(Math.abs(got - probeStarts(hls, segment).audio!)).toBeLessThan(PRINTED);
    }
  });

  it('64-bit box sizes (largesize) read as 32-bit ones', () => {
    const hls = clips.bframes!;
    const init = readInitSegment(hls.init);
    const bytes = readFileSync(join(hls.dir, hls.segments[1]!));
    const large = withLargeSizes(bytes);
    expect(large.length).toBeGreaterThan(bytes.length);
    expect(firstPresentationTime(large, init)).toEqual(firstPresentationTime(bytes, init));
    expect(readInitSegment(withLargeSizes(hls.init))).toEqual(init);
  });

  it('tells fMP4 from MPEG-TS and text', () => {
    const hls = clips.offset!;
    expect(isIsoBmff(hls.init)).toBe(true);
    expect(isIsoBmff(readFileSync(join(hls.dir, hls.segments[0]!)))).toBe(true);
    const ts = new Uint8Array(188 * 3).map((_, i) => (i % 188 === 0 ? 0x47 : 0xff));
    expect(isIsoBmff(ts)).toBe(false);
    expect(isIsoBmff(new TextEncoder().encode('#EXTM3U\n#EXT-X-VERSION:7\n'))).toBe(false);
    expect(isIsoBmff(new Uint8Array(0))).toBe(false);
  });
});

describe('firstPresentationTime on malformed bytes: a Fmp4ParseError that says why', () => {
  const hls = () => clips.bframes!;
  const init = () => readInitSegment(hls().init);
  const segment = () => readFileSync(join(hls().dir, hls().segments[1]!));
  /** Offset of the first moof of a segment. */
  const moofAt = (bytes: Uint8Array) => Buffer.from(bytes).indexOf('moof') - 4;

  it('cut inside the moof, or before it', () => {
    const bytes = segment();
    const at = moofAt(bytes);
    expect(() => firstPresentationTime(bytes.subarray(0, at + 100), init())).toThrow(
      new RegExp(`the moof box at byte ${at} is cut off: \\d+ bytes declared, 100 read`),
    );
    expect(() => firstPresentationTime(bytes.subarray(0, 34), init())).toThrow(
      /no fragment of track 1 \(vide\) in the first 24 bytes \(the sidx box there runs past the 34 bytes read\)/,
    );
    expect(() => firstPresentationTime(bytes.subarray(0, 30), init())).toThrow(
      /the next box there/,
    );
  });

  it('a cut or empty init segment', () => {
    expect(() => readInitSegment(hls().init.subarray(0, 200))).toThrow(
      /the moov box at byte \d+ is cut off/,
    );
    expect(() => readInitSegment(new Uint8Array(0))).toThrow(/no moov box in the 0 bytes/);
  });

  it('a trun that declares more samples than it holds', () => {
    const bytes = Uint8Array.from(segment());
    const trun = Buffer.from(bytes).indexOf('trun') - 4;
    new DataView(bytes.buffer).setUint32(trun + 12, 1_000_000); // sample_count
    expect(() => firstPresentationTime(bytes, init())).toThrow(/malformed traf\/trun box/);
  });

  it('a child box larger than its parent, a box smaller than its header', () => {
    const bytes = Uint8Array.from(segment());
    const view = new DataView(bytes.buffer);
    const at = moofAt(bytes);
    view.setUint32(at + 8, 1_000_000); // the moof's first child (mfhd)
    expect(() => firstPresentationTime(bytes, init())).toThrow(
      /malformed moof box: a child at byte \d+ \('mfhd', 1000000 bytes\) runs past its end/,
    );
    view.setUint32(at, 4); // the moof itself
    expect(() => firstPresentationTime(bytes, init())).toThrow(
      /'moof' box at byte \d+ declares 4 bytes, less than its own header/,
    );
  });

  it('any cut and any changed byte: a time or a Fmp4ParseError, never another failure', () => {
    const bytes = segment();
    const head = bytes.subarray(0, Math.min(bytes.length, moofAt(bytes) + 2_000));
    const info = init();
    fc.assert(
      fc.property(
        fc.nat(head.length),
        fc.nat(head.length - 1),
        fc.integer({ min: 0, max: 255 }),
        (length, at, value) => {
          const changed = Uint8Array.from(head);
          changed[at] = value;
          for (const b of [head.subarray(0, length), changed.subarray(0, length)]) {
            try {
              expect(Number.isFinite(firstPresentationTime(b, info).seconds)).toBe(true);
            } catch (err) {
              expect(err).toBeInstanceOf(Fmp4ParseError);
            }
          }
        },
      ),
      { numRuns: 500 },
    );
    // The init segment too.
    fc.assert(
      fc.property(fc.nat(hls().init.length - 1), fc.integer({ min: 0, max: 255 }), (at, v) => {
        const changed = Uint8Array.from(hls().init);
        changed[at] = v;
        try {
          readInitSegment(changed);
        } catch (err) {
          expect(err).toBeInstanceOf(Fmp4ParseError);
        }
      }),
      { numRuns: 300 },
    );
  });
});

/** `bytes` with every top-level box header rewritten as size 1 + a 64-bit largesize. */
function withLargeSizes(bytes: Uint8Array): Uint8Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const parts: Uint8Array[] = [];
  for (let at = 0; at < bytes.length;) {
    const size = view.getUint32(at);
    const head = new Uint8Array(16);
    const h = new DataView(head.buffer);
    h.setUint32(0, 1);
    head.set(bytes.subarray(at + 4, at + 8), 4);
    h.setBigUint64(8, BigInt(size + 8));
    parts.push(head, bytes.subarray(at + 8, at + size));
    at += size;
  }
  return Buffer.concat(parts);
}
