import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCorpus, type BuildCorpusResult } from '../../src/corpus/buildCorpus.js';
import { labelsJson } from '../../src/corpus/corpusFiles.js';
import { planCorpus } from '../../src/corpus/corpusPlan.js';
import { speechFile } from '../../src/corpus/tts.js';
import type {
  CorpusOptions,
  MediaPool,
  Part,
  ScenePart,
  SeriesPlan,
} from '../../src/corpus/types.js';
import { parseTimecode } from '../../src/labels/timecode.js';
import type { LabelsJsonEntry } from '../../src/labels/types.js';
import { locateFfmpeg } from '../../src/streams/locateFfmpeg.js';
import { probe } from '../../src/streams/probe.js';

// The shared media pool sits beside the checkout (../shared/media), as on CI.
const MEDIA =
  process.env.INTRODETECT_MEDIA ??
  [resolve(import.meta.dirname, '../../../shared/media'), '/work/shared/media'].find((p) =>
    existsSync(p),
  ) ??
  '../shared/media';
const RATE = 8000;

/** A media pool that exists only on paper: enough for planning, nothing to render. */
const fakePool: MediaPool = {
  root: '/nowhere',
  video: Array.from({ length: 6 }, (_, i) => ({ path: `video/v${i}.mp4`, duration: 30 + 20 * i })),
  music: Array.from({ length: 9 }, (_, i) => ({ path: `music/m${i}.ogg`, duration: 200 + 10 * i })),
  speech: Array.from({ length: 10 }, (_, i) => ({ path: `speech/s${i}.wav`, duration: 2 + i })),
};

describe('corpus plan (no rendering)', () => {
  const options: CorpusOptions = {
    seed: 7,
    series: 8,
    episodes: 6,
    minMinutes: 5,
    maxMinutes: 10,
    maxWidth: 854,
  };
  const plan = planCorpus(fakePool, options);

  it('is deterministic from the seed, and the seed matters', () => {
    expect(planCorpus(fakePool, options)).toEqual(plan);
    expect(labelsJson(planCorpus(fakePool, { ...options, seed: 8 }))).not.toEqual(labelsJson(plan));
  });

  it('has episodes without an intro, and intros from a few seconds to over two minutes', () => {
    expect(plan.episodes.some((e) => e.intro === null)).toBe(true);
    expect(plan.episodes.some((e) => e.intro !== null)).toBe(true);
    const lengths = plan.series.map((s) => s.intro.duration);
    expect(Math.min(...lengths)).toBeLessThanOrEqual(5);
    expect(Math.max(...lengths)).toBeGreaterThan(120);
  });

  it('tiles every episode with whole-second parts that agree with the labels', () => {
    for (const ep of plan.episodes) {
      let t = 0;
      for (const p of ep.parts) {
        expect(p.start).toBe(t);
        expect(Number.isInteger(p.duration) && p.duration > 0).toBe(true);
        t += p.duration;
      }
      expect(t).toBe(ep.duration);
      expect(ep.duration).toBeGreaterThanOrEqual(300);
      expect(ep.duration).toBeLessThanOrEqual(600);
      const intro = ep.parts.find((p) => p.kind === 'intro');
      expect(intro ? { start: intro.start, end: intro.start + intro.duration } : null).toEqual(
        ep.intro,
      );
    }
  });

  it('splits by series, and every split is used', () => {
    const bySeries = new Map(plan.series.map((s) => [s.id, s.split]));
    const labels = labelsJson(plan);
    for (const l of Object.values(labels)) expect(l.split).toBe(bySeries.get(l.series ?? ''));
    expect(new Set(bySeries.values())).toEqual(new Set(['train', 'val', 'test']));
  });

  it('mixes codecs, containers and frame rates', () => {
    const big = planCorpus(fakePool, { ...options, series: 30 });
    const formats = big.series.map((s) => s.format);
    expect(new Set(formats.map((f) => f.videoCodec)).size).toBe(3);
    expect(new Set(formats.map((f) => f.container)).size).toBe(3);
    expect(new Set(formats.map((f) => f.frameRate)).size).toBe(4);
  });
});

// ---- end to end: a tiny corpus rendered from the real media pool ----

