import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../src/errors.js';
import { scoreEpisodeKind } from '../../src/eval/episodeScore.js';
import { formatMetricsTable } from '../../src/eval/formatTable.js';
import { computeMetrics } from '../../src/eval/metrics.js';
import { plotEpisode, PLOT_COLOURS } from '../../src/eval/plotEpisode.js';
import type { EpisodePrediction } from '../../src/eval/predictionTypes.js';
import { parsePredictionsText, readPredictions } from '../../src/eval/readPredictions.js';
import { median, percentile } from '../../src/eval/stats.js';
import type { EpisodeLabel, Interval } from '../../src/labels/types.js';

const label = (
  id: string,
  intro: Interval | null,
  extra: Partial<EpisodeLabel> = {},
): EpisodeLabel => ({
  id,
  intro,
  credits: undefined,
  ...extra,
});
const pred = (
  id: string,
  duration: number,
  intro: Interval | null,
  extra: Partial<EpisodePrediction> = {},
): EpisodePrediction => ({
  id,
  duration,
  intro: intro && { ...intro, confidence: 0.9 },
  credits: null,
  ...extra,
});

describe('one episode, worked by hand', () => {
  // 10 s; label intro [2,5) = seconds {2,3,4}; predicted [3,6) = {3,4,5}.
  const m = computeMetrics(
    [label('e', { start: 2, end: 5 })],
    [pred('e', 10, { start: 3, end: 6 })],
  );

  it('counts seconds: tp 2 (3,4), fp 1 (5), fn 1 (2), tn 6', () => {
    expect(m.intro.perSecond).toEqual({
      tp: 2,
      fp: 1,
      fn: 1,
      tn: 6,
      precision: 2 / 3,
      recall: 2 / 3,
      f1: 2 / 3,
      accuracy: 0.8,
    });
  });

  it('IoU 2/4, boundary errors 1 s, within ±1 s, F1 at ±1 s = 1', () => {
    expect(m.intro.meanIoU).toBe(0.5);
    expect(m.intro.startError).toEqual({ n: 1, mean: 1, median: 1, p90: 1 });
    expect(m.intro.endError).toEqual({ n: 1, mean: 1, median: 1, p90: 1 });
    expect(m.intro.within1s).toEqual({ hits: 1, of: 1, share: 1 });
    expect(m.intro.within3s).toEqual({ hits: 1, of: 1, share: 1 });
    expect(m.intro.f1At1s).toEqual({ hits: 1, precision: 1, recall: 1, f1: 1 });
    expect(m.intro.presence).toMatchObject({ tp: 1, fp: 0, fn: 0, tn: 0 });
  });

  it('leaves credits out when the labels do not say (seeds labels.json)', () => {
    expect(m.credits.episodes).toBe(0);
    expect(m.credits.perSecond.f1).toBeNull();
    expect(m.credits.meanIoU).toBeNull();
    expect(m.perEpisode[0]?.credits).toBeUndefined();
  });

  it('a 2-s miss on one boundary is within ±3 s but not ±1 s', () => {
    const m2 = computeMetrics(
      [label('e', { start: 2, end: 5 })],
      [pred('e', 10, { start: 2, end: 7 })],
    );
    expect(m2.intro.within1s.share).toBe(0);
    expect(m2.intro.within3s.share).toBe(1);
    expect(m2.intro.f1At1s.f1).toBe(0);
  });
});

