import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DetectionResult } from '../../src/fusion/detectionResult.js';
import { ffmpeg, scratch } from '../helpers/clips.js';
import { CLI, expectNoCrash, expectTypedError, runCli } from '../helpers/detectCli.js';
import { chaptersOf, mkvtoolnixInstalled } from '../helpers/chapters.js';

// Sidecars that players load, through the built CLI (`npm test` builds first), on clips made
// here. The random-weight fixture model finds *some* intro and credits: these specs check where
// the files go, what they say and whose files are left alone, not where the intro is.
const MODELS = 'test/fixtures/models/tiny-fused';
const tmp = scratch('introdetect-sidecars-');
const TIMEOUT = { timeoutMs: 120_000 };

const mkvtoolnix = mkvtoolnixInstalled();

/** A 20-s clip with picture and sound. */
function clip(path: string): string {
  mkdirSync(dirname(path), { recursive: true });
  ffmpeg(
    ...['-f', 'lavfi', '-i', 'testsrc2=size=160x90:rate=25:duration=20'],
    ...['-f', 'lavfi', '-i', 'sine=frequency=330:duration=20'],
    ...['-c:v', 'libx264', '-preset', 'ultrafast', '-c:a', 'aac', '-shortest', path],
  );
  return path;
}

/** EDL lines as Kodi reads them: blank lines and `##` comments skipped. */
function edlLines(text: string): Array<{ start: number; end: number; action: number }> {
  return text
    .split('\n')
    .filter((l) => l.trim() !== '' && !l.startsWith('##'))
    .map((l) => {
      expect(l).toMatch(/^\d+\.\d{3}\t\d+\.\d{3}\t[0-3]$/);
      const [start, end, action] = l.split('\t').map(Number);
      return { start: start!, end: end!, action: action! };
    });
}

const detectJson = (stdout: string) => JSON.parse(stdout.trim()) as DetectionResult;

afterAll(() => tmp.cleanup());

