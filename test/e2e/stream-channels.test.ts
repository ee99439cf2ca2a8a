import { createHmac } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { execa, execaSync } from 'execa';
import { Parser } from 'm3u8-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ffmpeg, scratch } from '../helpers/clips.js';
import {
  liveEpisodeTs,
  publishLive,
  readPlaylistBack,
  riggedStreamModel,
  serveLive,
} from '../helpers/liveHls.js';

// The mechanics of `stream` on the media timeline, with the rigged fixture model (one "intro"
// from a stream's first second to its last): where its events land (PTS, program date-time,
// segment), and where they go (stdout, a webhook, a republished playlist, /channels), one
// input or many channels in one process.
const CLI = process.env.INTRODETECT_CLI ?? 'dist/cli/main.js';
const tmp = scratch('introdetect-channels-');
const CLIP_SECONDS = 30;
let clip: string;
let models: string;

interface Event {
  channel?: string;
  event: string;
  streamTime: number;
  pts: number;
  programDateTime?: string;
  mediaSequence?: number;
  segmentUri?: string;
  wallTime: string;
  confidence: number;
}

const eventsOf = (stdout: string) =>
  stdout
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Event);

/** First presentation time of a media file, by ffprobe (a parser independent of ours). */
function startTime(path: string): number {
  const r = execaSync('ffprobe', [
    ...['-v', 'error', '-show_entries', 'format=start_time', '-of', 'csv=p=0', path],
  ]);
  return Number(r.stdout.trim());
}

/** Segment → program date-time (epoch ms) and duration, from a playlist written by ffmpeg. */
function playlistSegments(text: string): Array<{ uri: string; pdt: number; duration: number }> {
  const p = new Parser();
  p.push(text);
  p.end();
  return p.manifest.segments.map((s) => ({
    uri: s.uri,
    pdt: s.programDateTime!,
    duration: s.duration,
  }));
}

