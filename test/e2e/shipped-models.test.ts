import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { buildCorpus } from '../../src/corpus/buildCorpus.js';
import type { CorpusOptions } from '../../src/corpus/types.js';
import type { DetectionResult } from '../../src/fusion/detectionResult.js';
import { readLabels } from '../../src/labels/readLabels.js';
import type { EpisodeLabel, Interval } from '../../src/labels/types.js';
import { SHARED_MEDIA } from '../helpers/sharedMedia.js';

// The models that ship (models/fused, models/vision: the CLI's defaults, no --models) on a
// small season built here from the shared media pool with `introdetect corpus`, scored
// against the corpus's exact labels. This is the test that fails if the shipped models stop
// finding intros.
//
// The season was chosen once, before any model ran on it, and is not to be re-rolled until a
// seed passes:
// - seed 6: the first seed no corpus in the model card used (1: v0; 2, 3: training; 4, 5:
//   the unseen sets corpus24c / corpus24d), so no episode here was trained or tuned on. Its
//   footage, music and studio logo come from the same pool as the training corpora.
// - 2 series × 3 episodes, so each episode has neighbours for the series step, and
//   `detect` is given the whole season at once, as a user gives it a season's folder.
// - 90-s episodes (--min-minutes 1.5 --max-minutes 1.5): short to build, yet long enough
//   that intros can exceed the 3–13-s range the model card says v3 misses (a 0.5-min episode
//   caps intros at 13 s). 480 px wide, as in corpus.test.ts.
// - `--intro-span 0.75`, chosen after reading the season's labels and before running a model:
//   in episodes this short the corpus puts intros as late as 18–58 s, past the default search
//   span (the first half, 45 s), which no model could then find. 0.75 reaches every label and
//   meets the credits span (the last 25 %). Real episodes are long enough for the default.
//
// The season's labels (intro; credits) and what the shipped models found on the first run:
//   episode  labels           fused            vision
//   s01e01    0–20;  85–90     1–20;  85–90     0–21;  86–90
//   s01e02    6–26;  85–90     6–26;  85–90     0–26;  85–90
//   s01e03    6–26;  82–90     6–26;  82–90     4–26;  82–90
//   s02e01   13–53;  80–86    13–53;  80–86    10–54;  80–86
//   s02e02   12–52;  84–90    12–52;  84–90     0–52;  85–90
//   s02e03   18–58;  85–90    18–58;  85–90    17–59;  86–90
// Vision starts up to 12 s early (it takes part of a cold open for intro), as the model card
// leads one to expect (vision v2 on test: median start error 3 s, 1 intro in 12 within ±1 s).

const SEASON: CorpusOptions = {
  seed: 6,
  series: 2,
  episodes: 3,
  minMinutes: 1.5,
  maxMinutes: 1.5,
  maxWidth: 480,
};
const INTRO_SPAN = '0.75';
/** Both boundaries of every intro and credits roll, for fused (the brief of issue 18). */
const TOLERANCE_S = 2;
/** The episode streamed, picked before any run: 13 s before its intro, a scene after its credits. */
const STREAMED = 's02e01';

// The built CLI (`npm test` builds first).
const CLI = 'dist/cli/main.js';

let out: string;
let season: Array<EpisodeLabel & { path: string }>;

beforeAll(async () => {
  out = await mkdtemp(join(tmpdir(), 'introdetect-shipped-'));
  await buildCorpus({ media: SHARED_MEDIA, out, corpus: SEASON, jobs: 2, log: () => {} });
  const { labels, warnings } = await readLabels(join(out, 'labels.json'));
  expect(warnings).toEqual([]);
  season = labels
    .map((l) => ({ ...l, path: join(out, l.file!) }))
    .sort((a, b) => a.id.localeCompare(b.id));
  // Guards against a corpus change that leaves nothing to find (then every spec would pass).
  expect(season).toHaveLength(SEASON.series * SEASON.episodes);
  expect(season.filter((l) => l.intro).length).toBeGreaterThanOrEqual(4);
  expect(season.every((l) => l.credits)).toBe(true);
}, 300_000);

