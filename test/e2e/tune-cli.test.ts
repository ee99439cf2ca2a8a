import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { concatClip, type ClipPart } from '../helpers/clips.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const cli = join(root, 'dist/cli/main.js');

/** Probabilities 0.9 inside [s, e), 0.4 on the three seconds either side, 0.05 elsewhere. */
const blurred = (n: number, s: number, e: number): number[] =>
  Array.from({ length: n }, (_, t) =>
    t >= s && t < e ? 0.9 : t >= s - 3 && t < e + 3 ? 0.4 : 0.05,
  );

let dir: string;
let model: string;
let labels: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'introdetect-tune-'));
  model = join(dir, 'model');
  await cp(join(root, 'test/fixtures/models/tiny-fused'), model, { recursive: true });
  const json = JSON.parse(await readFile(join(model, 'model.json'), 'utf8')) as Record<
    string,
    unknown
  >;
  json.decision = { intro: { threshold: 0.3, span: 0.5 }, credits: { threshold: 0.5 } };
  await writeFile(join(model, 'model.json'), JSON.stringify(json));
  labels = join(dir, 'labels.json');
  const entry = (start: string, end: string, split: string) => ({
    name: 'x',
    start,
    end,
    duration: 200,
    split,
    series: split,
  });
  await writeFile(
    labels,
    JSON.stringify({
      v1: entry('0:00:10', '0:00:40', 'val'),
      v2: entry('0:00:20', '0:00:35', 'val'),
      t1: entry('0:00:05', '0:00:25', 'test'),
    }),
  );
  await mkdir(join(dir, 'pred'));
  for (const [id, s, e] of [
    ['v1', 10, 40],
    ['v2', 20, 35],
    ['t1', 5, 25],
  ] as const) {
    await writeFile(
      join(dir, 'pred', `${id}.json`),
      JSON.stringify({
        id,
        duration: 200,
        intro: null,
        credits: null,
        probabilities: { intro: { from: 0, values: blurred(100, s, e) } },
      }),
    );
  }
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('introdetect tune', () => {
  it('prints the current decision against the best ones found on the chosen split', async () => {
    const r = await execa('node', [
      cli,
      'tune',
      '--labels',
      labels,
      '--pred',
      join(dir, 'pred'),
      '--model',
      model,
      '--targets',
      'intro',
      '--top',
      '2',
    ]);
    expect(r.stdout).toMatch(/^intro \(2 predictions, split val, \d+ decisions tried\)/);
    expect(r.stdout).toMatch(/current +score +\d+\.\d .*±1 s +0\.0/);
    expect(r.stdout).toMatch(/#1 +score 100\.0 .*±1 s 100\.0/);
    expect(r.stdout).toContain('#2');
    expect(r.stdout).not.toContain('#3');
  });

  it('--write stores the best decision in model.json and keeps the rest of the file', async () => {
    const before = JSON.parse(await readFile(join(model, 'model.json'), 'utf8')) as {
      mode: string;
    };
    await execa('node', [
      cli,
      'tune',
      ...['--labels', labels, '--pred', join(dir, 'pred'), '--model', model, '--write'],
    ]);
    const after = JSON.parse(await readFile(join(model, 'model.json'), 'utf8')) as {
      mode: string;
      decision: { intro: { threshold: number; edge: number; span: number } };
    };
    expect(after.mode).toBe(before.mode);
    // the blurred edges (0.4) are cut by the threshold or by the edge trim
    expect(Math.max(after.decision.intro.threshold, after.decision.intro.edge)).toBeGreaterThan(
      0.4,
    );
    expect(after.decision.intro.span).toBe(0.5);
    // the written decision scores the test split's episode exactly too
    const test = await execa('node', [
      cli,
      'tune',
      ...['--labels', labels, '--pred', join(dir, 'pred'), '--model', model],
      ...['--split', 'test', '--targets', 'intro'],
    ]);
    expect(test.stdout).toMatch(/current +score 100\.0/);
  });

  it('fails with a clear message when no prediction belongs to the split', async () => {
    const r = await execa(
      'node',
      [
        cli,
        'tune',
        '--labels',
        labels,
        '--pred',
        join(dir, 'pred'),
        '--model',
        model,
        '--split',
        'train',
      ],
      { reject: false },
    );
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/No labelled episodes in split "train"/);
  });
});

