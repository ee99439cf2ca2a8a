import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCorpus } from '../../src/corpus/buildCorpus.js';
import type { CorpusOptions } from '../../src/corpus/types.js';
import { detectEpisode, type DetectTimings } from '../../src/fusion/detectEpisode.js';
import type { DetectionResult } from '../../src/fusion/detectionResult.js';
import { EpisodeModel } from '../../src/fusion/episodeModel.js';
import { defaultModelDir } from '../../src/fusion/modelConfig.js';
import { readLabels } from '../../src/labels/readLabels.js';
import type { EpisodeLabel } from '../../src/labels/types.js';
import { SHARED_MEDIA } from '../helpers/sharedMedia.js';

// Two-pass detect (`--passes 2`) against one pass (the default), on one corpus episode re-encoded with the
// keyframe spacings a user's files have. Two passes decode all the sound and only the
// picture's keyframes, then every frame around the boundaries found; they must land where one
// pass lands, and must fall back to one pass where keyframes cannot be decoded alone cheaply.

/** One 90-s episode with an intro (seed 6, as in shipped-models.test.ts: never trained on). */
const EPISODE: CorpusOptions = {
  seed: 6,
  series: 1,
  episodes: 2,
  minMinutes: 1.5,
  maxMinutes: 1.5,
  maxWidth: 480,
};
/** As in shipped-models.test.ts: 90-s episodes put intros past the default first half. */
const INTRO_SPAN = 0.75;

const H264 = ['-c:v', 'libx264', '-preset', 'veryfast', '-pix_fmt', 'yuv420p', '-c:a', 'aac'];
const ENCODINGS = {
  /** A keyframe every 10 s and none at cuts: the picture held up to 10 s in the first pass. */
  longGop: { file: 'gop10s.mp4', args: ['-x264-params', 'keyint=250:min-keyint=250:scenecut=0'] },
  /** Broadcast-style 1-s GOPs in MPEG-TS (whose demuxer cannot drop packets; the decoder skips). */
  shortGop: { file: 'gop1s.ts', args: ['-x264-params', 'keyint=25:min-keyint=25:scenecut=0'] },
  /**
   * HEVC with x265's defaults (open GOPs) in MP4, as the corpus encodes it: with the non-key
   * frames skipped the decoder logs errors at keyframes, to the end of its log.
   */
  hevc: {
    file: 'hevc.mp4',
    args: ['-c:v', 'libx265', '-preset', 'ultrafast', '-x265-params', 'log-level=error'],
  },
  /** Every frame a keyframe: a first pass would decode everything, so one pass it is. */
  intraOnly: { file: 'intra.mkv', args: ['-g', '1'] },
} as const;

let out: string;
let label: EpisodeLabel;
let model: EpisodeModel;
const files: Partial<Record<keyof typeof ENCODINGS, string>> = {};

beforeAll(async () => {
  out = await mkdtemp(join(tmpdir(), 'introdetect-two-pass-'));
  await buildCorpus({ media: SHARED_MEDIA, out, corpus: EPISODE, jobs: 2, log: () => {} });
  const { labels } = await readLabels(join(out, 'labels.json'));
  // The first episode with an intro that starts after the first second (a start to refine).
  const chosen = labels.find((l) => l.intro && l.intro.start >= 2);
  expect(chosen, 'the corpus plan has an episode with an intro to find').toBeDefined();
  label = chosen!;
  const source = join(out, label.file!);
  for (const [name, enc] of Object.entries(ENCODINGS)) {
    const file = join(out, enc.file);
    await execa('ffmpeg', ['-v', 'error', '-y', '-i', source, ...H264, ...enc.args, file]);
    files[name as keyof typeof ENCODINGS] = file;
  }
  model = await EpisodeModel.load(defaultModelDir('fused'));
}, 300_000);

afterAll(async () => {
  await model?.dispose();
  if (out) await rm(out, { recursive: true, force: true });
});

async function detect(
  file: string,
  passes: 1 | 2,
): Promise<{ result: DetectionResult; timings: DetectTimings }> {
  let timings: DetectTimings | undefined;
  const result = await detectEpisode(file, {
    model,
    passes,
    introSpan: INTRO_SPAN,
    onTimings: (t) => (timings = t),
  });
  return { result, timings: timings! };
}

const within = (a: number | undefined, b: number | undefined, tolerance: number) =>
  a !== undefined && b !== undefined && Math.abs(a - b) <= tolerance;

describe('two-pass detect', () => {
  for (const name of ['longGop', 'shortGop', 'hevc'] as const) {
    it(`${name}: decodes keyframes first, then every frame around the boundaries, and finds the intro one pass finds (±1 s)`, async () => {
      const file = files[name]!;
      const one = await detect(file, 1);
      const two = await detect(file, 2);
      expect(one.timings.passes).toBe(1);
      // The comparison means something only where one pass finds the labelled intro.
      expect(one.result.intro, `one pass on ${name}`).not.toBeNull();
      expect(within(one.result.intro?.start, label.intro?.start, 2)).toBe(true);

      expect(two.timings.passes).toBe(2);
      expect(two.timings.fallback).toBeUndefined();
      const exact = two.timings.exact;
      expect(exact.length).toBeGreaterThan(0);
      // Exact frames were decoded around each intro boundary two passes settled on, and around
      // both ends of every run where the first pass rose towards intro or credits (at most 8
      // per target).
      for (const b of [two.result.intro!.start, two.result.intro!.end]) {
        expect(exact.some((w) => b >= w.from && b <= w.to)).toBe(true);
      }
      expect(two.timings.candidates.length).toBeGreaterThan(0);
      expect(two.timings.candidates.length).toBeLessThanOrEqual(16);
      for (const run of two.timings.candidates)
        for (const b of [run.from, run.to])
          expect(exact.some((w) => b >= w.from && b <= w.to)).toBe(true);
      const found = JSON.stringify({
        one: [one.result.intro, one.result.credits],
        two: [two.result.intro, two.result.credits],
        exact,
      });
      expect(within(two.result.intro?.start, one.result.intro?.start, 1), found).toBe(true);
      expect(within(two.result.intro?.end, one.result.intro?.end, 1), found).toBe(true);
      expect(within(two.result.credits?.start, one.result.credits?.start, 1), found).toBe(true);
    }, 120_000);
  }

  it('intra-only video falls back to one pass, says why, and gives one pass’s result', async () => {
    const file = files.intraOnly!;
    const one = await detect(file, 1);
    const two = await detect(file, 2);
    expect(two.timings.passes).toBe(1);
    expect(two.timings.fallback).toMatch(/keyframes only still delivers 100 % of the frames/);
    expect(two.timings.exact).toEqual([]);
    expect(two.result.intro).toEqual(one.result.intro);
    expect(two.result.credits).toEqual(one.result.credits);
  }, 120_000);

  it('vision mode keeps one pass (without sound, keyframes alone miss intros) and says so', async () => {
    let timings: DetectTimings | undefined;
    await detectEpisode(files.longGop!, {
      mode: 'vision',
      passes: 2,
      introSpan: INTRO_SPAN,
      onTimings: (t) => (timings = t),
    });
    expect(timings?.passes).toBe(1);
    expect(timings?.fallback).toMatch(/^vision mode/);
  }, 120_000);

  it('detect --passes rejects anything but 1 or 2', async () => {
    const run = await execa(
      'node',
      ['dist/cli/main.js', 'detect', files.longGop!, '--passes', '3'],
      { reject: false },
    );
    expect(run.exitCode).not.toBe(0);
    expect(run.stderr).toMatch(/--passes takes 1 or 2/);
  });
});
