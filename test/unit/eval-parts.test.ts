import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ModeRun } from '../../src/compare/compareModes.js';
import { formatComparison } from '../../src/compare/formatComparison.js';
import { InvalidArgumentError } from '../../src/errors.js';
import { scoreEpisodeKind, scoreEpisodeParts } from '../../src/eval/episodeScore.js';
import { findFailures, formatFailureTable } from '../../src/eval/failureTable.js';
import { formatMetricsTable } from '../../src/eval/formatTable.js';
import { computeMetrics } from '../../src/eval/metrics.js';
import { parsePrediction } from '../../src/eval/parsePrediction.js';
import { predictedPieces } from '../../src/eval/predictedParts.js';
import type { EpisodePrediction, PredictedSegment } from '../../src/eval/predictionTypes.js';
import type { EpisodeLabel, Interval, LabelledPart, PartType } from '../../src/labels/types.js';

// Eval scores every part the labels carry (issue 16): labels' `parts` of a type against
// predictions' `segments` of that type, with the intro's metrics; and the mid-credits share.

const part = (type: PartType, start: number, end: number): LabelledPart => ({ type, start, end });
const seg = (type: PredictedSegment['type'], start: number, end: number): PredictedSegment => ({
  type,
  start,
  end,
  confidence: 0.8,
});

/** A 600-s episode labelled with its parts; intro and credits as the parts say. */
const label = (id: string, parts: LabelledPart[]): EpisodeLabel => {
  const hull = (type: PartType): Interval | null => {
    const of = parts.filter((p) => p.type === type);
    return of.length === 0
      ? null
      : { start: Math.min(...of.map((p) => p.start)), end: Math.max(...of.map((p) => p.end)) };
  };
  return { id, duration: 600, intro: hull('intro'), credits: hull('credits'), parts };
};

const pred = (
  id: string,
  segments: PredictedSegment[] | undefined,
  extra: Partial<EpisodePrediction> = {},
): EpisodePrediction => ({
  id,
  duration: 600,
  intro: { start: 40, end: 70, confidence: 0.9 },
  credits: { start: 540, end: 600, confidence: 0.9 },
  ...(segments ? { segments } : {}),
  ...extra,
});

const INTRO = part('intro', 40, 70);
const CREDITS = part('credits', 540, 600);

/**
 * e1: recap [0,30) found as [1,31): both boundaries 1 s off.
 * e2: recap [0,20) found as [0,23) (end 3 s off); preview [570,600) found as [569,600).
 * e3: no recap, but one found at [0,10); preview [560,590) missed.
 * e4: recap [0,30) missed.
 */
const labels = [
  label('e1', [part('recap', 0, 30), INTRO, CREDITS]),
  label('e2', [part('recap', 0, 20), INTRO, CREDITS, part('preview', 570, 600)]),
  label('e3', [INTRO, CREDITS, part('preview', 560, 590)]),
  label('e4', [part('recap', 0, 30), INTRO, CREDITS]),
];
const preds = [
  pred('e1', [seg('recap', 1, 31)]),
  pred('e2', [seg('recap', 0, 23), seg('preview', 569, 600)]),
  pred('e3', [seg('recap', 0, 10)]),
  pred('e4', []),
];

