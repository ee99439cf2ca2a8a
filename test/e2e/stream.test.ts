import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ffmpeg, scratch } from '../helpers/clips.js';
import { liveEpisodeTs, publishLive, riggedStreamModel, serveLive } from '../helpers/liveHls.js';

// A random-weight fixture model with a rigged decision (riggedStreamModel): these specs check
// the stream's mechanics (events, reconnects, timelines). Whether the shipped model finds the
// intro in a stream is test/e2e/shipped-models.test.ts.
// The built CLI (`npm test` builds first); INTRODETECT_CLI points elsewhere if needed.
const CLI = process.env.INTRODETECT_CLI ?? 'dist/cli/main.js';

const tmp = scratch('introdetect-stream-');
const CLIP_SECONDS = 36;
let clip: string;
let models: string;

interface Line {
  event: string;
  streamTime: number;
  pts: number;
  wallTime: string;
  confidence: number;
}

/** Parses and checks the JSON lines: schema, per-target start/end alternation, time order. */
function checkEvents(stdout: string): Line[] {
  const lines = stdout.split('\n').filter(Boolean);
  const events = lines.map((l) => JSON.parse(l) as Line);
  const open = new Map<string, boolean>();
  let last = -Infinity;
  for (const ev of events) {
    // HLS inputs add the segment (and, with program date-time, the wall-clock instant).
    const hls = ['mediaSequence', 'segmentUri', 'programDateTime'];
    expect(
      Object.keys(ev)
        .filter((k) => !hls.includes(k))
        .sort(),
    ).toEqual(['confidence', 'event', 'pts', 'streamTime', 'wallTime']);
    expect(ev.event).toMatch(/^(intro|credits)\.(start|end)$/);
    expect(Number.isInteger(ev.streamTime)).toBe(true);
    expect(ev.streamTime).toBeGreaterThanOrEqual(last);
    last = ev.streamTime;
    expect(new Date(ev.wallTime).toISOString()).toBe(ev.wallTime);
    expect(ev.confidence).toBeGreaterThanOrEqual(0);
    expect(ev.confidence).toBeLessThanOrEqual(1);
    const [target, edge] = ev.event.split('.') as [string, string];
    expect(edge).toBe(open.get(target) ? 'end' : 'start');
    open.set(target, edge === 'start');
  }
  for (const isOpen of open.values()) expect(isOpen).toBe(false);
  return events;
}

/** "input ended: N s analysed" from the CLI's stderr. */
function analysed(stderr: string): number {
  const m = /input ended: (\d+) s analysed/.exec(stderr);
  expect(m, stderr).not.toBeNull();
  return Number(m![1]);
}

beforeAll(() => {
  clip = tmp.path('episode.ts');
  liveEpisodeTs(clip, CLIP_SECONDS);
  models = riggedStreamModel(tmp.dir);
});
afterAll(() => tmp.cleanup());