async function decodeAudio(file: string, from?: number, seconds?: number): Promise<Float32Array> {
  const { ffmpeg } = locateFfmpeg();
  const seek = from !== undefined ? ['-ss', String(from), '-t', String(seconds)] : [];
  const { stdout } = await execa(
    ffmpeg,
    [
      '-v',
      'error',
      ...seek,
      '-i',
      file,
      '-vn',
      '-ac',
      '1',
      '-ar',
      String(RATE),
      '-f',
      'f32le',
      'pipe:1',
    ],
    { encoding: 'buffer', maxBuffer: 1 << 28 },
  );
  const bytes = new Uint8Array(stdout);
  return new Float32Array(bytes.buffer, bytes.byteOffset, Math.floor(bytes.byteLength / 4));
}

function fft(re: Float64Array, im: Float64Array, inverse: boolean): void {
  const n = re.length;
  for (let i = 1, j = 0; i < n; i++) {
    let bit = n >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) {
      [re[i], re[j]] = [re[j]!, re[i]!];
      [im[i], im[j]] = [im[j]!, im[i]!];
    }
  }
  for (let len = 2; len <= n; len <<= 1) {
    const ang = ((inverse ? 2 : -2) * Math.PI) / len;
    for (let i = 0; i < n; i += len) {
      for (let k = 0; k < len / 2; k++) {
        const wr = Math.cos(ang * k);
        const wi = Math.sin(ang * k);
        const a = i + k;
        const b = a + len / 2;
        const xr = re[b]! * wr - im[b]! * wi;
        const xi = re[b]! * wi + im[b]! * wr;
        re[b] = re[a]! - xr;
        im[b] = im[a]! - xi;
        re[a] = re[a]! + xr;
        im[a] = im[a]! + xi;
      }
    }
  }
}

/** Normalised cross-correlation of `needle` against every offset of `hay`: best offset and score. */
function bestMatch(hay: Float32Array, needle: Float32Array): { seconds: number; score: number } {
  let n = 1;
  while (n < hay.length + needle.length) n <<= 1;
  const ar = new Float64Array(n);
  const ai = new Float64Array(n);
  const br = new Float64Array(n);
  const bi = new Float64Array(n);
  ar.set(hay);
  br.set(needle);
  fft(ar, ai, false);
  fft(br, bi, false);
  for (let i = 0; i < n; i++) {
    const r = ar[i]! * br[i]! + ai[i]! * bi[i]!;
    const im = ai[i]! * br[i]! - ar[i]! * bi[i]!;
    ar[i] = r;
    ai[i] = im;
  }
  fft(ar, ai, true);
  const prefix = new Float64Array(hay.length + 1);
  for (let i = 0; i < hay.length; i++) prefix[i + 1] = prefix[i]! + hay[i]! * hay[i]!;
  const needleEnergy = needle.reduce((s, x) => s + x * x, 0);
  let best = { seconds: -1, score: -Infinity };
  for (let lag = 0; lag + needle.length <= hay.length; lag++) {
    const energy = prefix[lag + needle.length]! - prefix[lag]!;
    const score = ar[lag]! / n / Math.sqrt(energy * needleEnergy + 1e-12);
    if (score > best.score) best = { seconds: lag / RATE, score };
  }
  return best;
}

/** The middle of the theme excerpt (the first and last second may be faded in an episode). */
function themeChunk(s: SeriesPlan): { from: number; seconds: number; skip: number } {
  const d = s.intro.duration;
  const skip = d >= 3 ? 1 : 0;
  return { from: s.intro.theme.offset + skip, seconds: Math.min(8, d - 2 * skip), skip };
}