describe('several episodes pooled, with empty intros', () => {
  const labels = [
    label('e1', { start: 2, end: 5 }),
    label('e2', null), // no intro, one predicted [0,4): 4 false-positive seconds
    label('e3', { start: 0, end: 3 }), // intro missed; 10.7 s → 10 whole seconds
    label('e4', null), // no intro, none predicted
  ];
  const preds = [
    pred('e1', 10, { start: 3, end: 6 }),
    pred('e2', 20, { start: 0, end: 4 }),
    pred('e3', 10.7, null),
    pred('e4', 10, null),
  ];
  const m = computeMetrics(labels, preds);

  it('pools seconds: tp 2, fp 1+4, fn 1+3, tn 6+16+7+10', () => {
    expect(m.intro.perSecond).toEqual({
      tp: 2,
      fp: 5,
      fn: 4,
      tn: 39,
      precision: 2 / 7,
      recall: 2 / 6,
      f1: 4 / 13,
      accuracy: 41 / 50,
    });
  });

  it('IoU is 1 when both are empty and 0 when one is: mean (0.5 + 0 + 0 + 1) / 4', () => {
    expect(m.perEpisode.map((e) => e.intro?.iou)).toEqual([0.5, 0, 0, 1]);
    expect(m.intro.meanIoU).toBe(0.375);
  });

  it('boundary errors only where both have an intro; a miss fails ±1 s', () => {
    expect(m.intro.startError.n).toBe(1);
    expect(m.intro.within1s).toEqual({ hits: 1, of: 2, share: 0.5 });
    expect(m.intro.f1At1s).toEqual({ hits: 1, precision: 0.5, recall: 0.5, f1: 0.5 });
  });

  it('presence: a predicted intro where there is none is a false positive', () => {
    expect(m.intro.presence).toEqual({ tp: 1, fp: 1, fn: 1, tn: 1, precision: 0.5, recall: 0.5 });
    expect(m.intro.labelled).toBe(2);
    expect(m.intro.predicted).toBe(2);
  });

  it('prints a table with intro and credits rows', () => {
    const table = formatMetricsTable(m);
    expect(table).toMatch(/^episodes: 4 labelled, 4 predictions, 4 matched/);
    expect(table).toMatch(/\nintro +4 +2 +2 +28\.6 +33\.3 +30\.8 +82\.0 +0\.375 /);
    expect(table).toMatch(/\ncredits +0 +0 +0 +– /);
  });
});

describe('boundary error statistics', () => {
  it('mean, median and nearest-rank p90 over episodes', () => {
    const labels = ['a', 'b', 'c'].map((id) => label(id, { start: 10, end: 20 }));
    const preds = [
      pred('a', 100, { start: 11, end: 20 }),
      pred('b', 100, { start: 12, end: 20 }),
      pred('c', 100, { start: 20, end: 30 }),
    ];
    const m = computeMetrics(labels, preds);
    expect(m.intro.startError).toEqual({ n: 3, mean: 13 / 3, median: 2, p90: 10 });
    expect(m.intro.endError).toEqual({ n: 3, mean: 10 / 3, median: 0, p90: 10 });
  });

  it('p90 is sorted[ceil(0.9 n) - 1]; median averages the two middle values', () => {
    const oneToTen = [10, 9, 8, 7, 6, 5, 4, 3, 2, 1];
    expect(percentile(oneToTen, 90)).toBe(9);
    expect(percentile([...oneToTen, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20], 90)).toBe(18);
    expect(percentile([1, 2, 3], 90)).toBe(3);
    expect(percentile([5], 90)).toBe(5);
    expect(percentile([], 90)).toBeNull();
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNull();
  });
});

describe('credits running to the end of the file', () => {
  it('closes an open label end (Infinity) with the duration', () => {
    const l: EpisodeLabel = { id: 'x', intro: null, credits: { start: 580, end: Infinity } };
    const p = pred('x', 612.4, null, { credits: { start: 580, end: 612.4, confidence: 0.8 } });
    const m = computeMetrics([l], [p]);
    // floor(612.4) = 612 seconds; credits are seconds 580..611.
    expect(m.credits.perSecond).toMatchObject({ tp: 32, fp: 0, fn: 0, tn: 580 });
    expect(m.credits.endError).toMatchObject({ mean: 0 });
    expect(m.perEpisode[0]?.credits?.label).toEqual({ start: 580, end: 612.4 });
  });

  it('prefers the labelled duration, and warns when the prediction disagrees', () => {
    const l = label('x', { start: 0, end: 5 }, { duration: 20 });
    const m = computeMetrics([l], [pred('x', 30, { start: 0, end: 5 })]);
    expect(m.perEpisode[0]?.duration).toBe(20);
    expect(m.intro.perSecond.tn).toBe(15);
    expect(m.warnings[0]).toMatch(/video x: labelled duration 20 s/);
  });
});