describe('introdetect stream', () => {
  it('follows a live HLS playlist and ends at #EXT-X-ENDLIST, events in order', async () => {
    const dir = tmp.path('live1');
    mkdirSync(dir, { recursive: true });
    const server = await serveLive(dir);
    const publisher = await publishLive(clip, dir);
    try {
      const r = await execa('node', [CLI, 'stream', server.url('live.m3u8'), '--models', models], {
        reject: false,
        timeout: 120_000,
      });
      expect(r.exitCode, r.stderr).toBe(0);
      const events = checkEvents(r.stdout);
      const n = analysed(r.stderr);
      expect(n).toBeGreaterThanOrEqual(CLIP_SECONDS - 10); // starts ≤ 3 segments behind live
      expect(n).toBeLessThanOrEqual(CLIP_SECONDS + 1);
      expect(events.map((e) => [e.event, e.streamTime])).toEqual([
        ['intro.start', 0],
        ['intro.end', n],
      ]);
    } finally {
      publisher.kill();
      await server.close();
    }
  });

  it('survives the server dropping mid-stream: reconnects, stream time continues', async () => {
    const dir = tmp.path('live2');
    mkdirSync(dir, { recursive: true });
    const server = await serveLive(dir);
    const publisher = await publishLive(clip, dir);
    const outage = setTimeout(() => {
      server.setDown(true);
      setTimeout(() => server.setDown(false), 4000);
    }, 10_000);
    try {
      const r = await execa(
        'node',
        [CLI, 'stream', server.url('live.m3u8'), '--models', models, '--retry-delay', '500'],
        { reject: false, timeout: 120_000 },
      );
      expect(r.exitCode, r.stderr).toBe(0);
      const lost = /input lost at (\d+) s/.exec(r.stderr);
      const back = /stream time continues at (\d+) s/.exec(r.stderr);
      expect(lost, r.stderr).not.toBeNull();
      expect(back, r.stderr).not.toBeNull();
      expect(Number(back![1])).toBe(Number(lost![1]));
      const n = analysed(r.stderr);
      expect(n).toBeGreaterThan(Number(back![1]));
      // Seconds are decided strictly in order (a repeated or skipped second makes the tracker
      // throw), so one intro across the outage is still one start and one end.
      const events = checkEvents(r.stdout);
      expect(events.map((e) => [e.event, e.streamTime])).toEqual([
        ['intro.start', 0],
        ['intro.end', n],
      ]);
    } finally {
      clearTimeout(outage);
      publisher.kill();
      await server.close();
    }
  });

  it('gives up after --max-retries with exit status 9 (STREAM_DROPPED)', async () => {
    const server = await serveLive(tmp.dir);
    const url = server.url('gone.m3u8');
    await server.close(); // nothing listens there any more
    const r = await execa(
      'node',
      [CLI, 'stream', url, '--models', models, '--max-retries', '2', '--retry-delay', '100'],
      { reject: false, timeout: 60_000 },
    );
    expect(r.exitCode, r.stderr).toBe(9);
    expect(r.stderr).toMatch(/attempt 2\/2/);
    expect(r.stderr).toMatch(/giving up after 2 failed reconnect/);
    expect(r.stderr).toMatch(/\[STREAM_DROPPED\]/);
    expect(r.stdout).toBe('');
  });

  it('MPEG-TS on stdin with a timestamp jump keeps one continuous timeline', async () => {
    // Two 10-s pieces, the second stamped one hour later (a broadcast splice).
    const a = tmp.path('a.ts');
    const b = tmp.path('b.ts');
    const cut = (out: string, offset: number) =>
      ffmpeg(
        ...['-i', clip, '-t', '10', '-c:v', 'libx264', '-preset', 'ultrafast', '-g', '25'],
        ...['-c:a', 'aac', '-output_ts_offset', String(offset), '-f', 'mpegts', out],
      );
    cut(a, 0);
    cut(b, 3600);
    const spliced = tmp.path('spliced.ts');
    writeFileSync(spliced, Buffer.concat([readFileSync(a), readFileSync(b)]));
    const r = await execa('node', [CLI, 'stream', '-', '--models', models], {
      inputFile: spliced,
      reject: false,
      timeout: 60_000,
    });
    expect(r.exitCode, r.stderr).toBe(0);
    checkEvents(r.stdout);
    // ffmpeg's MPEG-TS discontinuity handling (-dts_delta_threshold) absorbs the jump: 20 s of
    // pictures stay 20 stream seconds, not 3620.
    const n = analysed(r.stderr);
    expect(n).toBeGreaterThanOrEqual(19);
    expect(n).toBeLessThanOrEqual(22);
  });

  it('--min-run holds back a run until it has lasted that long, and drops shorter ones', async () => {
    const run = (minRun: number) =>
      execa('node', [CLI, 'stream', clip, '--models', models, '--min-run', String(minRun)], {
        reject: false,
        timeout: 60_000,
      });
    const [some, none] = await Promise.all([run(5), run(CLIP_SECONDS + 5)]);
    expect(some.exitCode, some.stderr).toBe(0);
    expect(none.exitCode, none.stderr).toBe(0);
    const n = analysed(some.stderr);
    // the whole clip is one intro run: announced late, but at its true start
    expect(checkEvents(some.stdout).map((e) => [e.event, e.streamTime])).toEqual([
      ['intro.start', 0],
      ['intro.end', n],
    ]);
    // no run lasts longer than the clip: nothing is announced
    expect(checkEvents(none.stdout)).toEqual([]);
  });
});
