import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DetectionResult } from '../../src/fusion/detectionResult.js';
import { parseLabelsText } from '../../src/labels/readLabels.js';
import { createServer } from '../../src/serve/createServer.js';
import { concatClip, scratch, type ClipPart } from '../helpers/clips.js';
import { launchChromium } from '../helpers/server.js';

// A tiny season of two episodes sharing a 12-s intro at different places, and the random
// fixture model (it says nothing true about intros; the repeated stretch comes from the real
// pictures and sound). The server runs in-process on a random loopback port.
const FUSED = 'test/fixtures/models/tiny-fused';
const INTRO: ClipPart = ['testsrc2', "aevalsrc='0.3*sin(2*PI*(200+30*t)*t)'", 12];
const tmp = scratch('introdetect-serve-');
const SEASON = 'Show/Season 1';

interface Library {
  series: Array<{
    name: string;
    seasons: Array<{ dir: string; episodes: Array<{ name: string; status: string }> }>;
  }>;
}

type Span = { start: number; end: number } | null;

interface Episode {
  status: string;
  playable: boolean;
  detection: DetectionResult | null;
  correction: { intro: Span; credits?: Span } | null;
  segments: {
    intro: Span;
    credits: Span;
    source: string;
    corrected: { intro: boolean; credits: boolean };
  };
}

/** What the test reads of the page's canvas (the tests compile without the DOM types). */
interface Canvas {
  width: number;
  height: number;
  getContext(kind: '2d'): {
    getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray };
  };
}

interface Job {
  id: string;
  state: string;
  progress: { filesDone: number; filesTotal: number } | null;
  result: Array<{ key: string; status: string }> | null;
  error: string | null;
}