describe('recap and preview, worked by hand', () => {
  const m = computeMetrics(labels, preds);

  it('recap: presence P 2/3 (e3 false), R 2/3 (e4 missed)', () => {
    const r = m.parts.recap!;
    expect(r.episodes).toBe(4);
    expect(r.labelled).toBe(3);
    expect(r.predicted).toBe(3);
    expect(r.presence).toEqual({ tp: 2, fp: 1, fn: 1, tn: 0, precision: 2 / 3, recall: 2 / 3 });
  });

  it('recap: both boundaries within ±2 s on e1 only (e2 ends 3 s late; e4 missed)', () => {
    const r = m.parts.recap!;
    expect(r.within1s).toEqual({ hits: 1, of: 3, share: 1 / 3 });
    expect(r.within2s).toEqual({ hits: 1, of: 3, share: 1 / 3 });
    expect(r.within3s).toEqual({ hits: 2, of: 3, share: 2 / 3 });
    expect(r.startError).toMatchObject({ n: 2, mean: 0.5 });
    expect(r.endError).toMatchObject({ n: 2, mean: 2 });
  });

  it('recap: per-second tp 29+20, fp 1+3+10, fn 1+30', () => {
    const s = m.parts.recap!.perSecond;
    expect(s).toMatchObject({ tp: 49, fp: 14, fn: 31, tn: 4 * 600 - 49 - 14 - 31 });
    expect(s.f1).toBeCloseTo(98 / 143, 12);
  });

  it('preview: presence P 1/1, R 1/2; e2 within ±1 s; F1 60/91', () => {
    const p = m.parts.preview!;
    expect(p.presence).toMatchObject({ tp: 1, fp: 0, fn: 1, precision: 1, recall: 0.5 });
    expect(p.within1s).toEqual({ hits: 1, of: 2, share: 0.5 });
    expect(p.within2s).toEqual({ hits: 1, of: 2, share: 0.5 });
    expect(p.perSecond).toMatchObject({ tp: 30, fp: 1, fn: 30 });
    expect(p.perSecond.f1).toBeCloseTo(60 / 91, 12);
  });

  it('types no label has are left out; no mid-credits share without such scenes', () => {
    expect(Object.keys(m.parts)).toEqual(['recap', 'preview']);
    expect(m.midCredits).toBeUndefined();
    expect(m.perEpisode[0]!.parts).toHaveProperty('recap');
    expect(m.perEpisode[0]!.parts).not.toHaveProperty('coldOpen');
  });

  it('intro and credits score exactly as without parts and segments', () => {
    const plain = computeMetrics(
      labels.map(({ parts: _parts, ...l }) => l),
      preds.map(({ segments: _segments, ...p }) => p),
    );
    expect(m.intro).toEqual(plain.intro);
    expect(m.credits).toEqual(plain.credits);
    expect(plain.parts).toEqual({});
  });

  it('the table prints a row per part the labels have', () => {
    const table = formatMetricsTable(m);
    expect(table).toMatch(/±1s%\s+±2s%\s+±3s%/);
    // eps lab pred, per-second P R F1
    expect(table).toMatch(/\nrecap +4 +3 +3 +77\.8 +61\.3 +68\.5 /);
    expect(table).toMatch(/\npreview +4 +2 +1 +96\.8 +50\.0 +65\.9 /);
    expect(table).not.toMatch(/coldOpen|postCredits|mid-credits/);
  });

  it('the failure table lists the parts’ failures', () => {
    const failures = findFailures(m.perEpisode, preds, 2);
    expect(failures.map((f) => [f.id, f.kind, f.what])).toEqual([
      ['e2', 'recap', 'ends 3 s late'],
      ['e3', 'recap', 'false'],
      ['e3', 'preview', 'missed'],
      ['e4', 'recap', 'missed'],
    ]);
    expect(formatFailureTable(failures, 2)).toMatch(/\| e3 +\| preview \| 560–590 +\| none/);
  });

  it('a prediction without segments has no recap or preview (old results: intro/credits)', () => {
    const m2 = computeMetrics(labels, [pred('e1', undefined)]);
    expect(m2.parts.recap).toMatchObject({ episodes: 1, labelled: 1, predicted: 0 });
    expect(predictedPieces(pred('e1', undefined), 'credits')).toEqual([
      { start: 540, end: 600, confidence: 0.9 },
    ]);
  });
});

describe('scoring several pieces', () => {
  it('with one piece on each side it is the intro and credits scoring', () => {
    const iv = fc
      .tuple(fc.integer({ min: -20, max: 700 }), fc.integer({ min: 1, max: 200 }))
      .map(([s, l]) => ({ start: s / 2, end: (s + l) / 2 }));
    fc.assert(
      fc.property(fc.option(iv), fc.option(iv), fc.integer({ min: 0, max: 600 }), (a, b, d) => {
        expect(scoreEpisodeParts(a ? [a] : [], b ? [b] : [], d)).toEqual(scoreEpisodeKind(a, b, d));
      }),
    );
  });

  it('counts the union of the pieces; boundaries from the first start to the last end', () => {
    const s = scoreEpisodeParts(
      [
        { start: 10, end: 20 },
        { start: 30, end: 40 },
      ],
      [{ start: 12, end: 40 }],
      100,
    );
    expect(s).toMatchObject({ tp: 18, fp: 10, fn: 2, startError: 2, endError: 0 });
    expect(s.label).toEqual({ start: 10, end: 40 });
  });
});