describe('matching and missing predictions', () => {
  const labels = [
    label('s01e01', { start: 0, end: 5 }),
    label('show1_s01e02', { start: 0, end: 5 }, { file: 'show1/s01e02.mkv' }),
    label('s01e03', { start: 0, end: 5 }, { duration: 10 }),
  ];

  it('matches by id, by the prediction file name, or by the label file name; reports the rest', () => {
    const preds = [
      pred('whatever', 10, { start: 0, end: 5 }, { file: '/media/s01e01.mkv' }),
      pred('s01e02', 10, { start: 0, end: 5 }),
      pred('stray', 10, null),
    ];
    const m = computeMetrics(labels, preds);
    expect(m.episodes).toEqual({
      labelled: 3,
      predictions: 3,
      matched: 2,
      missing: ['s01e03'],
      unlabelled: ['stray'],
    });
    expect(m.perEpisode.map((e) => [e.id, e.predictionId])).toEqual([
      ['s01e01', 'whatever'],
      ['show1_s01e02', 's01e02'],
    ]);
    expect(m.intro.episodes).toBe(2);
    expect(formatMetricsTable(m)).toMatch(/1 labelled episode\(s\) without a prediction: s01e03/);
  });

  it('can score missing episodes as "nothing found" when the labels give a duration', () => {
    const m = computeMetrics(labels, [pred('s01e01', 10, { start: 0, end: 5 })], {
      missingAsEmpty: true,
    });
    expect(m.episodes.missing).toEqual(['show1_s01e02', 's01e03']);
    expect(m.perEpisode.map((e) => e.id)).toEqual(['s01e01', 's01e03']);
    expect(m.intro.presence).toMatchObject({ tp: 1, fn: 1 });
    expect(m.warnings).toEqual([
      'video show1_s01e02: no prediction and no duration in the labels; left out.',
    ]);
  });

  it('keeps the first of two predictions for one episode, with a warning', () => {
    const m = computeMetrics(
      [labels[0]!],
      [pred('s01e01', 10, { start: 0, end: 5 }), pred('s01e01', 10, null)],
    );
    expect(m.intro.perSecond.tp).toBe(5);
    expect(m.warnings).toEqual(['video s01e01: more than one prediction; using the first.']);
  });
});

describe('properties', () => {
  const wholeInterval = (n: number): fc.Arbitrary<Interval> =>
    fc
      .tuple(fc.integer({ min: 0, max: n - 1 }), fc.integer({ min: 1, max: n }))
      .map(([s, len]) => ({ start: s, end: Math.min(n, s + len) }));
  const realInterval = fc
    .tuple(
      fc.double({ min: -5, max: 200, noNaN: true }),
      fc.double({ min: 0, max: 80, noNaN: true }),
    )
    .map(([s, len]) => ({ start: s, end: s + len }));

  it('per-second F1 is 1 exactly when the prediction equals the label', () => {
    fc.assert(
      fc.property(
        fc
          .integer({ min: 1, max: 300 })
          .chain((n) => fc.tuple(fc.constant(n), wholeInterval(n), fc.option(wholeInterval(n)))),
        ([n, l, p]) => {
          const m = computeMetrics([label('e', l)], [pred('e', n, p)]);
          const same = p !== null && p.start === l.start && p.end === l.end;
          expect(m.intro.perSecond.f1 === 1).toBe(same);
          expect(m.intro.meanIoU === 1).toBe(same);
        },
      ),
    );
  });

  it('IoU is symmetric and in [0, 1]; the four counts add up to floor(duration)', () => {
    fc.assert(
      fc.property(
        fc.option(realInterval),
        fc.option(realInterval),
        fc.double({ min: 0, max: 250, noNaN: true }),
        (a, b, d) => {
          const ab = scoreEpisodeKind(a, b, d);
          const ba = scoreEpisodeKind(b, a, d);
          expect(ab.iou).toBe(ba.iou);
          expect(ab.iou).toBeGreaterThanOrEqual(0);
          expect(ab.iou).toBeLessThanOrEqual(1);
          expect(ab.tp + ab.fp + ab.fn + ab.tn).toBe(Math.floor(d));
          expect([ab.fp, ab.fn]).toEqual([ba.fn, ba.fp]);
        },
      ),
    );
  });

  it('F1 at ±1 s lies between 0 and 1 and equals the harmonic mean of its P and R', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.option(wholeInterval(100)), fc.option(wholeInterval(100))), {
          minLength: 1,
          maxLength: 8,
        }),
        (pairs) => {
          const m = computeMetrics(
            pairs.map(([l], i) => label(`e${i}`, l)),
            pairs.map(([, p], i) => pred(`e${i}`, 100, p)),
          );
          const { precision: p, recall: r, f1 } = m.intro.f1At1s;
          if (p !== null && r !== null && p + r > 0)
            expect(f1).toBeCloseTo((2 * p * r) / (p + r), 12);
          if (f1 !== null) expect(f1 >= 0 && f1 <= 1).toBe(true);
        },
      ),
    );
  });
});