describe('detect --sidecar', () => {
  it('writes <stem>.edl beside the video, with the EDL action of each kind, and rewrites its own', async () => {
    const video = clip(tmp.path('lib/Show/S01E01.mkv'));
    const edl = tmp.path('lib/Show/S01E01.edl');
    const run = await runCli(
      ['detect', video, '--models', MODELS, '--sidecar', '--edl-action', 'intro=2,credits=0'],
      TIMEOUT,
    );
    expectNoCrash(run);
    expect(run.exitCode, run.stderr).toBe(0);
    const result = detectJson(run.stdout);
    expect(run.stderr).toContain(`${video} → ${edl}`);
    const text = readFileSync(edl, 'utf8');
    expect(text.split('\n')[0]).toMatch(/^## written by introdetect /);
    const want = [
      ...(result.intro ? [{ start: result.intro.start, end: result.intro.end, action: 2 }] : []),
      ...(result.credits
        ? [{ start: result.credits.start, end: result.credits.end, action: 0 }]
        : []),
    ];
    expect(want.length, 'the fixture model finds something in this clip').toBeGreaterThan(0);
    expect(edlLines(text)).toEqual(want);
    // Only the sidecar asked for (edl), no temporary file left beside it.
    expect(existsSync(tmp.path('lib/Show/S01E01.chapters.vtt'))).toBe(false);
    expect(existsSync(tmp.path('lib/Show/S01E01.ffmetadata'))).toBe(false);

    // A second run replaces introdetect's own file (default action now 3).
    const again = await runCli(['detect', video, '--models', MODELS, '--sidecar'], TIMEOUT);
    expect(again.exitCode, again.stderr).toBe(0);
    expect(edlLines(readFileSync(edl, 'utf8')).map((l) => l.action)).toEqual(want.map(() => 3));
    expect(again.stderr).not.toMatch(/warning/);
  });

  it('writes every sidecar format asked for; ffmpeg reads the ffmetadata back as chapters', async () => {
    const video = clip(tmp.path('all/ep1.mp4'));
    const run = await runCli(
      ['detect', video, '--models', MODELS, '--sidecar-formats', 'edl,vtt,ffmetadata,jellyfin'],
      TIMEOUT,
    );
    expect(run.exitCode, run.stderr).toBe(0);
    const result = detectJson(run.stdout);
    const vtt = readFileSync(tmp.path('all/ep1.chapters.vtt'), 'utf8');
    expect(vtt).toMatch(/^WEBVTT\n\nNOTE written by introdetect\n\n1\n00:00:00\.000 --> /);
    const segments = JSON.parse(readFileSync(tmp.path('all/ep1.segments.json'), 'utf8')) as {
      Generator: string;
      Items: Array<{ Type: string; StartTicks: number; EndTicks: number }>;
      Path: string;
    };
    expect(segments.Generator).toBe('introdetect');
    expect(segments.Path).toBe(video);
    const ticks = (s: number) => Math.round(s * 1e7);
    expect(segments.Items).toEqual([
      ...(result.intro
        ? [
            {
              Type: 'Intro',
              StartTicks: ticks(result.intro.start),
              EndTicks: ticks(result.intro.end),
            },
          ]
        : []),
      ...(result.credits
        ? [
            {
              Type: 'Outro',
              StartTicks: ticks(result.credits.start),
              EndTicks: ticks(result.credits.end),
            },
          ]
        : []),
    ]);
    // The marked ffmetadata is still what ffmpeg muxes: its chapters come out in the file.
    const muxed = tmp.path('all/muxed.mkv');
    ffmpeg(
      ...['-i', video, '-i', tmp.path('all/ep1.ffmetadata')],
      ...['-map', '0', '-map_metadata', '1', '-map_chapters', '1', '-c', 'copy', muxed],
    );
    const titles = chaptersOf(muxed).map((c) => c.tags?.title);
    if (result.intro) expect(titles).toContain('Intro');
    if (result.credits) expect(titles).toContain('Credits');
    expect(titles.length).toBeGreaterThan(0);
  });

  it('leaves a sidecar it did not write alone, with a warning, and still writes the others', async () => {
    const video = clip(tmp.path('foreign/S02E03.mkv'));
    const comskip = '0.00\t31.50\t0\n';
    writeFileSync(tmp.path('foreign/S02E03.edl'), comskip);
    const run = await runCli(
      ['detect', video, '--models', MODELS, '--sidecar-formats', 'edl,vtt'],
      TIMEOUT,
    );
    expectNoCrash(run);
    expect(run.exitCode, run.stderr).toBe(0);
    expect(readFileSync(tmp.path('foreign/S02E03.edl'), 'utf8')).toBe(comskip);
    expect(run.stderr).toMatch(
      /introdetect: warning: kept .*S02E03\.edl: introdetect did not write it/,
    );
    expect(readFileSync(tmp.path('foreign/S02E03.chapters.vtt'), 'utf8')).toMatch(/^WEBVTT/);
  });

  it('-o mirrors the input folders: two S01E01.mkv of different shows never collide', async () => {
    const a = clip(tmp.path('shows/Show A/S01E01.mkv'));
    const b = tmp.path('shows/Show B/S01E01.mkv');
    mkdirSync(dirname(b), { recursive: true });
    ffmpeg('-i', a, '-t', '15', '-c', 'copy', b); // a different duration tells them apart
    const out = tmp.path('out');
    const run = await runCli(['detect', a, b, '--models', MODELS, '-o', out], TIMEOUT);
    expectNoCrash(run);
    expect(run.exitCode, run.stderr).toBe(0);
    const ra = JSON.parse(readFileSync(join(out, 'Show A/S01E01.json'), 'utf8')) as DetectionResult;
    const rb = JSON.parse(readFileSync(join(out, 'Show B/S01E01.json'), 'utf8')) as DetectionResult;
    expect(ra.file).toBe(a);
    expect(rb.file).toBe(b);
    expect(ra.duration).toBeCloseTo(20, 0);
    expect(rb.duration).toBeCloseTo(15, 0);
    expect(existsSync(join(out, 'S01E01.json'))).toBe(false);
  });

  it.skipIf(!mkvtoolnix)(
    '--mkv-chapters sets the chapters of a Matroska file in place, and keeps chapters it did not write (skipped: mkvtoolnix not installed)',
    async () => {
      const video = clip(tmp.path('mkv/S01E05.mkv'));
      const run = await runCli(['detect', video, '--models', MODELS, '--mkv-chapters'], TIMEOUT);
      expectNoCrash(run);
      expect(run.exitCode, run.stderr).toBe(0);
      const result = detectJson(run.stdout);
      expect(run.stderr).toContain(`${video} → chapters set in place`);
      const chapters = chaptersOf(video);
      const intro = chapters.find((c) => c.tags?.title === 'Intro');
      if (result.intro) {
        expect(Number(intro?.start_time)).toBeCloseTo(result.intro.start, 3);
        expect(Number(intro?.end_time)).toBeCloseTo(result.intro.end, 3);
      }
      expect(chapters[0]?.start_time).toBe('0.000000');
      // Again: its own chapters are replaced (not added to).
      const again = await runCli(['detect', video, '--models', MODELS, '--mkv-chapters'], TIMEOUT);
      expect(again.exitCode, again.stderr).toBe(0);
      expect(chaptersOf(video)).toEqual(chapters);

      // A file with chapters of its own keeps them.
      const theirs = tmp.path('mkv/theirs.mkv');
      const meta = tmp.path('mkv/theirs.ffmetadata');
      writeFileSync(
        meta,
        ';FFMETADATA1\n\n[CHAPTER]\nTIMEBASE=1/1000\nSTART=0\nEND=7000\ntitle=Prologue\n',
      );
      ffmpeg('-i', video, '-i', meta, '-map', '0', '-map_chapters', '1', '-c', 'copy', theirs);
      const own = await runCli(['detect', theirs, '--models', MODELS, '--mkv-chapters'], TIMEOUT);
      expect(own.exitCode, own.stderr).toBe(0);
      expect(own.stderr).toMatch(/warning: .*theirs\.mkv: kept its chapters/);
      expect(chaptersOf(theirs).map((c) => c.tags?.title)).toEqual(['Prologue']);
    },
  );

  it('--mkv-chapters without mkvtoolnix stops with MKVTOOLNIX_FAILED (exit 16) before any work', async () => {
    // A PATH holding node only: no mkvpropedit there.
    const bin = tmp.path('bin-node-only');
    mkdirSync(bin, { recursive: true });
    symlinkSync(process.execPath, join(bin, 'node'));
    const video = tmp.path('lib/Show/S01E01.mkv');
    const r = await execa(join(bin, 'node'), [CLI, 'detect', video, '--mkv-chapters'], {
      reject: false,
      env: { PATH: bin, INTRODETECT_DEBUG: '' },
      extendEnv: false,
      timeout: 60_000,
    });
    const run = {
      exitCode: r.exitCode,
      signal: r.signal,
      stdout: String(r.stdout),
      stderr: String(r.stderr),
      timedOut: r.timedOut,
      seconds: 0,
    };
    expectTypedError(run, 'MKVTOOLNIX_FAILED');
    expect(run.stderr).toMatch(/mkvpropedit was not found.*apt-get install mkvtoolnix/);
  });
});

describe('watch --sidecar', () => {
  const lib = tmp.path('watched');
  const out = tmp.path('watched-out');
  beforeAll(() => {
    clip(join(lib, 'Show/Season 1/ep1.mkv'));
    clip(join(lib, 'Show/Season 1/ep2.mkv'));
    writeFileSync(join(lib, 'Show/Season 1/ep2.edl'), '10.0\t20.0\t3\n');
  });

  it('writes <stem>.edl beside each video (even with --out), keeps a foreign one, results under --out', async () => {
    const run = await execa(
      'node',
      [
        CLI,
        'watch',
        lib,
        '--once',
        '--settle',
        '0',
        '--poll',
        '0.1',
        '--out',
        out,
        '--models',
        MODELS,
        '--sidecar-formats',
        'edl,jellyfin',
        '--edl-action',
        'credits=2',
      ],
      { reject: false, timeout: 120_000 },
    );
    expect(run.exitCode, String(run.stderr)).toBe(0);
    const ep1 = readFileSync(join(lib, 'Show/Season 1/ep1.edl'), 'utf8');
    expect(ep1).toMatch(/^## written by introdetect /);
    const result = JSON.parse(
      readFileSync(join(out, 'Show/Season 1/ep1.intro.json'), 'utf8'),
    ) as DetectionResult;
    expect(edlLines(ep1)).toEqual([
      ...(result.intro ? [{ start: result.intro.start, end: result.intro.end, action: 3 }] : []),
      ...(result.credits
        ? [{ start: result.credits.start, end: result.credits.end, action: 2 }]
        : []),
    ]);
    expect(existsSync(join(lib, 'Show/Season 1/ep1.segments.json'))).toBe(true);
    // ep2's EDL is someone else's: kept, and the log says so; its other sidecar is written.
    expect(readFileSync(join(lib, 'Show/Season 1/ep2.edl'), 'utf8')).toBe('10.0\t20.0\t3\n');
    expect(String(run.stderr)).toMatch(/warning: kept .*ep2\.edl: introdetect did not write it/);
    expect(existsSync(join(lib, 'Show/Season 1/ep2.segments.json'))).toBe(true);
    expect(existsSync(join(out, 'Show/Season 1/ep2.intro.json'))).toBe(true);
    // Sidecars are not results of the watcher: nothing of them under --out.
    expect(existsSync(join(out, 'Show/Season 1/ep1.edl'))).toBe(false);
  });
});
