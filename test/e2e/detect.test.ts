import { execa } from 'execa';
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parsePrediction } from '../../src/eval/parsePrediction.js';
import { detectEpisode, type DetectTimings } from '../../src/fusion/detectEpisode.js';
import type { DetectionResult } from '../../src/fusion/detectionResult.js';
import { cudaAvailability } from '../../src/fusion/onnxBackend.js';
import { ffmpeg, scratch } from '../helpers/clips.js';
import { DETECTION_KEYS, expectRepeatedWithin } from '../helpers/detectionSchema.js';

// Random-weight fixture models: these specs check the CLI's schema, formats and behaviour, not
// where the intro is. Whether the shipped models find intros and credits is
// test/e2e/shipped-models.test.ts.
const MODELS = {
  fused: 'test/fixtures/models/tiny-fused',
  vision: 'test/fixtures/models/tiny-vision',
};

// The built CLI (`npm test` builds first).
const cli = (...args: string[]) => execa('node', ['dist/cli/main.js', ...args], { reject: false });

const tmp = scratch('introdetect-detect-');

/**
 * A 90-s "episode": cold open 0–10 s, intro 10–30 s (colour bars + a tune), episode 30–80 s,
 * credits 80–90 s (dark, quiet). Generated per run, so no media is committed.
 */
function episodeClip(name: string): string {
  const out = tmp.path(name);
  const seg = (video: string, d: number) =>
    `${video}${video.includes('=') ? ':' : '='}size=160x120:rate=25:duration=${d}`;
  const tone = (expr: string, d: number) => `aevalsrc='${expr}':s=44100:d=${d}`;
  const parts: Array<[string, string]> = [
    [seg('testsrc2', 10), tone('0.1*sin(2*PI*220*t)', 10)],
    [seg('smptebars', 20), tone('0.4*sin(2*PI*440*t)*(0.6+0.4*sin(2*PI*2*t))', 20)],
    [seg('testsrc', 50), tone('0.1*sin(2*PI*330*t)', 50)],
    [seg('color=c=0x101010', 10), tone('0.01*sin(2*PI*110*t)', 10)],
  ];
  const inputs = parts.flatMap(([v, a]) => ['-f', 'lavfi', '-i', v, '-f', 'lavfi', '-i', a]);
  const n = parts.length;
  const labels = parts.map((_, i) => `[${2 * i}:v]format=yuv420p[v${i}];`).join('');
  const concat = parts.map((_, i) => `[v${i}][${2 * i + 1}:a]`).join('');
  ffmpeg(
    ...inputs,
    '-filter_complex',
    `${labels}${concat}concat=n=${n}:v=1:a=1[v][a]`,
    '-map',
    '[v]',
    '-map',
    '[a]',
    '-c:a',
    'aac',
    '-c:v',
    'libx264',
    '-preset',
    'ultrafast',
    '-g',
    '25',
    out,
  );
  return out;
}

/**
 * The schema the eval harness reads (see README, `detect` → JSON). `repeated`: whether the file
 * was detected beside an episode that repeats its head (here: a copy of itself), which is what
 * puts a `repeated` list in the result.
 */
