import { mkdirSync, readFileSync, statSync, utimesSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { execa, type ResultPromise } from 'execa';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DetectionResult } from '../../src/fusion/detectionResult.js';
import { parseLabelsText } from '../../src/labels/readLabels.js';
import { createServer } from '../../src/serve/createServer.js';
import type { CorrectionMark } from '../../src/watch/corrections.js';
import { ffmpeg, scratch } from '../helpers/clips.js';
import { CLI } from '../helpers/detectCli.js';

// A correction saved in the server is what the library says from then on: the episode's
// result files and sidecars are rewritten with it at once, and a later re-detection by
// `watch` (the built CLI, a real child process) or by the server's season job keeps it.
// The random-weight fixture model finds *some* intro and credits; the correction differs.
const MODELS = 'test/fixtures/models/tiny-fused';
const tmp = scratch('introdetect-corrections-');
const SEASON = 'Show/Season 1';
const lib = tmp.path('library');
const at = (name: string) => join(lib, SEASON, name);

/** A 20-s clip with picture and sound (`frequency` tells the episodes apart). */
function clip(path: string, frequency: number): string {
  mkdirSync(dirname(path), { recursive: true });
  ffmpeg(
    ...['-f', 'lavfi', '-i', 'testsrc2=size=160x90:rate=25:duration=20'],
    ...['-f', 'lavfi', '-i', `sine=frequency=${frequency}:duration=20`],
    ...['-c:v', 'libx264', '-preset', 'ultrafast', '-c:a', 'aac', '-shortest', path],
  );
  return path;
}

/** `watch LIB --once` with EDL + Jellyfin sidecars and json + edl results; its log. */
async function watchOnce(): Promise<string> {
  const run = await execa(
    'node',
    [
      CLI,
      'watch',
      lib,
      ...['--once', '--settle', '0', '--poll', '0.1', '--models', MODELS],
      ...['--format', 'json,edl', '--sidecar-formats', 'edl,jellyfin'],
    ],
    { reject: false, timeout: 150_000 },
  );
  expect(run.exitCode, String(run.stderr)).toBe(0);
  return String(run.stderr);
}

/** EDL lines as Kodi reads them (`##` comments skipped). */
const edl = (path: string) =>
  readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '' && !l.startsWith('##'));

const resultOf = (name: string) =>
  JSON.parse(readFileSync(at(name), 'utf8')) as DetectionResult & { corrected?: CorrectionMark };

const jellyfinItems = (name: string) =>
  (JSON.parse(readFileSync(at(name), 'utf8')) as { Items: Array<{ Type: string }> }).Items;

interface Job {
  id: string;
  state: string;
  error: string | null;
}

interface Episode {
  detection: DetectionResult | null;
  segments: {
    intro: { start: number; end: number } | null;
    credits: { start: number; end: number } | null;
    source: string;
    corrected: { intro: boolean; credits: boolean };
  };
}

