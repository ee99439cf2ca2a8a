import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer } from '../../src/serve/createServer.js';
import { ffmpeg, scratch } from '../helpers/clips.js';
import { launchChromium } from '../helpers/server.js';

// A file the browser cannot play as it is: HEVC (libx265) with Opus in Matroska, made here
// from lavfi sources. The review page asks for a proxy clip of it, and the server makes one
// with ffmpeg: H.264 in MP4, which Chromium (Debian's, headless) decodes.
const tmp = scratch('introdetect-proxy-');
const KEY = 'Show/Season 1/hevc.mkv';

interface Probe {
  format: { format_name: string; duration: string };
  streams: Array<{ codec_type: string; codec_name: string; pix_fmt?: string; height?: number }>;
}
const probe = (file: string) =>
  JSON.parse(
    execFileSync('ffprobe', ['-v', 'error', '-show_format', '-show_streams', '-of', 'json', file], {
      encoding: 'utf8',
    }),
  ) as Probe;

/** What the test reads of a `<video>` element (the tests compile without the DOM types). */
interface Video {
  src: string;
  readyState: number;
  videoWidth: number;
  error: { code: number } | null;
  addEventListener(type: string, listener: () => void): void;
}

describe('proxy clips', () => {
  let server: FastifyInstance;
  let base: string;
  const library = tmp.path('library');
  const file = join(library, KEY);

  beforeAll(async () => {
    mkdirSync(join(library, 'Show/Season 1'), { recursive: true });
    ffmpeg(
      ...['-f', 'lavfi', '-i', 'testsrc2=size=320x180:rate=25:duration=8'],
      ...['-f', 'lavfi', '-i', 'sine=frequency=440:duration=8'],
      ...['-c:v', 'libx265', '-preset', 'ultrafast', '-x265-params', 'log-level=error'],
      ...['-c:a', 'libopus', '-shortest', file],
    );
    server = await createServer({ root: library });
    base = await server.listen({ port: 0, host: '127.0.0.1' });
  });
  afterAll(async () => {
    await server?.close();
    tmp.cleanup();
  });

  it('an HEVC Matroska file is not playable; its proxy clip is H.264 MP4 that Chromium plays', async () => {
    const source = probe(file);
    expect(source.streams.find((s) => s.codec_type === 'video')?.codec_name).toBe('hevc');
    const episode = (await (
      await fetch(`${base}/api/episode?key=${encodeURIComponent(KEY)}`)
    ).json()) as { playable: boolean };
    expect(episode.playable).toBe(false);

    const url = `${base}/api/clip?key=${encodeURIComponent(KEY)}&start=2&duration=4`;
    const res = await fetch(url);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('video/mp4');
    const clip = tmp.path('clip.mp4');
    writeFileSync(clip, Buffer.from(await res.arrayBuffer()));
    const proxy = probe(clip);
    expect(proxy.format.format_name).toContain('mp4');
    const video = proxy.streams.find((s) => s.codec_type === 'video');
    expect(video).toMatchObject({ codec_name: 'h264', pix_fmt: 'yuv420p', height: 180 });
    expect(proxy.streams.find((s) => s.codec_type === 'audio')?.codec_name).toBe('aac');
    expect(Number(proxy.format.duration)).toBeGreaterThan(3.5);
    expect(Number(proxy.format.duration)).toBeLessThan(4.5);

    // The browser: the proxy loads and decodes (a frame of the clip's width).
    const browser = await launchChromium();
    try {
      const page = await browser.context.newPage();
      await page.goto(`${base}/`);
      const load = (src: string) =>
        page.evaluate(
          (s: string) =>
            new Promise<{ readyState: number; width: number; error: number | null }>((done) => {
              const v = (
                globalThis as unknown as { document: { createElement(t: string): Video } }
              ).document.createElement('video');
              const report = () =>
                done({
                  readyState: v.readyState,
                  width: v.videoWidth,
                  error: v.error?.code ?? null,
                });
              v.addEventListener('loadeddata', report);
              v.addEventListener('error', report);
              v.src = s;
            }),
          src,
        );
      const played = await load(url);
      expect(played).toEqual({ readyState: expect.any(Number) as number, width: 320, error: null });
      expect(played.readyState).toBeGreaterThanOrEqual(2);
      // The original, for contrast: Chromium takes its Opus sound but shows no picture (it
      // has no HEVC decoder of its own), which is why the page asks for the proxy.
      const original = await load(`${base}/api/media?key=${encodeURIComponent(KEY)}`);
      expect(original.width).toBe(0);
    } finally {
      await browser.close();
    }
  });
});