afterAll(async () => {
  if (out) await rm(out, { recursive: true, force: true });
});

/** `introdetect detect` on the whole season at once; results by episode id. */
async function detectSeason(...args: string[]): Promise<Map<string, DetectionResult>> {
  const files = season.map((l) => l.path);
  const run = await execa('node', [CLI, 'detect', ...files, '--intro-span', INTRO_SPAN, ...args], {
    reject: false,
  });
  expect(run.exitCode, run.stderr).toBe(0);
  const results = run.stdout
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as DetectionResult);
  expect(results.map((r) => r.id).sort()).toEqual(season.map((l) => l.id));
  return new Map(results.map((r) => [r.id, r]));
}

const show = (iv: Interval | null | undefined) => (iv ? `${iv.start}–${iv.end}` : 'none');

/** Where `found` misses `label` by more than `tolerance` at either boundary (null: within). */
function miss(
  what: string,
  label: Interval | null | undefined,
  found: Interval | null,
  tolerance: number,
): string | null {
  const ok =
    label && found
      ? Math.abs(found.start - label.start) <= tolerance &&
        Math.abs(found.end - label.end) <= tolerance
      : !label && !found;
  return ok ? null : `${what}: found ${show(found)}, label ${show(label)}`;
}

function iou(a: Interval, b: Interval): number {
  const inter = Math.max(0, Math.min(a.end, b.end) - Math.max(a.start, b.start));
  return inter / (Math.max(a.end, b.end) - Math.min(a.start, b.start));
}