describe('corrections override the detection from then on', () => {
  let server: FastifyInstance;
  let base: string;
  const send = async <T>(method: string, path: string, body?: unknown) => {
    const res = await fetch(`${base}${path}`, {
      method,
      ...(body === undefined
        ? {}
        : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
    });
    return { status: res.status, body: (await res.json()) as T };
  };
  const episode = async (name: string) =>
    (await send<Episode>('GET', `/api/episode?key=${encodeURIComponent(`${SEASON}/${name}`)}`))
      .body;

  beforeAll(async () => {
    clip(at('ep1.mkv'), 330);
    clip(at('ep2.mkv'), 550);
    // No output options: the server writes what the watcher recorded in its state file.
    server = await createServer({ root: lib, modelDir: MODELS, labelSplit: 'val' });
    base = await server.listen({ port: 0, host: '127.0.0.1' });
  });
  afterAll(async () => {
    await server?.close();
    tmp.cleanup();
  });

  it('a saved correction rewrites results and sidecars; watch and the season job keep it', async () => {
    await watchOnce();
    const detected = resultOf('ep1.intro.json');
    const correctedEdl = ['3.000\t9.000\t3'];
    expect(edl(at('ep1.edl')), 'the fixture model found something else').not.toEqual(correctedEdl);
    const before = await episode('ep1.mkv');
    expect(before.segments.source).toBe('detection');
    expect(before.segments.corrected).toEqual({ intro: false, credits: false });

    // Intro 3–9 s, no credits: saved, and written into what players and the API read.
    const saved = await send<{ rewritten: string[] }>('PUT', '/api/corrections', {
      key: `${SEASON}/ep1.mkv`,
      intro: { start: 3, end: 9 },
      credits: null,
    });
    expect(saved.status).toBe(200);
    expect([...saved.body.rewritten].sort()).toEqual(
      [at('ep1.edl'), at('ep1.intro.edl'), at('ep1.intro.json'), at('ep1.segments.json')].sort(),
    );
    const checkCorrected = () => {
      expect(edl(at('ep1.edl'))).toEqual(correctedEdl);
      expect(edl(at('ep1.intro.edl'))).toEqual(correctedEdl);
      expect(jellyfinItems('ep1.segments.json')).toEqual([
        { Type: 'Intro', StartTicks: 30_000_000, EndTicks: 90_000_000 },
      ]);
      const onDisk = resultOf('ep1.intro.json');
      expect(onDisk.intro).toEqual({ start: 3, end: 9, confidence: 1 });
      expect(onDisk.credits).toBeNull();
      expect(onDisk.corrected).toMatchObject({ intro: true, credits: true });
      return onDisk;
    };
    const rewritten = checkCorrected();
    // What the model found is kept beside the correction, and the API shows both.
    expect(rewritten.corrected!.detected).toEqual({
      intro: detected.intro,
      credits: detected.credits,
      segments: detected.segments,
    });
    // …and the segments follow the correction (a person set them: confidence 1).
    expect(rewritten.segments).toEqual([{ type: 'intro', start: 3, end: 9, confidence: 1 }]);
    const after = await episode('ep1.mkv');
    expect(after.segments).toEqual({
      intro: { start: 3, end: 9 },
      credits: null,
      source: 'correction',
      corrected: { intro: true, credits: true },
    });
    expect(after.detection!.intro).toEqual(detected.intro);
    expect(after.detection!.credits).toEqual(detected.credits);

    // The file changes (a new mtime): watch detects it again, and the correction wins.
    const later = new Date(statSync(at('ep1.mkv')).mtimeMs + 60_000);
    utimesSync(at('ep1.mkv'), later, later);
    const log = await watchOnce();
    expect(log).toMatch(/picked Show\/Season 1\/ep1\.mkv/);
    expect(log).not.toMatch(/picked Show\/Season 1\/ep2\.mkv/);
    checkCorrected();
    const jobStarted = Date.now() - 1000;

    // The server's season job re-detects both (the watcher's settings, from its state file):
    // ep1 stays corrected; ep2's results and sidecars are rewritten from the new detection.
    const submitted = await send<Job>('POST', '/api/seasons/detect', { dir: SEASON });
    expect(submitted.status).toBe(202);
    let job = submitted.body;
    const deadline = Date.now() + 120_000;
    while ((job.state === 'queued' || job.state === 'running') && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 200));
      job = (await send<Job>('GET', `/api/jobs/${job.id}`)).body;
    }
    expect(job.error).toBeNull();
    expect(job.state).toBe('done');
    checkCorrected();
    const ep2 = resultOf('ep2.intro.json');
    expect(ep2.corrected).toBeUndefined();
    const lines = (r: DetectionResult) =>
      [r.intro, r.credits].flatMap((i) =>
        i ? [`${i.start.toFixed(3)}\t${i.end.toFixed(3)}\t3`] : [],
      );
    expect(edl(at('ep2.edl'))).toEqual(lines(ep2));
    expect(statSync(at('ep2.edl')).mtimeMs).toBeGreaterThanOrEqual(jobStarted);
  });

  it('exports corrections with a split: the server default, or the one a correction names', async () => {
    const saved = await send('PUT', '/api/corrections', {
      key: `${SEASON}/ep2.mkv`,
      intro: { start: 2, end: 8.5 },
      split: 'test',
    });
    expect(saved.status).toBe(200);
    const bad = await send('PUT', '/api/corrections', {
      key: `${SEASON}/ep2.mkv`,
      intro: null,
      split: 'holdout',
    });
    expect(bad.status).toBe(400);
    const text = await (await fetch(`${base}/labels.json`)).text();
    const raw = JSON.parse(text) as Record<string, { split?: string; series?: string }>;
    expect(raw['Show/Season 1/ep1']).toMatchObject({ split: 'val', series: SEASON });
    expect(raw['Show/Season 1/ep2']).toMatchObject({ split: 'test', end: '0:00:08.500' });
    // What `introdetect train --labels` reads: the same file, through its reader.
    const parsed = parseLabelsText(text, 'labels.json');
    expect(parsed.labels.map((l) => [l.id, l.split])).toEqual([
      ['Show/Season 1/ep1', 'val'],
      ['Show/Season 1/ep2', 'test'],
    ]);
    // ep2's correction leaves the credits as detected (absent): unknown to training.
    expect(parsed.labels[1]!.credits).toBeUndefined();
    const mark = resultOf('ep2.intro.json').corrected!;
    expect(mark).toMatchObject({ intro: true, credits: false });
    expect(resultOf('ep2.intro.json').credits).toEqual(mark.detected.credits);
    expect(edl(at('ep2.edl'))[0]).toBe('2.000\t8.500\t3');
  });
});

