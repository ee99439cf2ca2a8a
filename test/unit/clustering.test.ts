import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { clusterPositives } from '../../src/fusion/clusterPositives.js';
import { decide, decidePieces, trimEdges } from '../../src/fusion/decide.js';
import { DEFAULT_DECISION, type TargetDecision } from '../../src/fusion/decisionConfig.js';
import { mergeClusters, pickInterval } from '../../src/fusion/pickInterval.js';

const LOW = 0.2;
const HIGH = 0.9;

/** Probabilities in [0, 1] (sigmoid outputs), up to 400 seconds. */
const probsArb = fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 400 });

/** A decision whose eps lets consecutive seconds be neighbours and minPts fit in a run. */
const decisionArb: fc.Arbitrary<TargetDecision> = fc
  .record({
    threshold: fc.double({ min: 0.05, max: 0.95, noNaN: true }),
    eps: fc.integer({ min: 2, max: 6 }),
    rule: fc.constantFrom('largest' as const, 'mass' as const),
    mergeGap: fc.integer({ min: 0, max: 20 }),
    minLength: fc.integer({ min: 0, max: 10 }),
    // edge trim below HIGH: a clean run's seconds are never trimmed
    edge: fc.constantFrom(0, 0.3, 0.6, 0.85),
    minPtsFrac: fc.double({ min: 0, max: 1, noNaN: true }),
  })
  .map(({ minPtsFrac, ...d }) => ({
    ...d,
    // An interior second of a run has 2·(eps − 1) + 1 neighbours (distance < eps).
    minPts: 1 + Math.floor(minPtsFrac * 2 * (d.eps - 1)),
    span: 0.5,
    pieceGap: 0,
    minPiece: 5,
  }));

/** Background below LOW with one run [start, start + length) at HIGH or above. */
const cleanRunArb = fc
  .record({
    before: fc.integer({ min: 0, max: 200 }),
    length: fc.integer({ min: 1, max: 200 }),
    after: fc.integer({ min: 0, max: 200 }),
    seed: fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 600, maxLength: 600 }),
  })
  .map(({ before, length, after, seed }) => {
    const probs = Array.from({ length: before + length + after }, (_, i) =>
      i >= before && i < before + length ? HIGH + (1 - HIGH) * seed[i]! : LOW * seed[i]!,
    );
    return { probs, start: before, end: before + length };
  });

describe('clusterPositives', () => {
  it('clusters lie within the probabilities, sorted, and only cover positive seconds at their ends', () => {
    fc.assert(
      fc.property(probsArb, decisionArb, (probs, d) => {
        const clusters = clusterPositives(probs, d.threshold, d.eps, d.minPts);
        let prevEnd = -Infinity;
        for (const c of clusters) {
          expect(c.start).toBeGreaterThanOrEqual(0);
          expect(c.end).toBeLessThanOrEqual(probs.length);
          expect(c.end).toBeGreaterThan(c.start);
          expect(c.start).toBeGreaterThanOrEqual(prevEnd);
          expect(probs[c.start]!).toBeGreaterThan(d.threshold);
          expect(probs[c.end - 1]!).toBeGreaterThan(d.threshold);
          expect(c.count).toBeLessThanOrEqual(c.end - c.start);
          prevEnd = c.end;
        }
      }),
    );
  });

  it('finds nothing when no probability exceeds the threshold', () => {
    fc.assert(
      fc.property(probsArb, decisionArb, (probs, d) => {
        const capped = probs.map((p) => Math.min(p, d.threshold));
        expect(clusterPositives(capped, d.threshold, d.eps, d.minPts)).toEqual([]);
        expect(decide(capped, d)).toBeNull();
      }),
    );
  });

  it('rejects invalid parameters', () => {
    expect(() => clusterPositives([1], 0.5, 0, 1)).toThrow(/eps/);
    expect(() => clusterPositives([1], 0.5, 2, 0)).toThrow(/minPts/);
  });
});