describe('corpus build (tiny, rendered)', () => {
  let out: string;
  let result: BuildCorpusResult;
  let labels: Record<string, LabelsJsonEntry>;
  const options: CorpusOptions = {
    seed: 3,
    series: 2,
    episodes: 2,
    minMinutes: 0.5,
    maxMinutes: 0.6,
    maxWidth: 480,
  };
  const lines: string[] = [];
  /** The first build renders the test split only (`--splits test`); the second, the rest. */
  let testOnly: BuildCorpusResult;
  let testOnlyLabels: unknown;

  beforeAll(async () => {
    out = await mkdtemp(join(tmpdir(), 'introdetect-corpus-'));
    testOnly = await buildCorpus({
      media: MEDIA,
      out,
      corpus: options,
      splits: ['test'],
      log: () => {},
    });
    testOnlyLabels = JSON.parse(await readFile(join(out, 'labels.json'), 'utf8'));
    result = await buildCorpus({
      media: MEDIA,
      out,
      corpus: options,
      jobs: 2,
      log: (l) => lines.push(l),
    });
    labels = JSON.parse(await readFile(join(out, 'labels.json'), 'utf8')) as Record<
      string,
      LabelsJsonEntry
    >;
  });

  afterAll(async () => {
    if (out) await rm(out, { recursive: true, force: true });
  });

  it('writes labels.json that agrees with manifest.json and splits.json', async () => {
    const manifest = JSON.parse(await readFile(join(out, 'manifest.json'), 'utf8')) as {
      episodes: Array<{
        id: string;
        file: string;
        duration: number;
        parts: Array<{ kind: string; start: number; end: number }>;
      }>;
    };
    const splits = JSON.parse(await readFile(join(out, 'splits.json'), 'utf8')) as Record<
      string,
      { series: string[] }
    >;
    expect(Object.keys(labels).sort()).toEqual(['s01e01', 's01e02', 's02e01', 's02e02']);
    for (const ep of manifest.episodes) {
      const l = labels[ep.id]!;
      expect(l.file).toBe(ep.file);
      expect(l.duration).toBe(ep.duration);
      const intro = ep.parts.find((p) => p.kind === 'intro');
      expect(l.start === null ? null : parseTimecode(l.start)).toBe(intro ? intro.start : null);
      expect(l.end === null ? null : parseTimecode(l.end)).toBe(intro ? intro.end : null);
      const credits = ep.parts.find((p) => p.kind === 'credits')!;
      expect(parseTimecode(l.credits_start!)).toBe(credits.start);
      expect(parseTimecode(l.credits_end!)).toBe(credits.end);
      expect(splits[l.split!]?.series).toContain(l.series);
    }
  });

  it('writes every episode, as long as its label says', async () => {
    for (const l of Object.values(labels)) {
      const file = join(out, l.file!);
      expect((await stat(file)).size).toBeGreaterThan(10_000);
      const { duration } = await probe(file);
      expect(Math.abs(duration! - l.duration!)).toBeLessThan(0.1);
    }
  });

  it('puts the series theme exactly where the label says the intro starts', async () => {
    const series = new Map(result.plan.series.map((s) => [s.id, s]));
    let checked = 0;
    for (const [id, l] of Object.entries(labels)) {
      if (l.start === null) continue;
      const s = series.get(l.series!)!;
      const chunk = themeChunk(s);
      const needle = await decodeAudio(join(MEDIA, s.intro.theme.file), chunk.from, chunk.seconds);
      const match = bestMatch(await decodeAudio(join(out, l.file!)), needle);
      expect(match.score, id).toBeGreaterThan(0.6);
      expect(Math.abs(match.seconds - chunk.skip - parseTimecode(l.start)), id).toBeLessThanOrEqual(
        0.5,
      );
      checked++;
    }
    expect(checked).toBeGreaterThan(0);
  });

  it('gives different series different intros', async () => {
    const [a, b] = result.plan.series;
    expect(a!.intro.theme).not.toEqual(b!.intro.theme);
    expect(a!.title).not.toBe(b!.title);
    // Series b's theme does not occur in series a's episodes.
    const chunk = themeChunk(b!);
    const needle = await decodeAudio(join(MEDIA, b!.intro.theme.file), chunk.from, chunk.seconds);
    for (const l of Object.values(labels).filter((x) => x.series === a!.id)) {
      expect(bestMatch(await decodeAudio(join(out, l.file!)), needle).score).toBeLessThan(0.5);
    }
  });

  it('renders only the splits asked for, with labels for the whole corpus; a run without finishes the rest', () => {
    const splitOf = new Map(result.plan.series.map((s) => [s.id, s.split]));
    const testIds = result.plan.episodes
      .filter((e) => splitOf.get(e.series) === 'test')
      .map((e) => e.id);
    expect(testIds.length).toBeGreaterThan(0);
    expect(testOnly.built.sort()).toEqual(testIds.sort());
    expect(testOnlyLabels).toEqual(labels);
    expect(result.skipped.sort()).toEqual(testIds.sort());
    expect(result.built).toHaveLength(result.plan.episodes.length - testIds.length);
  });

  it('resumes: a second run with the same seed skips finished episodes and writes the same labels', async () => {
    const again = await buildCorpus({ media: MEDIA, out, corpus: options, log: () => {} });
    expect(again.built).toEqual([]);
    expect(again.skipped).toHaveLength(4);
    expect(JSON.parse(await readFile(join(out, 'labels.json'), 'utf8'))).toEqual(labels);
    await expect(
      buildCorpus({ media: MEDIA, out, corpus: { ...options, seed: 4 }, log: () => {} }),
    ).rejects.toThrow(/other options/);
  });

  it('trains on the corpus and the trained model detects through the CLI (the whole pipeline)', async () => {
    const work = join(out, 'train');
    const train = await execa(
      'node',
      [
        'dist/cli/main.js',
        'train',
        '--labels',
        join(out, 'labels.json'),
        '--mode',
        'vision',
        '--work',
        work,
        '--epochs',
        '1',
        '--set',
        'max_steps=2',
        '--set',
        'min_window=20',
        '--set',
        'max_window=40',
      ],
      { reject: false },
    );
    expect(train.stderr).toMatch(/features \[4\/4\]/);
    expect(train.exitCode, train.stderr).toBe(0);
    const models = join(work, 'models', 'vision');
    for (const f of ['model.json', 'vision-encoder.onnx', 'sequence.onnx'])
      expect(existsSync(join(models, f))).toBe(true);
    const episode = join(out, Object.values(labels)[0]!.file!);
    const detect = await execa(
      'node',
      ['dist/cli/main.js', 'detect', episode, '--models', models],
      { reject: false },
    );
    expect(detect.exitCode, detect.stderr).toBe(0);
    const result = JSON.parse(detect.stdout) as {
      id: string;
      mode: string;
      probabilities: { intro: { values: number[] } };
    };
    expect(result.mode).toBe('vision');
    expect(result.probabilities.intro.values.length).toBeGreaterThan(10);
  }, 600_000);
});

