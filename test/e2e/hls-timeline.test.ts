import { execFileSync } from 'node:child_process';
import {
  createReadStream,
  existsSync,
  mkdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { basename, join } from 'node:path';
import type { ParsedManifest } from 'm3u8-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HlsRepublisher } from '../../src/live/hls/hlsRepublisher.js';
import { PlaylistTimeline } from '../../src/live/hls/playlistTimeline.js';
import { PTS_WRAP_SECONDS, unwrapNear } from '../../src/live/timestamps.js';
import { ffmpeg, scratch } from '../helpers/clips.js';
import { publishLive, readPlaylistBack } from '../helpers/liveHls.js';

// A live HLS stream published by ffmpeg (-re, 2-s segments, 6 listed, PROGRAM-DATE-TIME) from
// a 24-s MPEG-TS clip whose timestamps are kept (-copyts): the segment of a presentation time
// and its wall-clock instant, checked against ffprobe on the segment files themselves (MPEG-TS
// segments, and fMP4 ones with their init segment).

const tmp = scratch('introdetect-hls-timeline-');
afterAll(() => tmp.cleanup());

const CLIP_SECONDS = 24;
/** One frame at 25 fps: how far a located PROGRAM-DATE-TIME may be off. */
const FRAME_MS = 40;
/** How far either side of a segment's start (per ffprobe) its place is checked. */
const EDGE_S = 0.02;

/**
 * A 24-s clip (320×240, so 2-s segments are larger than the 64 KB the timeline reads), 1-s
 * GOPs, timestamps moved by `offset` seconds.
 */
function clip(name: string, offset: number): string {
  const out = tmp.path(name);
  ffmpeg(
    ...['-f', 'lavfi', '-i', `testsrc=size=320x240:rate=25:duration=${CLIP_SECONDS}`],
    ...['-f', 'lavfi', '-i', `sine=frequency=440:duration=${CLIP_SECONDS}`],
    ...['-c:v', 'libx264', '-preset', 'ultrafast', '-g', '25', '-c:a', 'aac'],
    ...['-output_ts_offset', String(offset), '-f', 'mpegts', out],
  );
  return out;
}

interface Served {
  url: (name: string) => string;
  /**
   * Segment (and init segment) requests: the file, the Range asked for, the status answered,
   * whether the client hung up.
   */
  segmentRequests: Array<{
    name: string;
    range: string | undefined;
    status: number;
    closedByClient: boolean;
  }>;
  close: () => Promise<void>;
}

/**
 * A local HTTP server for one folder. With `honourRange`, `Range: bytes=a-b` gets a 206;
 * without, a segment gets a 200, its bytes, and then the response stays open (a server that
 * ignores Range and streams on): only a client that stops after what it needs ends it.
 */
async function serve(root: string, honourRange: boolean): Promise<Served> {
  const segmentRequests: Served['segmentRequests'] = [];
  const server = createServer((req, res) => {
    const path = join(root, basename(new URL(req.url ?? '/', 'http://x').pathname));
    if (!existsSync(path)) {
      res.writeHead(404).end();
      return;
    }
    if (path.endsWith('.m3u8')) {
      res.writeHead(200, { 'content-type': 'application/vnd.apple.mpegurl' });
      res.end(readFileSync(path));
      return;
    }
    const size = statSync(path).size;
    const range = /^bytes=(\d+)-(\d*)$/.exec(req.headers.range ?? '');
    const entry = {
      name: basename(path),
      range: req.headers.range,
      status: 200,
      closedByClient: false,
    };
    segmentRequests.push(entry);
    res.on('close', () => (entry.closedByClient = !res.writableFinished));
    if (honourRange && range) {
      const start = Number(range[1]);
      const end = Math.min(size - 1, range[2] ? Number(range[2]) : size - 1);
      entry.status = 206;
      res.writeHead(206, {
        'content-type': 'video/mp2t',
        'content-range': `bytes ${start}-${end}/${size}`,
        'content-length': end - start + 1,
      });
      createReadStream(path, { start, end }).pipe(res);
    } else {
      res.writeHead(200, { 'content-type': 'video/mp2t' });
      createReadStream(path).pipe(res, { end: false });
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: (name) => `http://127.0.0.1:${port}/${name}`,
    segmentRequests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The raw PTS (seconds, 0 ≤ t < the wrap) of a segment file's first video packet. */
function segmentStart(file: string): number {
  const out = execFileSync(
    'ffprobe',
    [
      ...['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'packet=pts'],
      ...['-read_intervals', '%+#1', '-of', 'csv=p=0', file],
    ],
    { encoding: 'utf8' },
  );
  const ticks = Number(/^-?\d+/.exec(out.trim())![0]);
  return (((ticks % 2 ** 33) + 2 ** 33) % 2 ** 33) / 90_000;
}

/**
 * ffprobe's start_time of the video of an fMP4 init segment + media segment, joined in a file
 * (what ffmpeg reads of an fMP4 HLS stream), in seconds.
 */
function fmp4Start(init: Uint8Array, segment: Uint8Array, name: string): number {
  const file = tmp.path(`joined-${name}.mp4`);
  writeFileSync(file, Buffer.concat([init, segment]));
  const out = execFileSync(
    'ffprobe',
    [
      ...['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'stream=start_time'],
      ...['-of', 'csv=p=0', file],
    ],
    { encoding: 'utf8' },
  );
  return Number(out.trim());
}

/** Checks that 20 ms before each segment's start is the segment before it, 20 ms after it. */
async function expectEdges(
  timeline: PlaylistTimeline,
  segments: ReadonlyArray<{ msn: number; start: number }>,
): Promise<void> {
  for (let i = 1; i < segments.length; i++) {
    const s = segments[i]!;
    expect((await timeline.locate(s.start - EDGE_S))?.mediaSequence, `before ${s.msn}`).toBe(
      segments[i - 1]!.msn,
    );
    expect((await timeline.locate(s.start + EDGE_S))?.mediaSequence, `after ${s.msn}`).toBe(s.msn);
  }
}

/** The segments of `manifest` with their media sequence numbers and raw start PTS. */
function listed(manifest: ParsedManifest, dir: string) {
  return manifest.segments.map((s, i) => ({
    msn: (manifest.mediaSequence ?? 0) + i,
    name: s.uri,
    date: s.programDateTime!,
    start: segmentStart(join(dir, s.uri)),
  }));
}

/** Active timers of this process (what would keep it alive). */
const timers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;

let small: string;
let nearWrap: string;
beforeAll(() => {
  small = clip('offset.ts', 1000);
  // The wrap (2^33 ticks) falls about 3 s into the stream: segments 0–1 before it, 2… after.
  nearWrap = clip('wrap.ts', PTS_WRAP_SECONDS - 6);
});

describe('PlaylistTimeline + HlsRepublisher on a live HLS stream', () => {
  it('locates a pts in its segment (msn, absolute URI, PDT + offset) and republishes DATERANGEs', async () => {
    const dir = tmp.path('live1');
    const publisher = await publishLive(small, dir, {
      programDateTime: true,
      keepTimestamps: true,
      waitForSegments: 4,
    });
    const server = await serve(dir, true);
    const baseline = timers();
    const warnings: string[] = [];
    const timeline = new PlaylistTimeline(server.url('live.m3u8'), {
      onWarning: (m) => warnings.push(m),
    });
    try {
      // The segments as listed now (on disk); still listed when the timeline reads the playlist.
      const segments = listed(readPlaylistBack(readFileSync(join(dir, 'live.m3u8'), 'utf8')), dir);
      expect(segments.length).toBeGreaterThanOrEqual(4);
      expect(segments[0]!.start).toBeGreaterThan(1000); // the clip's timestamps, kept
      timeline.start();

      // 0.5 s into the second-newest segment (complete, with a next one to end it), asked at
      // once: locate waits for the first playlist and the segment reads.
      const known = segments.at(-2)!;
      const place = await timeline.locate(known.start + 0.5);
      expect(timeline.hasProgramDateTime).toBe(true);
      expect(timeline.latest!.url).toBe(server.url('live.m3u8'));
      expect(place).toBeDefined();
      expect(place!.mediaSequence).toBe(known.msn);
      expect(place!.uri).toBe(server.url(known.name));
      const pdt = Date.parse(place!.programDateTime!);
      expect(Math.abs(pdt - (known.date + 500))).toBeLessThanOrEqual(FRAME_MS);
      expect(place!.programDateTime).toBe(new Date(pdt).toISOString());
      // Just before a segment's start is the segment before it; far outside, nothing.
      const before = segments.at(-3)!;
      expect((await timeline.locate(known.start - 0.1))?.mediaSequence).toBe(before.msn);
      expect(await timeline.locate(known.start + 3600)).toBeUndefined();
      expect(await timeline.locate(segments[0]!.start - 60)).toBeUndefined();

      // Segment starts were read with Range requests of 64 KB, answered 206.
      expect(server.segmentRequests.length).toBeGreaterThanOrEqual(segments.length);
      for (const r of server.segmentRequests)
        expect(r).toMatchObject({ range: 'bytes=0-65535', status: 206 });

      // The republished playlist: a closed intro and an open credits range, dates from real PDTs.
      const outDir = tmp.path('republished');
      const republisher = new HlsRepublisher(timeline, 'chan', { outDir });
      const introStart = new Date(known.date + 500).toISOString();
      const introEnd = new Date(segments.at(-1)!.date + 1250).toISOString();
      const intro = republisher.open('intro', introStart, 0.8);
      expect(intro.id).toBe(`intro-${known.date + 500}`);
      republisher.close('intro', introEnd, 0.9);
      const credits = republisher.open(
        'credits',
        new Date(segments.at(-1)!.date).toISOString(),
        0.6,
      );
      await republisher.flush();
      const written = readFileSync(join(outDir, 'chan.m3u8'), 'utf8');
      expect(written).toBe(republisher.current());
      const m = readPlaylistBack(written);
      expect(m.dateRanges.map((r) => [r.id, r.class])).toEqual([
        [intro.id, 'com.introdetect.intro'],
        [credits.id, 'com.introdetect.credits'],
      ]);
      expect(m.dateRanges[0]!.startDate.toISOString()).toBe(introStart);
      expect(m.dateRanges[0]!.duration).toBeCloseTo(
        (Date.parse(introEnd) - Date.parse(introStart)) / 1000,
        3,
      );
      expect(m.dateRanges[1]!.duration).toBeUndefined();
      expect(m.segments.every((s) => s.uri.startsWith(server.url('live')))).toBe(true);

      // Re-rendered on the next playlist refresh: the new segment is listed, the ranges stay.
      const newest = segments.at(-1)!.msn;
      await new Promise<void>((resolve) => {
        const off = timeline.onPlaylist(() => {
          if (!republisher.current()!.includes(`live${newest + 1}.ts`)) return;
          off();
          resolve();
        });
      });
      await republisher.flush();
      const refreshed = readPlaylistBack(readFileSync(join(outDir, 'chan.m3u8'), 'utf8'));
      expect(refreshed.dateRanges.map((r) => r.id)).toEqual([intro.id, credits.id]);
      republisher.stop();
      expect(warnings).toEqual([]);
    } finally {
      timeline.stop();
      publisher.kill();
      await server.close();
    }
    // stop() cleared its timers: nothing of the timeline keeps the process alive.
    expect(timers()).toBeLessThanOrEqual(baseline);
    await expect(timeline.ready()).resolves.toBeUndefined();
  });

  it('across the PTS wrap, from a server that ignores Range: reads 64 KB and hangs up', async () => {
    const dir = tmp.path('live2');
    const publisher = await publishLive(nearWrap, dir, {
      programDateTime: true,
      keepTimestamps: true,
      waitForSegments: 4,
    });
    const server = await serve(dir, false);
    const baseline = timers();
    const warnings: string[] = [];
    const timeline = new PlaylistTimeline(server.url('live.m3u8'), {
      onWarning: (m) => warnings.push(m),
    });
    try {
      timeline.start();
      await timeline.ready();
      const segments = listed(readPlaylistBack(timeline.latest!.text), dir);
      // Raw starts wrap: the first just below 2^33 ticks, later ones small.
      expect(segments[0]!.start).toBeGreaterThan(PTS_WRAP_SECONDS - 10);
      expect(segments.at(-1)!.start).toBeLessThan(10);
      // ffmpeg's continuous timeline: each start unwrapped next to the one before.
      let previous = segments[0]!.start;
      const unwrapped = segments.map((s) => (previous = unwrapNear(s.start, previous)));
      for (const i of [0, segments.length - 2]) {
        const s = segments[i]!;
        // The same instant as ffmpeg may number it: continuous past 2^33, or (near the top)
        // wrapped to negative; both are the same segment.
        for (const pts of [unwrapped[i]! + 0.5, unwrapped[i]! + 0.5 - PTS_WRAP_SECONDS]) {
          const place = await timeline.locate(pts);
          expect(place?.mediaSequence, `pts ${pts}`).toBe(s.msn);
          expect(
            Math.abs(Date.parse(place!.programDateTime!) - (s.date + 500)),
          ).toBeLessThanOrEqual(FRAME_MS);
        }
      }
      expect(warnings).toEqual([]);
    } finally {
      timeline.stop();
      publisher.kill();
    }
    // Each segment response was a 200 that never ends: the reads above finished only because
    // the timeline hung up after 64 KB (a read still in flight was hung up by stop()).
    try {
      await new Promise((r) => setTimeout(r, 200));
      expect(server.segmentRequests.length).toBeGreaterThanOrEqual(4);
      for (const r of server.segmentRequests)
        expect(r).toMatchObject({ status: 200, closedByClient: true });
    } finally {
      await server.close();
    }
    expect(timers()).toBeLessThanOrEqual(baseline);
  });

  it('fMP4 segments (EXT-X-MAP): places from their real starts, as ffmpeg reads them; the init segment read once', async () => {
    const dir = tmp.path('live-fmp4');
    const publisher = await publishLive(small, dir, {
      programDateTime: true,
      keepTimestamps: true,
      waitForSegments: 3,
      segmentType: 'fmp4',
    });
    const server = await serve(dir, true);
    const baseline = timers();
    const warnings: string[] = [];
    const timeline = new PlaylistTimeline(server.url('live.m3u8'), {
      onWarning: (m) => warnings.push(m),
    });
    try {
      const text = readFileSync(join(dir, 'live.m3u8'), 'utf8');
      const manifest = readPlaylistBack(text);
      expect(manifest.segments[0]!.map?.uri).toBe('init.mp4');
      const init = readFileSync(join(dir, 'init.mp4'));
      const segments = manifest.segments.map((s, i) => ({
        msn: (manifest.mediaSequence ?? 0) + i,
        name: s.uri,
        date: s.programDateTime!,
        start: fmp4Start(init, readFileSync(join(dir, s.uri)), s.uri),
      }));
      expect(segments.length).toBeGreaterThanOrEqual(3);
      expect(segments[0]!.start).toBeGreaterThan(1000); // the clip's timestamps, kept
      // ffmpeg reading the live playlist from its first segment starts where ffprobe said.
      writeFileSync(join(dir, 'snapshot.m3u8'), text);
      const firstPacket = execFileSync(
        'ffprobe',
        [
          ...['-v', 'error', '-live_start_index', '0', '-select_streams', 'v:0'],
          ...['-show_entries', 'packet=pts_time', '-read_intervals', '%+#1'],
          ...['-of', 'csv=p=0', join(dir, 'snapshot.m3u8')],
        ],
        { encoding: 'utf8' },
      );
      expect(
        Math.abs(Number(/^[\d.]+/.exec(firstPacket.trim())![0]) - segments[0]!.start),
      ).toBeLessThan(0.001);
      timeline.start();

      const known = segments.at(-2)!;
      const place = await timeline.locate(known.start + 0.5);
      expect(place?.mediaSequence).toBe(known.msn);
      expect(place!.uri).toBe(server.url(known.name));
      const pdt = Date.parse(place!.programDateTime!);
      expect(Math.abs(pdt - (known.date + 500))).toBeLessThanOrEqual(FRAME_MS);
      await expectEdges(timeline, segments);

      // The init segment once (up to 1 MiB asked), each segment's first 64 KB.
      const inits = server.segmentRequests.filter((r) => r.name === 'init.mp4');
      expect(inits).toEqual([expect.objectContaining({ range: 'bytes=0-1048575', status: 206 })]);
      const media = server.segmentRequests.filter((r) => r.name.endsWith('.m4s'));
      expect(media.length).toBeGreaterThanOrEqual(segments.length);
      for (const r of media) expect(r).toMatchObject({ range: 'bytes=0-65535', status: 206 });
      expect(warnings).toEqual([]);
    } finally {
      timeline.stop();
      publisher.kill();
      await server.close();
    }
    expect(timers()).toBeLessThanOrEqual(baseline);
  });

  it('fMP4 in one file (EXT-X-BYTERANGE, a MAP with BYTERANGE): sub-ranges read, whether or not the server honours Range', async () => {
    const dir = tmp.path('single-fmp4');
    mkdirSync(dir, { recursive: true });
    ffmpeg(
      ...['-i', small, '-c', 'copy', '-bsf:a', 'aac_adtstoasc', '-copyts', '-f', 'hls'],
      ...['-hls_segment_type', 'fmp4', '-hls_time', '2', '-hls_list_size', '0'],
      ...['-hls_flags', 'single_file+program_date_time', join(dir, 'live.m3u8')],
    );
    const manifest = readPlaylistBack(readFileSync(join(dir, 'live.m3u8'), 'utf8'));
    const file = readFileSync(join(dir, 'live.m4s'));
    const part = (r: { offset: number; length: number }) =>
      file.subarray(r.offset, r.offset + r.length);
    const map = manifest.segments[0]!.map!;
    expect(map.byterange).toBeDefined();
    const init = part(map.byterange!);
    const segments = manifest.segments.map((s, i) => ({
      msn: i,
      date: s.programDateTime!,
      range: s.byterange!,
      start: fmp4Start(init, part(s.byterange!), `single-${i}`),
    }));
    expect(segments.length).toBe(CLIP_SECONDS / 2);
    expect(segments.at(-1)!.range.offset).toBeGreaterThan(65_536);
    for (const honourRange of [true, false]) {
      const server = await serve(dir, honourRange);
      const warnings: string[] = [];
      const timeline = new PlaylistTimeline(server.url('live.m3u8'), {
        onWarning: (m) => warnings.push(m),
      });
      try {
        timeline.start();
        for (const s of [segments[1]!, segments.at(-1)!]) {
          const place = await timeline.locate(s.start + 0.5);
          expect(place?.mediaSequence, `honourRange ${honourRange}`).toBe(s.msn);
          expect(place!.uri).toBe(server.url('live.m4s'));
          const pdt = Date.parse(place!.programDateTime!);
          expect(Math.abs(pdt - (s.date + 500))).toBeLessThanOrEqual(FRAME_MS);
        }
        await expectEdges(timeline, segments);
        expect(warnings).toEqual([]);
      } finally {
        timeline.stop();
      }
      await new Promise((r) => setTimeout(r, 200));
      try {
        const asked = server.segmentRequests.map((r) => r.range);
        const { offset, length } = map.byterange!;
        expect(asked.filter((r) => r === `bytes=${offset}-${offset + length - 1}`)).toHaveLength(1);
        for (const s of segments) {
          const end = s.range.offset + Math.min(s.range.length, 65_536) - 1;
          expect(asked).toContain(`bytes=${s.range.offset}-${end}`);
        }
        for (const r of server.segmentRequests)
          expect(r).toMatchObject(
            honourRange ? { status: 206 } : { status: 200, closedByClient: true },
          );
      } finally {
        await server.close();
      }
    }
  });

  it('a master playlist (first variant), unreadable segments estimated with one warning, ENDLIST ends polling', async () => {
    const dir = tmp.path('vod');
    mkdirSync(dir, { recursive: true });
    ffmpeg(
      ...['-i', small, '-c', 'copy', '-copyts', '-f', 'hls', '-hls_time', '2'],
      ...['-hls_list_size', '0', '-hls_flags', 'program_date_time', join(dir, 'live.m3u8')],
    );
    writeFileSync(
      join(dir, 'master.m3u8'),
      '#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=800000\nlive.m3u8\n#EXT-X-STREAM-INF:BANDWIDTH=400000\nother.m3u8\n',
    );
    const media = readPlaylistBack(readFileSync(join(dir, 'live.m3u8'), 'utf8'));
    const segments = listed(media, dir);
    expect(media.endList).toBe(true);
    // Two segments in a row whose bytes are not MPEG-TS (as fMP4 would be to firstPts).
    for (const s of segments.slice(4, 6))
      writeFileSync(join(dir, s.name), 'not MPEG-TS'.repeat(100));
    const server = await serve(dir, true);
    const baseline = timers();
    const warnings: string[] = [];
    const timeline = new PlaylistTimeline(server.url('master.m3u8'), {
      onWarning: (m) => warnings.push(m),
    });
    try {
      timeline.start();
      await timeline.ready();
      expect(timeline.latest!.url).toBe(server.url('live.m3u8'));
      // Estimated from the last read start + EXTINF durations: still within a frame here.
      for (const s of [segments[3]!, segments[4]!, segments[5]!, segments[6]!]) {
        const place = await timeline.locate(s.start + 0.5);
        expect(place?.mediaSequence).toBe(s.msn);
        expect(place!.uri).toBe(server.url(s.name));
        expect(Math.abs(Date.parse(place!.programDateTime!) - (s.date + 500))).toBeLessThanOrEqual(
          FRAME_MS,
        );
      }
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toContain(segments[4]!.name);
      // The playlist has ended: no poll is scheduled any more, even before stop().
      expect(timers()).toBeLessThanOrEqual(baseline);
    } finally {
      timeline.stop();
      await server.close();
    }
  });

  it('a pts past the newest listed segment waits for the reload that lists it (ffmpeg read it first); after ENDLIST it does not wait', async () => {
    const dir = tmp.path('growing');
    mkdirSync(dir, { recursive: true });
    ffmpeg(
      ...['-i', small, '-c', 'copy', '-copyts', '-f', 'hls', '-hls_time', '2'],
      ...['-hls_list_size', '0', '-hls_flags', 'program_date_time', join(dir, 'all.m3u8')],
    );
    const lines = readFileSync(join(dir, 'all.m3u8'), 'utf8').trimEnd().split('\n');
    const segments = listed(readPlaylistBack(lines.join('\n')), dir);
    const head = lines.slice(
      0,
      lines.findIndex((l) => l.startsWith('#EXTINF')),
    );
    const body = lines.slice(head.length).filter((l) => l !== '#EXT-X-ENDLIST');
    /** The live playlist listing the first `n` segments (each an EXTINF, date-time and URI). */
    const publish = (n: number, ended = false) =>
      writeFileSync(
        join(dir, 'live.m3u8'),
        [...head, ...body.slice(0, 3 * n), ...(ended ? ['#EXT-X-ENDLIST'] : []), ''].join('\n'),
      );
    expect(body.slice(0, 3).map((l) => l.split(':')[0])).toEqual([
      '#EXTINF',
      '#EXT-X-PROGRAM-DATE-TIME',
      segments[0]!.name,
    ]);
    publish(4);
    const server = await serve(dir, true);
    const timeline = new PlaylistTimeline(server.url('live.m3u8'), { pollIntervalMs: 200 });
    try {
      timeline.start();
      await timeline.ready();
      expect((await timeline.locate(segments[3]!.start + 0.5))?.mediaSequence).toBe(3);
      // The event of a second in segment 5 comes before the reload that lists it.
      const late = timeline.locate(segments[5]!.start + 0.5);
      setTimeout(() => publish(6), 600);
      expect((await late)?.mediaSequence).toBe(5);
      // Once the playlist has ended, a pts past its end is unknown at once.
      publish(6, true);
      await new Promise((r) => setTimeout(r, 500));
      const asked = Date.now();
      expect(await timeline.locate(segments[segments.length - 1]!.start + 30)).toBeUndefined();
      expect(Date.now() - asked).toBeLessThan(1000);
    } finally {
      timeline.stop();
      await server.close();
    }
  });

  it('stop() before the first playlist: ready() rejects, no timer left', async () => {
    const baseline = timers();
    const timeline = new PlaylistTimeline('http://127.0.0.1:9/never.m3u8', { pollIntervalMs: 50 });
    timeline.start();
    expect(timers()).toBeGreaterThan(baseline); // the first poll is scheduled
    timeline.stop();
    await expect(timeline.ready()).rejects.toMatchObject({ code: 'ABORTED' });
    expect(await timeline.locate(1)).toBeUndefined();
    expect(timers()).toBeLessThanOrEqual(baseline);
  });
});