describe('introdetect tune --series', () => {
  let seasonDir: string;
  let seasonLabels: string;
  let seriesModel: string;
  const tone = (f: number) => `sine=frequency=${f}:sample_rate=44100`;
  /** The same 12-s intro (moving pattern, modulated tune) after a cold open, then a body. */
  const intro: ClipPart = [
    'testsrc2',
    "aevalsrc='0.4*sin(2*PI*440*t)*(0.6+0.4*sin(2*PI*2*t))':s=44100",
    12,
  ];

  beforeAll(async () => {
    seasonDir = join(dir, 'season');
    await mkdir(seasonDir);
    concatClip(join(seasonDir, 'e1.mp4'), [
      ['mandelbrot', tone(220), 6],
      intro,
      ['life=mold=10:ratio=0.5', tone(330), 20],
    ]);
    concatClip(join(seasonDir, 'e2.mp4'), [
      ['cellauto=rule=30', tone(250), 14],
      intro,
      ['rgbtestsrc', tone(550), 14],
    ]);
    seasonLabels = join(seasonDir, 'labels.json');
    const entry = (file: string, start: string, end: string) => ({
      name: file,
      file,
      start,
      end,
      duration: 40,
      split: 'val',
      series: 'x',
    });
    await writeFile(
      seasonLabels,
      JSON.stringify({
        e1: entry('e1.mp4', '0:00:06', '0:00:18'),
        e2: entry('e2.mp4', '0:00:14', '0:00:26'),
      }),
    );
    seriesModel = join(dir, 'series-model');
    await cp(join(root, 'test/fixtures/models/tiny-fused'), seriesModel, { recursive: true });
  });

  const tune = (...extra: string[]) =>
    execa(
      'node',
      [cli, 'tune', '--series', '--labels', seasonLabels, '--model', seriesModel, ...extra],
      { cwd: dir, reject: false },
    );

  it('detects the split once and prints the current series step against the best, and the best per minimum', async () => {
    const r = await tune('--top', '2');
    expect(r.stderr).toMatch(/\[1\/2\] e1\n\[2\/2\] e2/);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(
      /^series step \(2 episodes in 1 series, split val, 648 settings tried/,
    );
    expect(r.stdout).toMatch(/current +score/);
    expect(r.stdout).toContain('#2');
    expect(r.stdout).not.toContain('#3');
    for (const minRun of [4, 6, 8, 10])
      expect(r.stdout).toMatch(new RegExp(`^${minRun} s +score`, 'm'));
  });

  it('--write stores the series block with its source, and no absolute path', async () => {
    const r = await tune('--write');
    expect(r.exitCode).toBe(0);
    const text = await readFile(join(seriesModel, 'model.json'), 'utf8');
    const json = JSON.parse(text) as {
      series: Record<string, unknown> & { source: Record<string, unknown> };
    };
    for (const key of ['audioMin', 'videoMin', 'minRun', 'maxGap', 'minOverlap', 'trimSeconds'])
      expect(typeof json.series[key]).toBe('number');
    expect(json.series.source).toMatchObject({
      split: 'val',
      episodes: 2,
      intros: 2,
      series: 1,
      labels: 'season/labels.json',
    });
    expect(text).not.toContain(dir);
    // The model now carries it: a second run starts from the written setting.
    const again = await tune('--top', '1');
    expect(again.stdout).toMatch(new RegExp(`minRun ${String(json.series.minRun)} `));
  });

  it('asks for --pred or --series when given neither', async () => {
    const r = await execa('node', [cli, 'tune', '--labels', seasonLabels, '--model', seriesModel], {
      reject: false,
    });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/--pred DIR .* or --series/);
  });
});