describe('the mid-credits scene', () => {
  // Credits [500,540) and [560,600) around a scene [540,560).
  const parts = [INTRO, part('credits', 500, 540), part('midCredits', 540, 560)];
  const labelsMid = [
    label('clear', [...parts, part('credits', 560, 600)]),
    label('covered', [...parts, part('credits', 560, 600)]),
    label('none', [INTRO, CREDITS]),
  ];
  const credits = { start: 500, end: 600, confidence: 0.9 };
  const predsMid = [
    // Two credits pieces that leave the scene out.
    pred('clear', [seg('intro', 40, 70), seg('credits', 500, 540), seg('credits', 560, 600)], {
      credits,
    }),
    // One credits piece over all of it (what a result without segments says).
    pred('covered', undefined, { credits }),
    pred('none', undefined),
  ];
  const m = computeMetrics(labelsMid, predsMid);

  it('is the share of episodes with such a scene where no second of it is in the credits', () => {
    expect(m.midCredits).toEqual({ hits: 1, of: 2, share: 0.5 });
    expect(m.perEpisode.map((e) => e.midCredits?.insideCredits)).toEqual([0, 20, undefined]);
  });

  it('credits pieces that no longer span the credits give way to them', () => {
    const stale = pred('clear', [seg('credits', 500, 540), seg('credits', 560, 590)], {
      credits,
    });
    expect(computeMetrics(labelsMid.slice(0, 1), [stale]).midCredits).toEqual({
      hits: 0,
      of: 1,
      share: 0,
    });
  });

  it('is printed, listed as a credits failure, and shown by compare', () => {
    expect(formatMetricsTable(m)).toMatch(
      /\nmid-credits scene outside the predicted credits: 1 of 2 episode\(s\) \(50\.0 %\)\n/,
    );
    const failures = findFailures(m.perEpisode, predsMid);
    expect(failures).toContainEqual(
      expect.objectContaining({
        id: 'covered',
        kind: 'credits',
        label: { start: 540, end: 560 },
        what: 'covers 20 s of the mid-credits scene',
      }),
    );
    const run = (label: string, metrics: ModeRun['metrics']): ModeRun => ({
      mode: 'fused',
      label,
      metrics,
      mediaSeconds: 1800,
      wallSeconds: 60,
      failures: [],
      predictions: [],
    });
    const table = formatComparison([run('fused', m), run('parts', computeMetrics(labels, preds))]);
    expect(table).toMatch(/\nmid-credits scene outside credits % +50\.0 +–\n/);
    expect(table).toMatch(/\nrecap presence P \/ R % +– +66\.7 \/ 66\.7\n/);
    expect(table).toMatch(/\nintro both bounds ±2 s % +100\.0 +100\.0\n/);
  });
});

describe('reading segments from predictions', () => {
  it('takes typed segments and rejects unknown types, listing the valid ones', () => {
    const p = parsePrediction(
      {
        id: 'e',
        duration: 600,
        intro: null,
        credits: null,
        segments: [{ type: 'recap', start: 0, end: 30 }],
      },
      'x',
    );
    expect(p.segments).toEqual([{ type: 'recap', start: 0, end: 30, confidence: 1 }]);
    const bad = (segments: unknown) => () =>
      parsePrediction({ id: 'e', duration: 1, intro: null, credits: null, segments }, 'x');
    expect(bad([{ type: 'midCredits', start: 0, end: 1 }])).toThrow(
      /segments\[0\]\.type.*intro, credits, recap, preview, coldOpen, postCredits/,
    );
    expect(bad({})).toThrow(InvalidArgumentError);
    expect(bad([{ type: 'recap', start: 5, end: 1 }])).toThrow(/ends \(1\) before/);
  });
});