describe('the shipped models on an unseen corpus season (seed 6, 2 series × 3 episodes)', () => {
  it(`fused (the default) finds every intro and credits roll within ±${TOLERANCE_S} s, and no intro where there is none`, async () => {
    const results = await detectSeason();
    const misses: string[] = [];
    for (const l of season) {
      const r = results.get(l.id)!;
      expect(r.mode).toBe('fused');
      misses.push(
        ...[
          miss(`${l.id} intro`, l.intro, r.intro, TOLERANCE_S),
          miss(`${l.id} credits`, l.credits, r.credits, TOLERANCE_S),
        ].filter((m) => m !== null),
      );
    }
    expect(misses).toEqual([]);
  });

  // `detect --refine` (README, boundaries to the frame) through the CLI on the same season: the
  // corpus puts parts on whole seconds, so refined boundaries stay within the same tolerance,
  // and they come out to the millisecond (frame timestamps), not on whole seconds.
  it(`fused with --refine keeps every intro and credits roll within ±${TOLERANCE_S} s, with boundaries to the frame`, async () => {
    const results = await detectSeason('--refine');
    const misses: string[] = [];
    const bounds: number[] = [];
    for (const l of season) {
      const r = results.get(l.id)!;
      for (const iv of [r.intro, r.credits]) if (iv) bounds.push(iv.start, iv.end);
      misses.push(
        ...[
          miss(`${l.id} intro`, l.intro, r.intro, TOLERANCE_S),
          miss(`${l.id} credits`, l.credits, r.credits, TOLERANCE_S),
        ].filter((m) => m !== null),
      );
    }
    expect(misses).toEqual([]);
    expect(bounds.every((b) => Math.abs(b * 1000 - Math.round(b * 1000)) < 1e-6)).toBe(true);
    expect(bounds.some((b) => !Number.isInteger(b))).toBe(true);
  });

  // `watch --refine` writes a library's results to the frame too (issue 12): file by file, what
  // `detect --refine` gives for each file alone (`--series none` both, the default spans).
  it('watch --refine writes, file by file, the boundaries detect --refine gives', async () => {
    const results = await mkdtemp(join(tmpdir(), 'introdetect-watch-refine-'));
    onTestFinished(() => rm(results, { recursive: true, force: true }));
    const files = season.map((l) => l.path);
    const [watched, detected] = await Promise.all([
      execa(
        'node',
        [CLI, 'watch', out, '--once', '--settle', '0', '--poll', '0.1', '--out', results].concat([
          '--series',
          'none',
          '--refine',
          '--threads',
          '1',
        ]),
        { reject: false },
      ),
      execa('node', [CLI, 'detect', ...files, '--series', 'none', '--refine', '--threads', '1'], {
        reject: false,
      }),
    ]);
    expect(watched.exitCode, watched.stderr).toBe(0);
    expect(watched.stderr).not.toMatch(/refining failed/);
    expect(detected.exitCode, detected.stderr).toBe(0);
    const byDetect = new Map(
      detected.stdout
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as DetectionResult)
        .map((r) => [r.id, r]),
    );
    const bounds: number[] = [];
    for (const l of season) {
      const name = l.file!.replace(/\.[^./]+$/, '.intro.json');
      const w = JSON.parse(await readFile(join(results, name), 'utf8')) as DetectionResult;
      const d = byDetect.get(l.id)!;
      expect({ intro: w.intro, credits: w.credits, segments: w.segments }, l.id).toEqual({
        intro: d.intro,
        credits: d.credits,
        segments: d.segments,
      });
      for (const iv of [w.intro, w.credits]) if (iv) bounds.push(iv.start, iv.end);
    }
    // Refined, not whole seconds: some boundary moved to a frame between them.
    expect(bounds.some((b) => !Number.isInteger(b))).toBe(true);
  });

  // What the model card supports for vision v2 (test split: intro presence P / R 81.8 / 75 %,
  // 1 in 12 with both boundaries within ±1 s, median start error 3 s, end 1 s; credits 100 %
  // within ±3 s), and what held on every episode of this season: each intro found, where it
  // is (IoU ≥ 0.5, its end within ±2 s), and the credits within ±2 s. Its starts are not
  // held to a tolerance: it starts early on half of this season.
  it('vision finds every intro (IoU ≥ 0.5, end within ±2 s) and the credits within ±2 s', async () => {
    const results = await detectSeason('--mode', 'vision');
    const misses: string[] = [];
    for (const l of season) {
      const r = results.get(l.id)!;
      expect(r.mode).toBe('vision');
      const credits = miss(`${l.id} credits`, l.credits, r.credits, TOLERANCE_S);
      if (credits) misses.push(credits);
      const placed =
        l.intro && r.intro
          ? iou(l.intro, r.intro) >= 0.5 && Math.abs(r.intro.end - l.intro.end) <= TOLERANCE_S
          : !l.intro && !r.intro;
      if (!placed) misses.push(`${l.id} intro: found ${show(r.intro)}, label ${show(l.intro)}`);
    }
    expect(misses).toEqual([]);
  });

  // README, `introdetect stream`: at the default look-ahead (4 s) the stream's intro
  // boundaries have a median error of 0 s on the test split and are within ±1 s or else far off
  // (a missed title card, an intro in pieces), so a miss beyond ±2 s is a real one. A stream
  // looks for intros everywhere and may announce extra runs, so the first intro run and the
  // last credits run are scored, as `npm run bench:stream-accuracy` does.
  it(`stream (fused, default look-ahead) announces ${STREAMED}'s intro and credits within ±${TOLERANCE_S} s`, async () => {
    const l = season.find((e) => e.id === STREAMED)!;
    const run = await execa('node', [CLI, 'stream', l.path], { reject: false, timeout: 120_000 });
    expect(run.exitCode, run.stderr).toBe(0);
    const events = run.stdout
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as { event: string; streamTime: number });
    const at = (event: string) => events.filter((e) => e.event === event).map((e) => e.streamTime);
    const interval = (starts: number[], ends: number[], i: number): Interval | null => {
      const [start, end] = [starts[i], ends[i]];
      return start !== undefined && end !== undefined ? { start, end } : null;
    };
    const introStarts = at('intro.start');
    const creditsStarts = at('credits.start');
    const intro = interval(introStarts, at('intro.end'), 0);
    const credits = interval(creditsStarts, at('credits.end'), creditsStarts.length - 1);
    expect(
      [
        miss(`${l.id} intro`, l.intro, intro, TOLERANCE_S),
        miss(`${l.id} credits`, l.credits, credits, TOLERANCE_S),
      ].filter((m) => m !== null),
      run.stdout,
    ).toEqual([]);
  });
});
