import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../src/errors.js';
import { loadModelConfig } from '../../src/fusion/modelConfig.js';
import type { EpisodeLabel } from '../../src/labels/types.js';
import {
  DEFAULT_SERIES,
  parseSeriesConfig,
  seriesConfigOf,
} from '../../src/series/seriesConfig.js';
import { refineSeries, type PrintedEpisode } from '../../src/series/seriesJoiner.js';
import { secondPrint, type SecondPrint } from '../../src/series/secondPrint.js';
import { gridSeries, scoreSeries, tuneSeries } from '../../src/tuning/tuneSeries.js';

/** A second with random picture and sound from a seed (distinct seeds: unrelated seconds). */
function print(seed: number): SecondPrint {
  let s = seed >>> 0;
  const r = () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
  const frame = new Uint8Array(64 * 64 * 3).map(() => Math.floor(r() * 256));
  const mel = new Float32Array(500 * 64).map(() => r() * 10);
  return secondPrint({ t: 0, frame, mel }, 64);
}

/**
 * Two episodes sharing a `length`-s intro (at 10 in e1, at 30 in e2): the model found e1's
 * whole and only the last 3 s of e2's, so only the series step can give e2 its intro.
 */
function season(length: number): Array<PrintedEpisode & { id: string }> {
  const intro = Array.from({ length }, (_, k) => print(900_000 + k));
  const episode = (id: string, at: number, seed: number, found: [number, number]) => {
    const prints = Array.from({ length: 80 }, (_, t) => print(seed * 1000 + t));
    intro.forEach((p, k) => (prints[at + k] = p));
    const values = Array<number>(80).fill(0.01);
    for (let t = at; t < at + length; t++) values[t] = 0.6;
    for (let t = at + 2; t < at + length - 3; t++) if (id === 'e2') values[t] = 0.3;
    return {
      id,
      prints,
      result: {
        id,
        file: `${id}.mkv`,
        duration: 160,
        mode: 'fused' as const,
        intro: { start: found[0], end: found[1], confidence: 0.6 },
        credits: null,
        probabilities: { intro: { from: 0, values }, credits: { from: 80, values: [] } },
        threshold: { intro: 0.4, credits: 0.2 },
      },
    };
  };
  return [
    episode('e1', 10, 1, [10, 10 + length]),
    episode('e2', 30, 2, [30 + length - 3, 30 + length]),
  ];
}

const labelsFor = (length: number): EpisodeLabel[] => [
  { id: 'e1', intro: { start: 10, end: 10 + length }, credits: null },
  { id: 'e2', intro: { start: 30, end: 30 + length }, credits: null },
];

describe('the series block of model.json', () => {
  it('takes the defaults where it is silent, and keeps its source', () => {
    expect(parseSeriesConfig(undefined, 'm')).toEqual(DEFAULT_SERIES);
    const c = parseSeriesConfig({ minRun: 5, source: { how: 'by hand' } }, 'm');
    expect(c).toEqual({ ...DEFAULT_SERIES, minRun: 5, source: { how: 'by hand' } });
  });

  it('refuses a value out of range, naming the field and the fix', () => {
    expect(() => parseSeriesConfig({ audioMin: 1.5 }, 'x/model.json')).toThrow(
      InvalidArgumentError,
    );
    expect(() => parseSeriesConfig({ minRun: 2.5 }, 'x/model.json')).toThrow(
      /x\/model.json: series.minRun must be a whole number.*tune --series/,
    );
    expect(() => parseSeriesConfig([], 'x')).toThrow(/"series" must be an object/);
  });

  it.each(['fused', 'vision'])(
    'ships in models/%s with a recorded source and no absolute path anywhere in model.json',
    (mode) => {
      const dir = `models/${mode}`;
      const config = seriesConfigOf(loadModelConfig(dir));
      expect(config.source).toBeDefined();
      const text = readFileSync(`${dir}/model.json`, 'utf8');
      const strings: string[] = [];
      JSON.parse(text, (_k, v: unknown) => {
        if (typeof v === 'string') strings.push(v);
        return v;
      });
      expect(strings.filter((s) => s.startsWith('/') || /^[A-Za-z]:\\/.test(s))).toEqual([]);
    },
  );

  it('decides what the series step joins: a 6-s intro joins only with a minimum below 6 s', () => {
    const eps = season(6);
    const strict = refineSeries(eps, {}, { ...DEFAULT_SERIES, minRun: 8 });
    expect(strict[1]!.intro).toMatchObject({ start: 33, end: 36 });
    const short = refineSeries(eps, {}, { ...DEFAULT_SERIES, minRun: 4 });
    expect(short[1]!.intro).toMatchObject({ start: 30, end: 36 });
  });
});

describe('tuneSeries', () => {
  it('tries every setting of the grid over the base', () => {
    const all = gridSeries({ minRun: [4, 8], trimSeconds: [0, 1, 2] }, DEFAULT_SERIES);
    expect(all).toHaveLength(6);
    expect(new Set(all.map((c) => `${c.minRun}/${c.trimSeconds}`)).size).toBe(6);
    expect(all.every((c) => c.audioMin === DEFAULT_SERIES.audioMin)).toBe(true);
  });

  it('ranks by the intro objective and finds the shorter minimum a short intro needs', () => {
    const eps = [season(6)];
    const ranked = tuneSeries(labelsFor(6), eps, DEFAULT_SERIES, { minRun: [4, 8] });
    expect(ranked[0]!.config.minRun).toBe(4);
    expect(ranked[0]!.score).toBeGreaterThan(scoreSeries(labelsFor(6), eps, DEFAULT_SERIES).score);
    expect(ranked[0]!.metrics.within1s.share).toBe(1);
  });

  it('counts the repeated stretches that touch no labelled intro', () => {
    const eps = [season(20)];
    expect(scoreSeries(labelsFor(20), eps, DEFAULT_SERIES).offIntro).toBe(0);
    const noIntros = labelsFor(20).map((l) => ({ ...l, intro: null }));
    expect(scoreSeries(noIntros, eps, DEFAULT_SERIES).offIntro).toBe(2);
  });

  it('keeps the current setting when nothing scores strictly higher', () => {
    const eps = [season(20)];
    const base = { ...DEFAULT_SERIES, source: { how: 'by hand' } };
    const ranked = tuneSeries(labelsFor(20), eps, base, { minRun: [8, 10] });
    expect(ranked[0]!.config).toBe(base);
  });
});

describe('tuneSeries ties', () => {
  it('prefer the setting that changes the fewest parameters from the current one', () => {
    const eps = [season(6)];
    // minRun 4 alone already joins the 6-s intro; loosening the match as well changes nothing.
    const ranked = tuneSeries(labelsFor(6), eps, DEFAULT_SERIES, {
      audioMin: [0.85, 0.9],
      minRun: [4, 8],
    });
    expect(ranked[0]!.config).toMatchObject({ minRun: 4, audioMin: DEFAULT_SERIES.audioMin });
  });
});