// ---- end to end: every skippable part (`--parts all`, issue 16), rendered ----

/**
 * 32×18 grey frame of `file` at `seconds`: decoded from the start (an input seek in MPEG-TS can
 * land seconds off; these files are tiny).
 */
async function frameAt(file: string, seconds: number): Promise<Uint8Array> {
  const { ffmpeg } = locateFfmpeg();
  const { stdout } = await execa(
    ffmpeg,
    [
      '-v',
      'error',
      '-i',
      file,
      '-ss',
      seconds.toFixed(3),
      '-frames:v',
      '1',
      '-vf',
      'scale=32:18:flags=area,format=gray',
      '-f',
      'rawvideo',
      'pipe:1',
    ],
    { encoding: 'buffer' },
  );
  return new Uint8Array(stdout);
}

const meanAbsDiff = (a: Uint8Array, b: Uint8Array): number =>
  a.reduce((s, x, i) => s + Math.abs(x - (b[i] ?? 0)), 0) / a.length;

describe('corpus build with --parts all --credit-looks all (tiny, rendered)', () => {
  let out: string;
  let result: BuildCorpusResult;
  let labels: Record<string, LabelsJsonEntry>;
  // One series of two 1.2–1.4-min episodes, short profile, the smallest width. Seed 51 plans
  // (from ../shared/media) a preview and credits in episode 1, then a recap (narrated) and credits
  // interrupted by a mid-credits scene in episode 2; the first test says so if the pool changes.
  // Credit looks and stings move no part, so the same seed plans the same parts with them.
  const options: CorpusOptions = {
    seed: 51,
    series: 1,
    episodes: 2,
    minMinutes: 1.2,
    maxMinutes: 1.4,
    maxWidth: 320,
    parts: 'all',
    creditLooks: 'all',
    stings: 'all',
  };

  beforeAll(async () => {
    out = await mkdtemp(join(tmpdir(), 'introdetect-corpus-parts-'));
    result = await buildCorpus({ media: MEDIA, out, corpus: options, log: () => {} });
    labels = JSON.parse(await readFile(join(out, 'labels.json'), 'utf8')) as Record<
      string,
      LabelsJsonEntry
    >;
  });

  afterAll(async () => {
    if (out) await rm(out, { recursive: true, force: true });
  });

  const episode = (n: number) => result.plan.episodes.find((e) => e.number === n)!;
  const part = (n: number, kind: Part['kind']) =>
    episode(n).parts.find((p): p is ScenePart => p.kind === kind);

  it('plans the parts this test checks, and records the option', async () => {
    expect(part(1, 'preview'), 'seed 51 no longer plans a preview in episode 1').toBeDefined();
    expect(part(2, 'recap'), 'seed 51 no longer plans a recap in episode 2').toBeDefined();
    expect(part(2, 'recap')!.voiceOver, 'seed 51 no longer narrates the recap').toBeDefined();
    expect(
      result.plan.episodes.some((e) => e.parts.some((p) => p.kind === 'midcredits')),
      'seed 51 no longer plans a mid-credits scene',
    ).toBe(true);
    const stamp = JSON.parse(await readFile(join(out, 'corpus.json'), 'utf8')) as {
      options: CorpusOptions;
    };
    expect(stamp.options.parts).toBe('all');
    expect(stamp.options.creditLooks).toBe('all');
    expect(stamp.options.stings).toBe('all');
    const pieces = result.plan.episodes.flatMap((e) => e.parts.filter((p) => p.kind === 'credits'));
    expect(pieces.length).toBeGreaterThan(2);
    expect(pieces.every((p) => p.kind === 'credits' && p.look !== undefined)).toBe(true);
  });

  it('writes every episode as long as planned, and labels.json lists every part of the manifest', async () => {
    const { ffprobe } = locateFfmpeg();
    const manifest = JSON.parse(await readFile(join(out, 'manifest.json'), 'utf8')) as {
      episodes: Array<{
        id: string;
        parts: Array<{ kind: Part['kind']; start: number; end: number }>;
      }>;
    };
    for (const ep of result.plan.episodes) {
      const { stdout } = await execa(ffprobe, [
        '-v',
        'error',
        '-show_entries',
        'format=duration',
        '-of',
        'csv=p=0',
        join(out, ep.file),
      ]);
      expect(Math.abs(Number(stdout.trim()) - ep.duration), ep.id).toBeLessThan(0.1);
      const l = labels[ep.id]!;
      expect(l.duration).toBe(ep.duration);
      const m = manifest.episodes.find((e) => e.id === ep.id)!;
      const timed = l.parts!.map((p) => [p.type, parseTimecode(p.start), parseTimecode(p.end)]);
      const kinds: Partial<Record<Part['kind'], string>> = {
        recap: 'recap',
        coldopen: 'coldOpen',
        intro: 'intro',
        preview: 'preview',
        credits: 'credits',
        midcredits: 'midCredits',
        postcredits: 'postCredits',
      };
      for (const p of m.parts) {
        const type = kinds[p.kind];
        if (!type) continue;
        expect(
          timed.some(([t, s, e]) => t === type && Number(s) <= p.start && p.end <= Number(e)),
          `${ep.id} ${p.kind} ${p.start}-${p.end}`,
        ).toBe(true);
      }
      const credits = m.parts.filter((p) => p.kind === 'credits');
      expect(parseTimecode(l.credits_start!)).toBe(credits[0]!.start);
      expect(parseTimecode(l.credits_end!)).toBe(credits.at(-1)!.end);
    }
  });

  it("shows the next episode's footage in the preview, where the plan took it from", async () => {
    const preview = part(1, 'preview')!;
    const next = episode(2);
    let t = preview.start;
    const same: number[] = [];
    const other: number[] = [];
    for (const [i, shot] of preview.shots.entries()) {
      const src = preview.sources![i]!;
      expect(src.episode).toBe(next.id);
      const mid = Math.min(1, shot.seconds / 2);
      const here = await frameAt(join(out, episode(1).file), t + mid);
      same.push(meanAbsDiff(here, await frameAt(join(out, next.file), src.scene + src.at + mid)));
      // The same moment of the next episode's credits: footage that is not this shot.
      other.push(meanAbsDiff(here, await frameAt(join(out, next.file), next.credits!.start + 1)));
      t += shot.seconds;
    }
    for (const [i, d] of same.entries()) {
      expect(d, `preview shot ${i}`).toBeLessThan(12);
      expect(d, `preview shot ${i}`).toBeLessThan(other[i]!);
    }
  });

  it("speaks the narrator's line over the start of the recap", async () => {
    const recap = part(2, 'recap')!;
    const vo = recap.voiceOver!;
    const line = await speechFile(vo.cue.source, MEDIA, join(out, '.cache'));
    const needle = await decodeAudio(line, 0, 1.2);
    const hay = await decodeAudio(join(out, episode(2).file), recap.start, recap.duration);
    const match = bestMatch(hay, needle);
    expect(match.score).toBeGreaterThan(0.5);
    expect(Math.abs(match.seconds - vo.cue.at)).toBeLessThan(0.15);
  });
});
