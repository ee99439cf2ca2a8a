import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { execa } from 'execa';
import sharp from 'sharp';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { registerEval } from '../../src/cli/commands/eval.js';
import { InputNotFoundError } from '../../src/errors.js';
import type { EvalReport } from '../../src/eval/runEval.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const labelsFile = join(root, 'test/fixtures/labels/corpus-labels.json');

const ramp = (n: number, from: number, to: number): number[] =>
  Array.from({ length: n }, (_, i) => (i >= from && i < to ? 0.9 : 0.1));

let dir: string;
let predDir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'introdetect-eval-'));
  predDir = join(dir, 'pred');
  await mkdir(predDir);
  // show1_s01e01: intro [30,70) predicted [31,70); credits [580,612.4) predicted exactly.
  await writeFile(
    join(predDir, 'show1_s01e01.json'),
    JSON.stringify({
      id: 'show1_s01e01',
      file: 'show1/s01e01.mkv',
      duration: 612.4,
      mode: 'fused',
      intro: { start: 31, end: 70, confidence: 0.93 },
      credits: { start: 580, end: 612.4, confidence: 0.88 },
      probabilities: {
        intro: { from: 0, values: ramp(306, 31, 70) },
        credits: { from: 306, values: ramp(307, 274, 307) },
      },
      threshold: { intro: 0.5, credits: 0.5 },
    }),
  );
  // Matched by file name only; no intro in the labels but one predicted.
  await writeFile(
    join(predDir, 'other.json'),
    `${JSON.stringify({ id: 'x', file: '/m/show1_s01e02.mkv', duration: 600, mode: 'vision', intro: { start: 0, end: 10, confidence: 0.6 }, credits: { start: 590, end: 600, confidence: 0.7 } })}\n`,
  );
  // show2_s01e01 has no prediction.
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('introdetect eval (registerEval on a local program)', () => {
  afterEach(() => vi.restoreAllMocks());

  const run = async (args: string[]): Promise<{ out: string; err: string }> => {
    let out = '';
    let err = '';
    vi.spyOn(process.stdout, 'write').mockImplementation((s) => ((out += String(s)), true));
    vi.spyOn(process.stderr, 'write').mockImplementation((s) => ((err += String(s)), true));
    const program = new Command().exitOverride();
    registerEval(program);
    try {
      await program.parseAsync(['eval', ...args], { from: 'user' });
    } finally {
      vi.restoreAllMocks();
    }
    return { out, err };
  };

  it('prints the table, writes the metrics JSON and one PNG per episode', async () => {
    const json = join(dir, 'metrics.json');
    const plots = join(dir, 'plots');
    const { out, err } = await run([
      '--labels',
      labelsFile,
      '--pred',
      predDir,
      '--json',
      json,
      '--plots',
      plots,
    ]);
    expect(out).toMatch(/episodes: 3 labelled, 2 predictions, 2 matched/);
    expect(out).toMatch(/\nintro {2,}/);
    expect(out).toMatch(/\ncredits {2,}/);
    expect(out).toMatch(/1 labelled episode\(s\) without a prediction: show2_s01e01/);
    expect(err).toBe('');

    const report = JSON.parse(await readFile(json, 'utf8')) as EvalReport;
    expect(report.version).toBe(1);
    expect(report.episodes.missing).toEqual(['show2_s01e01']);
    // intro: e01 label {30..69} vs pred {31..69}: tp 39, fn 1; e02 no intro, pred {0..9}: fp 10.
    expect(report.intro.perSecond).toMatchObject({ tp: 39, fp: 10, fn: 1 });
    expect(report.intro.startError).toMatchObject({ n: 1, mean: 1 });
    expect(report.intro.presence).toMatchObject({ tp: 1, fp: 1, fn: 0 });
    // credits: e01 {580..611} exact; e02 label [590, 600) (open end closed by duration) exact.
    expect(report.credits.perSecond).toMatchObject({ tp: 42, fp: 0, fn: 0 });
    expect(report.credits.within1s).toEqual({ hits: 2, of: 2, share: 1 });
    expect(report.perEpisode.map((e) => [e.id, e.predictionId])).toEqual([
      ['show1_s01e01', 'show1_s01e01'],
      ['show1_s01e02', 'x'],
    ]);

    const pngs = (await readdir(plots)).sort();
    expect(pngs).toEqual(['show1_s01e01.png', 'show1_s01e02.png']);
    const meta = await sharp(join(plots, 'show1_s01e01.png')).metadata();
    expect(meta.format).toBe('png');
    expect(meta.width).toBeGreaterThan(600);
  });

  it('reports a missing predictions path as INPUT_NOT_FOUND', async () => {
    await expect(run(['--labels', labelsFile, '--pred', join(dir, 'nope')])).rejects.toBeInstanceOf(
      InputNotFoundError,
    );
  });

  it('requires --labels and --pred', async () => {
    await expect(run(['--pred', predDir])).rejects.toMatchObject({
      code: 'commander.missingMandatoryOptionValue',
    });
  });
});