/** A webhook receiver that fails the first `failures` requests with 503. */
async function webhookReceiver(failures: number) {
  const received: Array<{ body: string; headers: IncomingMessage['headers'] }> = [];
  let attempts = 0;
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      attempts++;
      if (attempts <= failures) {
        res.writeHead(503).end('busy');
        return;
      }
      received.push({ body, headers: req.headers });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    received,
    attempts: () => attempts,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

beforeAll(() => {
  clip = tmp.path('episode.ts');
  liveEpisodeTs(clip, CLIP_SECONDS, 5000);
  models = riggedStreamModel(tmp.dir);
});
afterAll(() => tmp.cleanup());

describe('stream events on the media timeline', () => {
  it('an HLS event playlist with program date-time: PTS, date-time, segment; webhook and republished playlist', async () => {
    const dir = tmp.path('event');
    mkdirSync(dir, { recursive: true });
    ffmpeg(
      ...['-i', clip, '-c', 'copy', '-f', 'hls', '-hls_time', '2', '-hls_list_size', '0'],
      ...['-hls_playlist_type', 'event', '-hls_flags', 'program_date_time'],
      join(dir, 'live.m3u8'),
    );
    const segments = playlistSegments(readFileSync(join(dir, 'live.m3u8'), 'utf8'));
    const firstPts = startTime(join(dir, segments[0]!.uri));
    const server = await serveLive(dir);
    const hook = await webhookReceiver(2);
    const out = tmp.path('republished');
    try {
      const r = await execa(
        'node',
        [
          ...[CLI, 'stream', server.url('live.m3u8'), '--models', models, '--name', 'ch1'],
          ...['--webhook', hook.url, '--webhook-secret', 'sesame', '--hls-out', out],
        ],
        { reject: false, timeout: 120_000 },
      );
      expect(r.exitCode, r.stderr).toBe(0);
      const events = eventsOf(r.stdout);
      expect(events.map((e) => [e.event, e.streamTime])).toEqual([
        ['intro.start', 0],
        ['intro.end', CLIP_SECONDS],
      ]);
      for (const e of events) {
        // Stream second s of a playlist read from its first segment is that segment's first
        // PTS + s, and its date-time + s.
        expect(e.pts).toBeCloseTo(firstPts + e.streamTime, 1);
        const truth = segments[0]!.pdt + e.streamTime * 1000;
        expect(Math.abs(Date.parse(e.programDateTime!) - truth)).toBeLessThan(1000);
        const index = Math.min(Math.floor(e.streamTime / 2), segments.length - 1);
        expect(e.mediaSequence).toBe(index);
        expect(e.segmentUri).toBe(server.url(segments[index]!.uri));
      }

      // The webhook failed twice (503) and was retried: both events arrived, in order, signed.
      expect(hook.attempts()).toBe(4);
      expect(hook.received.map((x) => (JSON.parse(x.body) as Event).event)).toEqual([
        'intro.start',
        'intro.end',
      ]);
      for (const { body, headers } of hook.received) {
        const stamp = String(headers['x-introdetect-timestamp']);
        const mac = createHmac('sha256', 'sesame').update(`${stamp}.${body}`).digest('hex');
        expect(headers['x-introdetect-signature']).toBe(`sha256=${mac}`);
      }

      // The republished playlist: the origin's segments, absolute, with the intro as a range.
      const manifest = readPlaylistBack(readFileSync(join(out, 'ch1.m3u8'), 'utf8'));
      expect(manifest.segments.map((s) => s.uri)).toEqual(segments.map((s) => server.url(s.uri)));
      expect(manifest.dateRanges).toHaveLength(1);
      const range = manifest.dateRanges[0]!;
      expect(range.class).toBe('com.introdetect.intro');
      expect(range.startDate.toISOString()).toBe(events[0]!.programDateTime);
      expect(range.duration).toBeCloseTo(CLIP_SECONDS, 0);
    } finally {
      await hook.close();
      await server.close();
    }
  });

  it('two live channels in one process: one drops and reconnects, the other is unaffected; /health, /channels, SIGHUP', async () => {
    const dirs = ['steady', 'flaky'].map((n) => tmp.path(`live-${n}`));
    for (const d of dirs) mkdirSync(d, { recursive: true });
    const servers = await Promise.all(dirs.map((d) => serveLive(d)));
    const publishers = await Promise.all(
      dirs.map((d) => publishLive(clip, d, { programDateTime: true, listSize: 30 })),
    );
    const config = tmp.path('channels.yaml');
    const channels = (extra: string) =>
      writeFileSync(
        config,
        [
          'defaults:',
          '  retryDelayMs: 500',
          'channels:',
          `  - { name: steady, input: "${servers[0]!.url('live.m3u8')}" }`,
          `  - { name: flaky, input: "${servers[1]!.url('live.m3u8')}" }`,
          extra,
        ].join('\n'),
      );
    channels('');
    const run = execa(
      'node',
      [
        CLI,
        'stream',
        '--config',
        config,
        '--models',
        models,
        '--serve',
        '0',
        '--log-format',
        'json',
      ],
      { reject: false, timeout: 150_000 },
    );
    let stderr = '';
    run.stderr?.on('data', (c: Buffer) => (stderr += c.toString()));
    const logs = () =>
      stderr
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Record<string, unknown>);
    const waitFor = async (what: () => boolean, ms: number) => {
      const deadline = Date.now() + ms;
      while (!what() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
      expect(what(), stderr).toBe(true);
    };
    try {
      await waitFor(() => logs().some((l) => l.notice === 'serving'), 30_000);
      const base = String(logs().find((l) => l.notice === 'serving')!.url);

      // Both channels connected: /health ok, /channels has seconds behind live.
      const deadline = Date.now() + 30_000;
      let status: Array<Record<string, unknown>> = [];
      while (Date.now() < deadline) {
        status = (await (await fetch(`${base}/channels`)).json()) as typeof status;
        if (status.every((c) => c.state === 'connected' && c.secondsBehindLive !== undefined))
          break;
        await new Promise((r) => setTimeout(r, 300));
      }
      expect(status.map((c) => [c.name, c.state])).toEqual([
        ['steady', 'connected'],
        ['flaky', 'connected'],
      ]);
      for (const c of status) {
        expect(c.secondsBehindLive).toBeGreaterThanOrEqual(0);
        expect(c.secondsBehindLive).toBeLessThan(30);
      }
      const health = (await (await fetch(`${base}/health`)).json()) as Record<string, unknown>;
      expect(health).toMatchObject({ status: 'ok', channels: 2, connected: 2 });
      const playlist = await fetch(`${base}/channels/steady/live.m3u8`);
      expect(playlist.status).toBe(200);
      expect(readPlaylistBack(await playlist.text()).segments.length).toBeGreaterThan(0);
      expect((await fetch(`${base}/channels/nope`)).status).toBe(404);

      // flaky's server goes down for 4 s; a third channel (a file) is added with SIGHUP.
      servers[1]!.setDown(true);
      await new Promise((r) => setTimeout(r, 4000));
      servers[1]!.setDown(false);
      channels(`  - { name: late, input: "${clip}" }`);
      run.kill('SIGHUP');

      const r = await run;
      expect(r.exitCode, stderr).toBe(0);
      const events = eventsOf(r.stdout);
      const of = (name: string) => events.filter((e) => e.channel === name);
      for (const name of ['steady', 'flaky', 'late']) {
        expect(
          of(name).map((e) => e.event),
          name,
        ).toEqual(['intro.start', 'intro.end']);
      }
      const notices = (name: string) =>
        logs()
          .filter((l) => l.channel === name)
          .map((l) => l.notice);
      expect(notices('flaky')).toContain('lost');
      expect(notices('flaky')).toContain('reconnected');
      expect(notices('steady')).not.toContain('lost');
      expect(logs().find((l) => l.notice === 'reloaded')).toMatchObject({
        started: ['late'],
        stopped: [],
        kept: ['steady', 'flaky'],
      });

      // Live events land in the segment that holds their PTS, at that segment's date-time
      // plus the offset (segments and date-times as the publisher wrote them).
      for (const [i, name] of ['steady', 'flaky'].entries()) {
        const segs = playlistSegments(readFileSync(join(dirs[i]!, 'live.m3u8'), 'utf8'));
        for (const e of of(name)) {
          const seg = segs.find((s) => e.segmentUri!.endsWith(`/${s.uri}`));
          expect(seg, `${name} ${e.event} ${e.segmentUri}`).toBeDefined();
          const segStart = startTime(join(dirs[i]!, seg!.uri));
          const into = e.pts - segStart;
          expect(into).toBeGreaterThanOrEqual(-0.05);
          expect(into).toBeLessThan(seg!.duration + 1.05);
          expect(Math.abs(Date.parse(e.programDateTime!) - (seg!.pdt + into * 1000))).toBeLessThan(
            1000,
          );
        }
      }
      // The file channel has PTS, no HLS fields.
      expect(of('late')[0]!.programDateTime).toBeUndefined();
      expect(typeof of('late')[0]!.pts).toBe('number');
    } finally {
      run.kill();
      for (const p of publishers) p.kill();
      await Promise.all(servers.map((s) => s.close()));
    }
  });
});