function checkSchema(
  r: DetectionResult,
  file: string,
  mode: 'fused' | 'vision',
  repeated = false,
): void {
  const keys = [...DETECTION_KEYS];
  expect(Object.keys(r).sort()).toEqual((repeated ? [...keys, 'repeated'] : keys).sort());
  expect(r.id).toBe(file.replace(/^.*\//, '').replace(/\.[^.]+$/, ''));
  expect(r.file).toBe(file);
  expect(r.duration).toBeCloseTo(90, 0);
  expect(r.mode).toBe(mode);
  const intro = r.probabilities.intro;
  const credits = r.probabilities.credits;
  expect(intro.from).toBe(0);
  expect(intro.values).toHaveLength(45); // first half
  expect(credits.from).toBe(67); // last 25 %: floor(90 · 0.75)
  expect(credits.values.length).toBeGreaterThanOrEqual(22);
  expect(credits.from + credits.values.length).toBeLessThanOrEqual(Math.ceil(r.duration));
  for (const v of [...intro.values, ...credits.values]) {
    expect(v).toBeGreaterThanOrEqual(0);
    expect(v).toBeLessThanOrEqual(1);
  }
  // `intro` and `credits` are each an interval or null (nothing found): an interval must lie
  // inside its searched span.
  for (const [iv, track] of [
    [r.intro, intro],
    [r.credits, credits],
  ] as const) {
    if (iv === null) continue;
    expect(iv.start).toBeGreaterThanOrEqual(track.from);
    expect(iv.end).toBeLessThanOrEqual(track.from + track.values.length);
    expect(iv.end).toBeGreaterThan(iv.start);
    expect(iv.confidence).toBeGreaterThanOrEqual(0);
    expect(iv.confidence).toBeLessThanOrEqual(1);
  }
  expect(typeof r.threshold.intro).toBe('number');
  expect(typeof r.threshold.credits).toBe('number');
  if (repeated) {
    expect(r.repeated!.length).toBeGreaterThan(0);
    expectRepeatedWithin(r.repeated!, intro);
  }
  expect(() => parsePrediction(r, file)).not.toThrow();
}

describe('introdetect detect', () => {
  let clip: string;
  let silent: string;
  beforeAll(() => {
    clip = episodeClip('episode.mp4');
    silent = tmp.path('silent.mp4');
    ffmpeg('-i', clip, '-an', '-c', 'copy', silent);
  });
  afterAll(() => tmp.cleanup());

  it('prints one JSON object matching the schema (fused)', async () => {
    const run = await cli('detect', clip, '--models', MODELS.fused, '--format', 'json');
    expect(run.stderr).not.toMatch(/error/i);
    expect(run.exitCode).toBe(0);
    const lines = run.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    const r = JSON.parse(lines[0]!) as DetectionResult;
    checkSchema(r, clip, 'fused');
  });

  it("lists the recap a model's own recap head finds with --part-heads, and none without", async () => {
    // tiny-fused-heads: recap and preview heads, the recap's bias pinned high, the preview's
    // low; so every second of the intro's searched span (the first half) is a recap
    const heads = 'test/fixtures/models/tiny-fused-heads';
    const run = await cli('detect', clip, '--models', heads, '--series', 'none', '--part-heads');
    expect(run.exitCode).toBe(0);
    const r = JSON.parse(run.stdout) as DetectionResult;
    expect(r.segments!.filter((s) => s.type === 'recap').map((s) => [s.start, s.end])).toEqual([
      [0, 45],
    ]);
    expect(r.segments!.some((s) => s.type === 'preview')).toBe(false);
    expect(() => parsePrediction(r, clip)).not.toThrow();
    const off = await cli('detect', clip, '--models', heads, '--series', 'none');
    expect(off.exitCode).toBe(0);
    const without = JSON.parse(off.stdout) as DetectionResult;
    expect(without.segments!.some((s) => s.type === 'recap' || s.type === 'preview')).toBe(false);
    expect(without.intro).toEqual(r.intro);
  });

  it('vision mode works on a file without sound; several files give JSON Lines', async () => {
    const run = await cli('detect', silent, silent, '--models', MODELS.vision, '--mode', 'vision');
    expect(run.exitCode).toBe(0);
    const lines = run.stdout.trim().split('\n');
    expect(lines).toHaveLength(2);
    // The two are one folder's episodes, and each repeats the other's head exactly.
    for (const l of lines) checkSchema(JSON.parse(l) as DetectionResult, silent, 'vision', true);
  });

  it('writes EDL, ffmetadata chapters and WebVTT', async () => {
    const edl = await cli('detect', clip, '--models', MODELS.fused, '--format', 'edl');
    expect(edl.exitCode).toBe(0);
    for (const line of edl.stdout.split('\n').filter(Boolean)) {
      expect(line).toMatch(/^\d+\.\d{3}\t\d+\.\d{3}\t3$/);
    }
    const dir = tmp.path('out');
    const chapters = await cli(
      'detect',
      clip,
      '--models',
      MODELS.fused,
      '--format',
      'chapters',
      '-o',
      dir,
    );
    expect(chapters.exitCode).toBe(0);
    expect(existsSync(`${dir}/episode.ffmetadata`)).toBe(true);
    const vtt = await cli('detect', clip, '--models', MODELS.fused, '--format', 'vtt');
    expect(vtt.stdout).toMatch(/^WEBVTT\n/);
    expect(vtt.stdout).toMatch(/00:00:00\.000 --> /);
  });

  it('fails with MODEL_NOT_FOUND (exit 11) naming the missing files', async () => {
    const run = await cli('detect', clip, '--models', tmp.path('no-such-models'));
    expect(run.exitCode).toBe(11);
    expect(run.stderr).toMatch(
      /missing model\.json, vision-encoder\.onnx, audio-encoder\.onnx, sequence\.onnx/,
    );
  });

  it('fused mode on a file without sound says to use --mode vision', async () => {
    const run = await cli('detect', silent, '--models', MODELS.fused);
    expect(run.exitCode).toBe(7);
    expect(run.stderr).toMatch(/--mode vision/);
  });

  it('reports where its time went through onTimings, outside the result (library)', async () => {
    let timings: DetectTimings | undefined;
    const r = await detectEpisode(clip, {
      modelDir: MODELS.fused,
      onTimings: (t) => (timings = t),
    });
    checkSchema(r, clip, 'fused');
    expect(timings).toBeDefined();
    const t = timings!;
    // 90 s: the head (45 s + 30 s context) reaches the tail's decode span → decoded once.
    expect(t.spans).toEqual([{ from: 0, to: 90 }]);
    for (const ms of [t.loadMs, t.melMs, t.frameTensorMs, t.visionEncoderMs, t.audioEncoderMs])
      expect(ms).toBeGreaterThan(0);
    expect(t.sequenceMs).toBeGreaterThan(0);
    expect(t.clusteringMs).toBeGreaterThanOrEqual(0);
    expect(t.totalMs).toBeGreaterThan(t.loadMs + t.melMs);
  });

  // Where onnxruntime-node has its CUDA provider, `--provider cuda` may really run on CUDA:
  // this spec is about installs without it (the default, ONNXRUNTIME_NODE_INSTALL=skip).
  it.skipIf(cudaAvailability().available)(
    'warns and falls back to CPU when the CUDA provider is not installed (skipped where it is)',
    async () => {
      const run = await cli('detect', clip, '--models', MODELS.fused, '--provider', 'cuda');
      expect(run.exitCode, run.stderr).toBe(0);
      expect(run.stderr).toMatch(/CUDA requested but unavailable: .*running on CPU/);
      expect(run.stderr).toMatch(/ONNXRUNTIME_NODE_INSTALL=cuda12/);
      checkSchema(JSON.parse(run.stdout) as DetectionResult, clip, 'fused');
    },
  );
});