describe('pickInterval / decide', () => {
  it('returns an interval inside the span with confidence in [0, 1], bounded by positive seconds', () => {
    fc.assert(
      fc.property(probsArb, decisionArb, (probs, d) => {
        const hit = decide(probs, d);
        if (hit === null) return;
        expect(hit.start).toBeGreaterThanOrEqual(0);
        expect(hit.end).toBeLessThanOrEqual(probs.length);
        expect(hit.end - hit.start).toBeGreaterThanOrEqual(Math.max(1, d.minLength));
        expect(probs[hit.start]!).toBeGreaterThan(d.threshold);
        expect(probs[hit.end - 1]!).toBeGreaterThan(d.threshold);
        expect(hit.confidence).toBeGreaterThanOrEqual(0);
        expect(hit.confidence).toBeLessThanOrEqual(1);
      }),
    );
  });

  it('returns a single clean run of positives exactly', () => {
    fc.assert(
      fc.property(cleanRunArb, decisionArb, ({ probs, start, end }, d0) => {
        const d = { ...d0, threshold: 0.5 };
        fc.pre(end - start >= Math.max(d.minPts, d.minLength));
        const hit = decide(probs, d);
        expect(hit).not.toBeNull();
        expect([hit!.start, hit!.end]).toEqual([start, end]);
        expect(hit!.confidence).toBeGreaterThan(HIGH - 1e-9);
      }),
    );
  });

  it('is shift-equivariant: k leading negative seconds move the interval by k', () => {
    fc.assert(
      fc.property(probsArb, decisionArb, fc.integer({ min: 0, max: 50 }), (probs, d, k) => {
        const a = decide(probs, d);
        const b = decide([...Array<number>(k).fill(0), ...probs], d);
        if (a === null) expect(b).toBeNull();
        else expect(b).toEqual({ ...a, start: a.start + k, end: a.end + k });
      }),
    );
  });

  it('raising the threshold only shrinks: the interval stays inside the clean run or vanishes', () => {
    fc.assert(
      fc.property(
        cleanRunArb,
        decisionArb,
        fc.double({ min: 0.5, max: 0.999, noNaN: true }),
        ({ probs, start, end }, d, t) => {
          const hit = decide(probs, { ...d, threshold: t });
          if (hit === null) return;
          expect(hit.start).toBeGreaterThanOrEqual(start);
          expect(hit.end).toBeLessThanOrEqual(end);
        },
      ),
    );
  });

  it('never invents an interval: above-max thresholds give null, and so does an empty span', () => {
    fc.assert(
      fc.property(probsArb, decisionArb, (probs, d) => {
        const max = Math.max(0, ...probs);
        fc.pre(max < 1);
        expect(decide(probs, { ...d, threshold: max })).toBeNull();
      }),
    );
    expect(decide([], DEFAULT_DECISION.intro)).toBeNull();
  });

  it('largest picks the most positive seconds; mass prefers a confident run over a longer weak one', () => {
    const probs = [
      ...Array<number>(20).fill(0.55), // long, weak
      ...Array<number>(30).fill(0),
      ...Array<number>(15).fill(0.99), // shorter, confident
    ];
    const base = { ...DEFAULT_DECISION.intro, threshold: 0.5, minLength: 0 };
    expect(decide(probs, { ...base, rule: 'largest' })).toMatchObject({ start: 0, end: 20 });
    expect(decide(probs, { ...base, rule: 'mass' })).toMatchObject({ start: 50, end: 65 });
  });

  it('mass merges clusters closer than mergeGap', () => {
    const probs = [
      ...Array<number>(10).fill(0.9),
      ...Array<number>(6).fill(0),
      ...Array<number>(10).fill(0.9),
    ];
    const base = { ...DEFAULT_DECISION.intro, threshold: 0.5, eps: 2, minPts: 2, minLength: 0 };
    expect(decide(probs, { ...base, rule: 'mass', mergeGap: 6 })).toMatchObject({
      start: 0,
      end: 26,
    });
    expect(decide(probs, { ...base, rule: 'mass', mergeGap: 5 })).toMatchObject({
      start: 0,
      end: 10,
    });
    expect(mergeClusters([], 3)).toEqual([]);
    expect(pickInterval([], probs, { rule: 'largest' })).toBeNull();
  });
});