describe('prediction files', () => {
  const one = {
    id: 'a',
    duration: 10,
    mode: 'fused',
    intro: { start: 1, end: 3, confidence: 0.9 },
    credits: null,
  };

  it('reads one object, an array, or JSON lines', () => {
    expect(parsePredictionsText(JSON.stringify(one), 'p.json')).toHaveLength(1);
    expect(parsePredictionsText(JSON.stringify([one, { ...one, id: 'b' }]), 'p.json')).toHaveLength(
      2,
    );
    const lines = `${JSON.stringify(one)}\n\n${JSON.stringify({ ...one, id: 'b' })}\n`;
    expect(parsePredictionsText(lines, 'p.jsonl').map((p) => p.id)).toEqual(['a', 'b']);
  });

  it('keeps probabilities and thresholds, and names an id-less prediction after its file', () => {
    const text = JSON.stringify({
      file: 'dir/s01e02.mkv',
      duration: 5,
      intro: null,
      credits: null,
      probabilities: { intro: { from: 0, values: [0.1, 0.9] } },
      threshold: { intro: 0.5 },
    });
    const [p] = parsePredictionsText(text, 'x.json');
    expect(p).toMatchObject({
      id: 's01e02',
      probabilities: { intro: { from: 0, values: [0.1, 0.9] } },
      threshold: { intro: 0.5 },
    });
  });

  it('says what is wrong with a bad prediction', () => {
    const bad =
      (v: unknown): (() => unknown) =>
      () =>
        parsePredictionsText(JSON.stringify(v), 'p.json');
    expect(bad({ ...one, duration: 'x' })).toThrow(InvalidArgumentError);
    expect(bad({ ...one, duration: 'x' })).toThrow(/p\.json: "duration"/);
    expect(bad({ ...one, intro: { start: 5, end: 1 } })).toThrow(/"intro" ends \(1\) before/);
    expect(bad({ ...one, mode: 'audio' })).toThrow(/"mode"/);
    expect(bad([one, { ...one, credits: 3 }])).toThrow(/prediction 2: "credits"/);
    expect(() => parsePredictionsText('{"id":1}\nnot json', 'p.jsonl')).toThrow(/line 1|line 2/);
  });

  it('reads every *.json in a folder, in name order', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'introdetect-pred-'));
    await writeFile(join(dir, 'b.json'), JSON.stringify({ ...one, id: 'b' }));
    await writeFile(join(dir, 'a.json'), JSON.stringify(one));
    await writeFile(join(dir, 'notes.txt'), 'ignored');
    expect((await readPredictions(dir)).map((p) => p.id)).toEqual(['a', 'b']);
    await rm(dir, { recursive: true });
  });
});

describe('episode plot', () => {
  it('draws the labelled and predicted bands and the probability line', () => {
    const img = plotEpisode(
      {
        duration: 600,
        intro: scoreEpisodeKind({ start: 60, end: 120 }, { start: 70, end: 130 }, 600),
        pred: pred(
          'e',
          600,
          { start: 70, end: 130 },
          {
            probabilities: { intro: { from: 0, values: Array.from({ length: 600 }, () => 0.5) } },
            threshold: { intro: 0.8 },
          },
        ),
      },
      600,
    );
    const px = (x: number, y: number): number[] => [
      ...img.data.subarray((y * img.width + x) * 4, (y * img.width + x) * 4 + 3),
    ];
    // Plot x = 24 + t; label strip at y = 8 + 160 + 4 .. +10, predicted strip 3 px below it.
    const { label: lc, pred: pc } = PLOT_COLOURS.intro;
    expect(px(24 + 65, 175)).toEqual([lc.r, lc.g, lc.b]);
    expect(px(24 + 125, 189)).toEqual([pc.r, pc.g, pc.b]);
    expect(px(24 + 300, 175)).toEqual([255, 255, 255]);
    // p = 0.5 everywhere: the line sits at y = 8 + 0.5 · 159.
    const { prob } = PLOT_COLOURS.intro;
    expect(px(24 + 300, Math.round(8 + 0.5 * 159))).toEqual([prob.r, prob.g, prob.b]);
  });
});