// The built CLI (`npm test` builds first).
describe('introdetect eval (the real CLI)', () => {
  it('prints the table and exits 0', async () => {
    const r = await execa(
      'node',
      ['dist/cli/main.js', 'eval', '--labels', labelsFile, '--pred', predDir],
      {
        cwd: root,
        reject: false,
      },
    );
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(/\nintro {2,}/);
  });

  it('exits 12 (INVALID_LABELS) on a labels file in no known format', async () => {
    const bad = join(root, 'test/fixtures/labels/not-labels.txt');
    const r = await execa(
      'node',
      ['dist/cli/main.js', 'eval', '--labels', bad, '--pred', predDir],
      {
        cwd: root,
        reject: false,
      },
    );
    expect(r.exitCode).toBe(12);
    expect(r.stderr).toMatch(/unknown labels format.*\[INVALID_LABELS\]/s);
  });
});

// Every part of an episode (issue 16): labels with `parts`, predictions with `segments`.
describe('introdetect eval with parts (the real CLI)', () => {
  it('prints a row per labelled part and the mid-credits share; --json has them', async () => {
    const partsDir = join(dir, 'parts');
    const preds = join(partsDir, 'pred');
    await mkdir(preds, { recursive: true });
    const t = (s: number) =>
      `0:${String(Math.floor(s / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
    const parts = (...ps: Array<[string, number, number]>) =>
      ps.map(([type, start, end]) => ({ type, start: t(start), end: t(end) }));
    const entry = (name: string, creditsEnd: string, ps: Array<[string, number, number]>) => ({
      name,
      start: '0:00:40',
      end: '0:01:10',
      credits_start: '0:08:20',
      credits_end: creditsEnd,
      duration: 600,
      parts: parts(...ps),
    });
    // a: recap, intro, credits in two pieces around a mid-credits scene, preview.
    // b: intro, credits over a mid-credits scene, no recap.
    await writeFile(
      join(partsDir, 'labels.json'),
      JSON.stringify({
        a: entry('a', '0:09:30', [
          ['recap', 0, 30],
          ['intro', 40, 70],
          ['credits', 500, 540],
          ['midCredits', 540, 560],
          ['credits', 560, 570],
          ['preview', 570, 600],
        ]),
        b: entry('b', '0:10:00', [
          ['intro', 40, 70],
          ['credits', 500, 540],
          ['midCredits', 540, 560],
          ['credits', 560, 600],
        ]),
      }),
    );
    const iv = (start: number, end: number) => ({ start, end, confidence: 0.9 });
    const seg = (type: string, start: number, end: number) => ({ type, ...iv(start, end) });
    // a: everything found, the recap 1 s late at both ends; the scene left out of the credits.
    await writeFile(
      join(preds, 'a.json'),
      JSON.stringify({
        id: 'a',
        duration: 600,
        intro: iv(40, 70),
        credits: iv(500, 570),
        segments: [
          seg('recap', 1, 31),
          seg('intro', 40, 70),
          seg('credits', 500, 540),
          seg('credits', 560, 570),
          seg('preview', 570, 600),
        ],
      }),
    );
    // b: a recap found where there is none; the credits cover the scene.
    await writeFile(
      join(preds, 'b.json'),
      JSON.stringify({
        id: 'b',
        duration: 600,
        intro: iv(40, 70),
        credits: iv(500, 600),
        segments: [seg('recap', 0, 20), seg('intro', 40, 70), seg('credits', 500, 600)],
      }),
    );
    const json = join(partsDir, 'metrics.json');
    const r = await execa(
      'node',
      [
        'dist/cli/main.js',
        'eval',
        '--labels',
        join(partsDir, 'labels.json'),
        '--pred',
        preds,
        '--json',
        json,
      ],
      { cwd: root, reject: false },
    );
    expect(r.stderr).toBe('');
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(/\nintro {2,}/);
    expect(r.stdout).toMatch(/\nrecap {2,}2 +1 +2 /);
    expect(r.stdout).toMatch(/\npreview {2,}2 +1 +1 /);
    expect(r.stdout).not.toMatch(/coldOpen|postCredits/);
    expect(r.stdout).toMatch(/mid-credits scene outside the predicted credits: 1 of 2 episode/);

    const report = JSON.parse(await readFile(json, 'utf8')) as EvalReport;
    expect(Object.keys(report.parts)).toEqual(['recap', 'preview']);
    expect(report.parts.recap!.presence).toMatchObject({ tp: 1, fp: 1, fn: 0, recall: 1 });
    expect(report.parts.recap!.within2s).toEqual({ hits: 1, of: 1, share: 1 });
    expect(report.parts.preview!.within1s).toEqual({ hits: 1, of: 1, share: 1 });
    expect(report.midCredits).toEqual({ hits: 1, of: 2, share: 0.5 });
    expect(report.perEpisode.map((e) => e.midCredits?.insideCredits)).toEqual([0, 20]);
    // The intro and credits rows are scored from `intro`/`credits` as always.
    expect(report.credits.perSecond).toMatchObject({ tp: 70 + 100, fp: 0, fn: 0 });
  });
});