describe('edge trim', () => {
  const intervalArb = probsArb
    .filter((p) => p.length > 0)
    .chain((probs) =>
      fc
        .tuple(fc.nat({ max: probs.length - 1 }), fc.nat({ max: probs.length - 1 }))
        .map(([a, b]) => ({ probs, start: Math.min(a, b), end: Math.max(a, b) + 1 })),
    );

  it('keeps a sub-interval holding the peak, whose ends reach the edge unless they are the peak', () => {
    fc.assert(
      fc.property(intervalArb, fc.double({ min: 0, max: 1, noNaN: true }), (iv, edge) => {
        const t = trimEdges({ start: iv.start, end: iv.end, confidence: 0 }, iv.probs, edge);
        expect(t.start).toBeGreaterThanOrEqual(iv.start);
        expect(t.end).toBeLessThanOrEqual(iv.end);
        expect(t.end).toBeGreaterThan(t.start);
        const inside = iv.probs.slice(iv.start, iv.end);
        const peak = Math.max(...inside);
        expect(Math.max(...iv.probs.slice(t.start, t.end))).toBe(peak);
        if (iv.probs[t.start]! < edge) expect(iv.probs[t.start]).toBe(peak);
        if (iv.probs[t.end - 1]! < edge) expect(iv.probs[t.end - 1]).toBe(peak);
        expect(t.confidence).toBeGreaterThanOrEqual(0);
        expect(t.confidence).toBeLessThanOrEqual(1);
      }),
    );
  });

  it('cuts blurred edges back to the confident core: 0.4 0.6 | 0.95 0.97 0.96 | 0.7 0.3', () => {
    const probs = [0.05, 0.4, 0.6, 0.95, 0.97, 0.96, 0.7, 0.3, 0.05];
    const loose = { ...DEFAULT_DECISION.intro, threshold: 0.25, eps: 2, minPts: 1, minLength: 0 };
    expect(decide(probs, loose)).toMatchObject({ start: 1, end: 8 });
    expect(decide(probs, { ...loose, edge: 0.9 })).toMatchObject({ start: 3, end: 6 });
  });
});

describe('credits in pieces (decidePieces)', () => {
  /** 1 over each [start, end) run, 0.05 elsewhere, `n` seconds. */
  const track = (n: number, runs: Array<[number, number]>) =>
    Array.from({ length: n }, (_, t) => (runs.some(([a, b]) => t >= a && t < b) ? 1 : 0.05));
  const credits = { ...DEFAULT_DECISION.credits, rule: 'mass' as const, mergeGap: 0 };

  it('one piece while pieceGap is 0: the scene between two credits runs is left out', () => {
    const probs = track(80, [
      [10, 30],
      [45, 70],
    ]);
    const got = decidePieces(probs, credits)!;
    expect(got.pieces).toHaveLength(1);
    expect(got.interval).toEqual(got.pieces[0]);
    expect([10, 45]).toContain(got.interval.start);
  });

  it('credits, a mid-credits scene, credits: two pieces, the interval spans both', () => {
    const probs = track(80, [
      [10, 30],
      [45, 70],
    ]);
    const got = decidePieces(probs, { ...credits, pieceGap: 20 })!;
    expect(got.pieces.map((p) => [p.start, p.end])).toEqual([
      [10, 30],
      [45, 70],
    ]);
    expect([got.interval.start, got.interval.end]).toEqual([10, 70]);
    expect(got.interval.confidence).toBeCloseTo(1, 5);
    expect(decide(probs, { ...credits, pieceGap: 20 })).toEqual(got.interval);
  });

  it('joins pieces in a chain, but not one farther than pieceGap, nor one shorter than minPiece', () => {
    const probs = track(200, [
      [10, 30],
      [40, 60],
      [64, 67], // 3 s: shorter than minPiece
      [75, 95],
      [150, 170], // 55 s after the chain
    ]);
    const got = decidePieces(probs, { ...credits, pieceGap: 15, minPiece: 5 })!;
    expect(got.pieces.map((p) => [p.start, p.end])).toEqual([
      [10, 30],
      [40, 60],
      [75, 95],
    ]);
  });
});