describe('introdetect serve', () => {
  let server: FastifyInstance;
  let base: string;
  let library: string;
  let e1: string;
  const get = async <T>(path: string) => {
    const res = await fetch(`${base}${path}`);
    return { status: res.status, body: (await res.json()) as T };
  };
  const send = async <T>(method: string, path: string, body: unknown) => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as T };
  };
  const key = (name: string) => encodeURIComponent(`${SEASON}/${name}`);

  beforeAll(async () => {
    library = tmp.path('library');
    mkdirSync(join(library, SEASON), { recursive: true });
    e1 = concatClip(join(library, SEASON, 'e1.mp4'), [
      ['mandelbrot', 'anoisesrc=c=pink:a=0.2', 4],
      INTRO,
      ['smptehdbars', "aevalsrc='0.2*sin(2*PI*330*t)'", 20],
    ]);
    concatClip(join(library, SEASON, 'e2.mp4'), [
      ['life=mold=10:ratio=0.3:seed=7', 'anoisesrc=c=brown:a=0.3', 7],
      INTRO,
      ['cellauto=rule=110', "aevalsrc='0.2*sin(2*PI*550*t)'", 25],
    ]);
    writeFileSync(tmp.path('secret.mp4'), 'outside the library');
    symlinkSync(tmp.path('secret.mp4'), join(library, 'link.txt'));
    server = await createServer({ root: library, modelDir: FUSED });
    base = await server.listen({ port: 0, host: '127.0.0.1' });
  });
  afterAll(async () => {
    await server?.close();
    tmp.cleanup();
  });

  it('lists the season, detects it as a job, serves the episode, takes a correction and exports labels', async () => {
    const before = await get<Library>('/api/library');
    expect(before.status).toBe(200);
    expect(before.body.series.map((s) => s.name)).toEqual(['Show']);
    const season = before.body.series[0]!.seasons[0]!;
    expect(season.dir).toBe(SEASON);
    expect(season.episodes.map((e) => [e.name, e.status])).toEqual([
      ['e1.mp4', 'pending'],
      ['e2.mp4', 'pending'],
    ]);

    const submitted = await send<Job>('POST', '/api/seasons/detect', { dir: SEASON });
    expect(submitted.status).toBe(202);
    // The same season again while it runs: the same job, not a second one.
    const again = await send<Job>('POST', '/api/seasons/detect', { dir: SEASON });
    expect(again.body.id).toBe(submitted.body.id);
    let job = submitted.body;
    const deadline = Date.now() + 60_000;
    while ((job.state === 'queued' || job.state === 'running') && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 200));
      job = (await get<Job>(`/api/jobs/${job.id}`)).body;
    }
    expect(job.error).toBeNull();
    expect(job.state).toBe('done');
    expect(job.progress).toMatchObject({ filesDone: 2, filesTotal: 2 });
    expect(job.result!.map((r) => r.status)).toEqual(['done', 'done']);

    // Written where watch writes: beside the file, and recorded in the watcher's state file.
    const onDisk = JSON.parse(
      readFileSync(join(library, SEASON, 'e2.intro.json'), 'utf8'),
    ) as DetectionResult;
    const state = JSON.parse(readFileSync(join(library, '.introdetect-watch.json'), 'utf8')) as {
      files: Record<string, { status: string; results: string[] }>;
    };
    expect(state.files[`${SEASON}/e2.mp4`]).toMatchObject({
      status: 'done',
      results: [join(library, SEASON, 'e2.intro.json')],
    });

    const after = await get<Library>('/api/library');
    expect(after.body.series[0]!.seasons[0]!.episodes.map((e) => e.status)).toEqual([
      'done',
      'done',
    ]);

    const episode = await get<Episode>(`/api/episode?key=${key('e2.mp4')}`);
    expect(episode.status).toBe(200);
    expect(episode.body.status).toBe('done');
    expect(episode.body.playable).toBe(true);
    expect(episode.body.detection).toEqual(onDisk);
    expect(episode.body.detection!.probabilities.intro.values.length).toBeGreaterThan(10);
    // The intro both episodes share (7–19 s of e2) is found as a repeated stretch.
    const [repeated] = episode.body.detection!.repeated!;
    expect(Math.abs(repeated!.start - 7)).toBeLessThanOrEqual(1.5);
    expect(Math.abs(repeated!.end - 19)).toBeLessThanOrEqual(1.5);
    expect(episode.body.segments.source).toBe(episode.body.detection ? 'detection' : 'none');

    const bad = await send<unknown>('PUT', '/api/corrections', {
      key: `${SEASON}/e2.mp4`,
      intro: { start: 9, end: 3 },
    });
    expect(bad.status).toBe(400);
    const saved = await send<unknown>('PUT', '/api/corrections', {
      key: `${SEASON}/e2.mp4`,
      intro: { start: 7, end: 19 },
      credits: null,
    });
    expect(saved.status).toBe(200);
    const none = await send<unknown>('POST', '/api/corrections', {
      key: `${SEASON}/e1.mp4`,
      intro: null,
    });
    expect(none.status).toBe(200);
    const corrected = await get<Episode>(`/api/episode?key=${key('e2.mp4')}`);
    expect(corrected.body.segments).toEqual({
      intro: { start: 7, end: 19 },
      credits: null,
      source: 'correction',
      corrected: { intro: true, credits: true },
    });
    // The detection is still shown as the model found it.
    expect(corrected.body.detection).toEqual(onDisk);

    const labels = await fetch(`${base}/labels.json`);
    expect(labels.status).toBe(200);
    const text = await labels.text();
    expect((JSON.parse(text) as Record<string, unknown>)['Show/Season 1/e2']).toEqual({
      name: 'e2',
      start: '0:00:07',
      end: '0:00:19',
      credits_start: null,
      credits_end: null,
      file: 'Show/Season 1/e2.mp4',
      series: SEASON,
      split: 'train',
    });
    // What train reads: the same labels, parsed by its reader.
    const parsed = parseLabelsText(text, 'labels.json');
    const byId = new Map(parsed.labels.map((l) => [l.id, l]));
    expect(byId.get('Show/Season 1/e2')).toMatchObject({
      intro: { start: 7, end: 19 },
      credits: null,
      series: SEASON,
      split: 'train',
    });
    expect(byId.get('Show/Season 1/e1')?.intro).toBeNull();
    expect(readFileSync(join(library, '.introdetect-corrections.json'), 'utf8')).toContain(
      '"Show/Season 1/e2.mp4"',
    );
  });

  it('serves media with range requests and refuses paths outside the library', async () => {
    const bytes = readFileSync(e1);
    const res = await fetch(`${base}/api/media?key=${key('e1.mp4')}`, {
      headers: { range: 'bytes=100-1099' },
    });
    expect(res.status).toBe(206);
    expect(res.headers.get('content-range')).toBe(`bytes 100-1099/${bytes.length}`);
    expect(Buffer.from(await res.arrayBuffer()).equals(bytes.subarray(100, 1100))).toBe(true);

    for (const outside of ['../secret.mp4', 'link.txt', '/etc/passwd', 'Show/../../secret.mp4']) {
      const refused = await fetch(`${base}/api/media?key=${encodeURIComponent(outside)}`);
      expect(refused.status, outside).toBe(403);
    }
    expect((await fetch(`${base}/api/media?key=nothing.mp4`)).status).toBe(404);

    const thumb = await fetch(`${base}/api/thumbnail?key=${key('e1.mp4')}&t=5`);
    expect(thumb.status).toBe(200);
    expect(thumb.headers.get('content-type')).toBe('image/jpeg');
    expect([...new Uint8Array(await thumb.arrayBuffer()).subarray(0, 2)]).toEqual([0xff, 0xd8]);

    const clip = await fetch(`${base}/api/clip?key=${key('e1.mp4')}&start=3&duration=4`, {
      headers: { range: 'bytes=0-7' },
    });
    expect(clip.status).toBe(206);
    expect(
      Buffer.from(await clip.arrayBuffer())
        .subarray(4, 8)
        .toString(),
    ).toBe('ftyp');
  });

  it('publishes an OpenAPI document that lists the routes', async () => {
    const { status, body } = await get<{ openapi: string; paths: Record<string, object> }>(
      '/openapi.json',
    );
    expect(status).toBe(200);
    expect(body.openapi).toMatch(/^3\./);
    expect(Object.keys(body.paths).sort()).toEqual([
      '/api/clip',
      '/api/corrections',
      '/api/episode',
      '/api/jobs',
      '/api/jobs/{id}',
      '/api/library',
      '/api/media',
      '/api/seasons/detect',
      '/api/thumbnail',
      '/labels.json',
    ]);
    expect(Object.keys(body.paths['/api/corrections']!).sort()).toEqual(['post', 'put']);
  });

  it('the review page shows the season and saves a correction from the keyboard', async () => {
    const errors: string[] = [];
    const browser = await launchChromium();
    try {
      const page = await browser.context.newPage();
      page.on('pageerror', (err) => errors.push(err.message));
      await page.goto(`${base}/`);
      const cards = page.locator('section.episode');
      await expect.poll(() => cards.count(), { timeout: 15_000 }).toBe(2);
      const card = page.locator(`section.episode[data-key="${SEASON}/e1.mp4"]`);
      await card.locator('canvas.timeline').waitFor();
      await expect
        .poll(() => card.locator('.legend').textContent(), { timeout: 10_000 })
        .toContain('p(intro)');
      // The timeline is drawn: the canvas has non-blank pixels.
      const drawn = await card.locator('canvas.timeline').evaluate((c: Canvas) =>
        c
          .getContext('2d')
          .getImageData(0, 0, c.width, c.height)
          .data.some((v) => v !== 0),
      );
      expect(drawn).toBe(true);
      expect(await card.locator('.thumbs img').count()).toBeGreaterThan(0);
      // e1 was marked "no intro" above; type an intro, nudge its end with "]", save with Enter.
      await card.locator('input[name=no_intro]').uncheck();
      await card.locator('input[name=intro_start]').fill('4');
      await card.locator('input[name=intro_end]').fill('15');
      await card.locator('input[name=intro_end]').press(']');
      await card.locator('input[name=intro_end]').press('Enter');
      await expect
        .poll(() => card.locator('.saved').textContent(), { timeout: 10_000 })
        .toMatch(/^saved /);
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
    }
    const episode = await get<Episode>(`/api/episode?key=${key('e1.mp4')}`);
    expect(episode.body.correction!.intro).toEqual({ start: 4, end: 16 });
    const labels = (await get<Record<string, { start: string; end: string }>>('/labels.json')).body;
    expect(labels['Show/Season 1/e1']).toMatchObject({ start: '0:00:04', end: '0:00:16' });
  });
});
