import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { firstPts } from '../../src/live/hls/mpegtsFirstPts.js';
import { PTS_WRAP_SECONDS } from '../../src/live/timestamps.js';
import { ffmpeg, scratch } from '../helpers/clips.js';

const tmp = scratch('introdetect-firstpts-');
afterAll(() => tmp.cleanup());

const WRAP_TICKS = 2 ** 33;
/** One 90 kHz tick, the resolution of a PTS. */
const TICK = 1 / 90_000;
/** The PID ffmpeg's MPEG-TS muxer gives the first stream (here the video). */
const FFMPEG_FIRST_PID = 0x100;

/** A 4-s MPEG-TS clip (160×120, 25 fps + a sine) with its timestamps moved by `offset` s. */
function tsClip(
  name: string,
  offset: number,
  video: string[] = ['-c:v', 'libx264', '-preset', 'ultrafast'],
) {
  const out = tmp.path(name);
  ffmpeg(
    ...['-f', 'lavfi', '-i', 'testsrc=size=160x120:rate=25:duration=4'],
    ...['-f', 'lavfi', '-i', 'sine=frequency=440:duration=4'],
    ...video,
    ...['-g', '25', '-c:a', 'aac', '-output_ts_offset', String(offset), '-f', 'mpegts', out],
  );
  return out;
}

/**
 * ffprobe's first packet of `stream` (v:0, a:0), as the raw 33-bit PTS in seconds: ffprobe
 * may report timestamps just below the wrap as negative (libavformat's wrap correction).
 */
function probeFirstPts(file: string, stream = 'v:0'): number {
  const out = execFileSync(
    'ffprobe',
    [
      ...['-v', 'error', '-select_streams', stream, '-show_entries', 'packet=pts'],
      ...['-read_intervals', '%+#1', '-of', 'csv=p=0', file],
    ],
    { encoding: 'utf8' },
  );
  const m = /^(-?\d+)/.exec(out.trim()); // `csv=p=0` may append side-data fields
  expect(m, out).not.toBeNull();
  const pts = Number(m![1]);
  return (((pts % WRAP_TICKS) + WRAP_TICKS) % WRAP_TICKS) / 90_000;
}

const files: Record<string, string> = {};
beforeAll(() => {
  files.small = tsClip('small.ts', 0);
  files.offset = tsClip('offset.ts', 1000);
  // 2 s before the wrap: the first PTS is just below 2^33 ticks, later ones wrap to small.
  files.wrap = tsClip('wrap.ts', PTS_WRAP_SECONDS - 2);
  files.mpeg2 = tsClip('mpeg2.ts', 50, ['-c:v', 'mpeg2video']);
  files.audio = tmp.path('audio.ts');
  ffmpeg(
    ...['-f', 'lavfi', '-i', 'sine=frequency=440:duration=2', '-c:a', 'aac'],
    ...['-output_ts_offset', '7', '-f', 'mpegts', files.audio],
  );
});

describe('firstPts (MPEG-TS)', () => {
  it.each(['small', 'offset', 'wrap', 'mpeg2'])(
    "%s: the PTS of the first video packet, as ffprobe's",
    (name) => {
      const bytes = readFileSync(files[name]!);
      const expected = probeFirstPts(files[name]!);
      const got = firstPts(bytes);
      expect(got).toBeDefined();
      expect(Math.abs(got! - expected)).toBeLessThanOrEqual(TICK);
      expect(got!).toBeGreaterThanOrEqual(0);
      expect(got!).toBeLessThan(PTS_WRAP_SECONDS);
      // The first 64 KB are enough (what the playlist timeline fetches).
      expect(firstPts(bytes.subarray(0, 65_536))).toBe(got);
    },
  );

  it('reads the 33rd bit: a PTS just below the wrap is not folded to 32 bits', () => {
    const got = firstPts(readFileSync(files.wrap!))!;
    expect(got).toBeGreaterThan(PTS_WRAP_SECONDS - 2);
    expect(got).toBeGreaterThan(2 ** 32 / 90_000);
  });

  it('finds the packets behind leading junk (sync offset)', () => {
    const bytes = readFileSync(files.offset!);
    const junk = Buffer.concat([Buffer.from([1, 2, 0x47, 4, 5, 6, 7]), bytes]);
    expect(firstPts(junk)).toBe(firstPts(bytes));
  });

  it('audio only: the first PES with a PTS of any stream', () => {
    const expected = probeFirstPts(files.audio!, 'a:0');
    expect(Math.abs(firstPts(readFileSync(files.audio!))! - expected)).toBeLessThanOrEqual(TICK);
  });

  it('a video stream whose first PES is not among the bytes: undefined, not the audio time', () => {
    // The clip with every packet of the video PID removed: the PMT still declares H.264.
    const bytes = readFileSync(files.small!);
    const pid = (at: number) => ((bytes[at + 1]! & 0x1f) << 8) | bytes[at + 2]!;
    const packets: Buffer[] = [];
    for (let at = 0; at + 188 <= bytes.length; at += 188)
      if (pid(at) !== FFMPEG_FIRST_PID) packets.push(bytes.subarray(at, at + 188));
    const withoutVideo = Buffer.concat(packets);
    expect(withoutVideo.length).toBeLessThan(bytes.length);
    expect(firstPts(withoutVideo)).toBeUndefined();
  });

  it('bytes without MPEG-TS sync: undefined', () => {
    expect(firstPts(new Uint8Array(0))).toBeUndefined();
    expect(firstPts(new Uint8Array(4096))).toBeUndefined();
    expect(firstPts(new TextEncoder().encode('#EXTM3U\n'.repeat(200)))).toBeUndefined();
    const noise = new Uint8Array(65_536).map((_, i) => (i * 7919 + 13) % 251);
    expect(firstPts(noise)).toBeUndefined();
  });
});
