import { describe, expect, it } from 'vitest';
import { EmbeddingRing } from '../../src/live/embeddingRing.js';
import { IntervalTracker, type TrackedEdge } from '../../src/live/intervalTracker.js';
import { backoffDelay } from '../../src/util/backoff.js';

const opts = { threshold: 0.5, minPts: 3, minLength: 5, endGap: 3 };

function feed(probs: number[]): TrackedEdge[] {
  const tr = new IntervalTracker('intro', opts);
  const out = probs.flatMap((p, t) => tr.push(t, p));
  return [...out, ...tr.flush()];
}
const run = (n: number, p: number) => Array<number>(n).fill(p);

describe('IntervalTracker (streaming hysteresis)', () => {
  it('one intro gives exactly one start and one end, at its true edges', () => {
    const edges = feed([...run(10, 0.1), ...run(20, 0.9), ...run(20, 0.1)]);
    expect(edges.map((e) => [e.edge, e.at])).toEqual([
      ['start', 10],
      ['end', 30],
    ]);
    expect(edges[1]!.confidence).toBeCloseTo(0.9, 5);
  });

  it('bridges dips shorter than endGap, splits on longer gaps', () => {
    const dip = feed([...run(10, 0.9), ...run(2, 0.1), ...run(10, 0.9), ...run(10, 0.1)]);
    expect(dip.map((e) => e.at)).toEqual([0, 22]);
    const gap = feed([...run(10, 0.9), ...run(3, 0.1), ...run(10, 0.9), ...run(10, 0.1)]);
    expect(gap.map((e) => [e.edge, e.at])).toEqual([
      ['start', 0],
      ['end', 10],
      ['start', 13],
      ['end', 23],
    ]);
  });

  it('drops runs shorter than minLength and announces nothing for noise', () => {
    expect(feed([...run(4, 0.9), ...run(10, 0.1), 0.9, 0.1, 0.9, ...run(10, 0.1)])).toEqual([]);
  });

  it('announces the start after minLength seconds, the end endGap seconds after it', () => {
    const tr = new IntervalTracker('credits', opts);
    const when: Array<[number, string]> = [];
    const probs = [...run(3, 0.1), ...run(8, 0.8), ...run(6, 0.1)];
    probs.forEach((p, t) => tr.push(t, p).forEach((e) => when.push([t, `${e.edge}@${e.at}`])));
    expect(when).toEqual([
      [7, 'start@3'],
      [13, 'end@11'],
    ]);
  });

  it('many episodes back to back: every intro is found, edges alternate and increase', () => {
    const episode = [...run(30, 0.1), ...run(25, 0.95), ...run(100, 0.05)];
    const edges = feed(Array.from({ length: 8 }, () => episode).flat());
    expect(edges).toHaveLength(16);
    edges.forEach((e, i) => expect(e.edge).toBe(i % 2 === 0 ? 'start' : 'end'));
    for (let i = 1; i < edges.length; i++) expect(edges[i]!.at).toBeGreaterThan(edges[i - 1]!.at);
  });

  it('settledBefore bounds every future edge', () => {
    const tr = new IntervalTracker('intro', opts);
    const probs = [...run(5, 0.1), ...run(12, 0.9), ...run(3, 0.2), ...run(6, 0.9), ...run(9, 0.1)];
    let bound = 0;
    probs.forEach((p, t) => {
      for (const e of tr.push(t, p)) expect(e.at).toBeGreaterThanOrEqual(bound);
      bound = tr.settledBefore;
    });
  });

  it('rejects seconds out of order', () => {
    const tr = new IntervalTracker('intro', opts);
    tr.push(0, 0.1);
    expect(() => tr.push(2, 0.1)).toThrow(RangeError);
  });
});

describe('EmbeddingRing', () => {
  const rows = (from: number, n: number, dim: number) => ({
    data: Float32Array.from({ length: n * dim }, (_, i) => from + Math.floor(i / dim)),
    rows: n,
    cols: dim,
  });

  it('keeps the last `capacity` seconds in time order across wrap-around', () => {
    const ring = new EmbeddingRing(5, 2);
    ring.push(rows(0, 3, 2));
    ring.push(rows(3, 4, 2));
    expect([ring.start, ring.end]).toEqual([2, 7]);
    const w = ring.window(3);
    expect(w.rows).toBe(4);
    expect(Array.from(w.data)).toEqual([3, 3, 4, 4, 5, 5, 6, 6]);
    expect(() => ring.window(1)).toThrow(RangeError);
  });

  it('holds constant memory however many seconds pass', () => {
    const ring = new EmbeddingRing(300, 4);
    for (let t = 0; t < 100_000; t += 50) ring.push(rows(t, 50, 4));
    expect(ring.end).toBe(100_000);
    expect(ring.window(ring.start).rows).toBe(300);
    expect(ring.window(ring.start).data[0]).toBe(100_000 - 300);
  });
});

describe('backoffDelay', () => {
  it('doubles from the base and caps at 30 s', () => {
    expect([1, 2, 3, 4].map((a) => backoffDelay(a, 500))).toEqual([500, 1000, 2000, 4000]);
    expect(backoffDelay(20, 1000)).toBe(30_000);
  });
});