describe('introdetect serve with output options (the CLI, a real child process)', () => {
  const other = tmp.path('other');
  let child: ResultPromise | undefined;
  afterAll(() => {
    child?.kill('SIGTERM');
  });

  it('--sidecar-formats and --split: a season job writes those sidecars, a correction rewrites them', async () => {
    clip(join(other, 'Show/S1/a.mkv'), 440);
    child = execa(
      'node',
      [
        ...[CLI, 'serve', other, '--port', '0', '--models', MODELS],
        ...['--sidecar-formats', 'vtt', '--split', 'test'],
      ],
      { reject: false, buffer: false },
    );
    child.catch(() => undefined);
    const url = await new Promise<string>((done, fail) => {
      let log = '';
      const timer = setTimeout(() => fail(new Error(`no address in: ${log}`)), 60_000);
      child!.stderr!.on('data', (chunk: Buffer) => {
        log += chunk.toString();
        const m = /serving .* at (http:\/\/127\.0\.0\.1:\d+)\//.exec(log);
        if (m) {
          clearTimeout(timer);
          done(m[1]!);
        }
      });
    });
    const call = async <T>(method: string, path: string, body?: unknown) => {
      const res = await fetch(`${url}${path}`, {
        method,
        ...(body === undefined
          ? {}
          : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
      });
      expect(res.status, `${method} ${path}`).toBeLessThan(300);
      return (await res.json()) as T;
    };
    let job = await call<Job>('POST', '/api/seasons/detect', { dir: 'Show/S1' });
    const deadline = Date.now() + 120_000;
    while ((job.state === 'queued' || job.state === 'running') && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 200));
      job = await call<Job>('GET', `/api/jobs/${job.id}`);
    }
    expect(job.state).toBe('done');
    const vtt = join(other, 'Show/S1/a.chapters.vtt');
    expect(readFileSync(vtt, 'utf8')).toMatch(/^WEBVTT\n\nNOTE written by introdetect/);
    // No EDL: the server's options replace the default (json results, no sidecars).
    expect(() => statSync(join(other, 'Show/S1/a.edl'))).toThrow();
    const state = JSON.parse(readFileSync(join(other, '.introdetect-watch.json'), 'utf8')) as {
      output: unknown;
    };
    expect(state.output).toEqual({ formats: ['json'], sidecars: ['vtt'] });

    const saved = await call<{ rewritten: string[] }>('PUT', '/api/corrections', {
      key: 'Show/S1/a.mkv',
      intro: { start: 5, end: 12 },
      credits: { start: 17, end: 20 },
    });
    expect([...saved.rewritten].sort()).toEqual([join(other, 'Show/S1/a.intro.json'), vtt].sort());
    const cues = readFileSync(vtt, 'utf8');
    expect(cues).toContain('00:00:05.000 --> 00:00:12.000\nIntro');
    expect(cues).toContain('00:00:17.000 --> 00:00:20.000\nCredits');
    const labels = await call<Record<string, { split: string }>>('GET', '/labels.json');
    expect(labels['Show/S1/a']?.split).toBe('test');
  });
});
