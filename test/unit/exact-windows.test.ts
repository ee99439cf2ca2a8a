import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  exactWindows,
  subtractWindows,
  type ExactWindowOptions,
  unionWindows,
  wellInside,
  type Window,
} from '../../src/fusion/exactWindows.js';

/** Up to three non-overlapping spans in [0, 3000), as detectSpans makes them. */
const spansArb = fc
  .uniqueArray(fc.integer({ min: 0, max: 3000 }), { minLength: 2, maxLength: 6 })
  .map((xs) => xs.sort((a, b) => a - b))
  .map((xs) => {
    const spans: Window[] = [];
    for (let i = 0; i + 1 < xs.length; i += 2) spans.push({ from: xs[i]!, to: xs[i + 1]! });
    return spans;
  });
const optionsArb = fc.record({
  radius: fc.integer({ min: 1, max: 20 }),
  mergeGap: fc.integer({ min: 0, max: 15 }),
});
const windowsArb = fc.array(
  fc
    .tuple(fc.integer({ min: 0, max: 3000 }), fc.integer({ min: 1, max: 60 }))
    .map(([from, len]) => ({ from, to: from + len })),
  { maxLength: 8 },
);
const boundariesArb = fc.array(fc.integer({ min: 0, max: 3000 }), { maxLength: 6 });
/** Checks `check` on random spans, boundaries and options, and the windows made of them. */
const forAllPlans = (
  check: (out: Window[], spans: Window[], boundaries: number[], opts: ExactWindowOptions) => void,
) =>
  fc.assert(
    fc.property(spansArb, boundariesArb, optionsArb, (spans, boundaries, opts) =>
      check(exactWindows(boundaries, spans, opts), spans, boundaries, opts),
    ),
  );
const covers = (ws: readonly Window[], t: number) => ws.some((w) => t >= w.from && t < w.to);
/** The seconds where coverage can change: every window edge and its neighbours. */
const edges = (...lists: Window[][]) =>
  lists.flat().flatMap((w) => [w.from - 1, w.from, w.to - 1, w.to]);

describe('exactWindows: where the exact pass decodes', () => {
  it('covers radius seconds either side of every boundary, cut to the span that holds it', () => {
    forAllPlans((out, spans, boundaries, opts) => {
      for (const b of boundaries) {
        const span = spans.find((s) => b >= s.from && b <= s.to);
        if (!span) continue;
        for (let t = b - opts.radius; t < b + opts.radius; t++) {
          if (t >= span.from && t < span.to) expect(covers(out, t)).toBe(true);
        }
      }
    });
  });

  it('stays inside the spans, sorted, never overlapping, with gaps wider than mergeGap within a span', () => {
    forAllPlans((out, spans, boundaries, opts) => {
      for (const w of out) {
        expect(w.to).toBeGreaterThan(w.from);
        expect(spans.some((s) => w.from >= s.from && w.to <= s.to)).toBe(true);
      }
      for (let i = 1; i < out.length; i++) {
        const [a, b] = [out[i - 1]!, out[i]!];
        expect(b.from).toBeGreaterThanOrEqual(a.to);
        const sameSpan = spans.some(
          (s) => a.from >= s.from && a.to <= s.to && b.from >= s.from && b.to <= s.to,
        );
        if (sameSpan) expect(b.from - a.to).toBeGreaterThan(opts.mergeGap);
      }
    });
  });

  it('decodes no more than the boundaries need plus the merged gaps', () => {
    forAllPlans((out, spans, boundaries, opts) => {
      const inSpans = boundaries.filter((b) => spans.some((s) => b >= s.from && b <= s.to));
      const total = out.reduce((n, w) => n + w.to - w.from, 0);
      expect(total).toBeLessThanOrEqual(new Set(inSpans).size * (2 * opts.radius + opts.mergeGap));
      if (inSpans.length === 0) expect(out).toEqual([]);
    });
  });

  it('ignores boundaries outside every span', () => {
    expect(exactWindows([50], [{ from: 100, to: 200 }], { radius: 5, mergeGap: 2 })).toEqual([]);
    expect(exactWindows([102], [{ from: 100, to: 200 }], { radius: 5, mergeGap: 2 })).toEqual([
      { from: 100, to: 107 },
    ]);
  });

  it('merges an intro start and end that lie close together into one window', () => {
    expect(exactWindows([30, 45], [{ from: 0, to: 700 }], { radius: 6, mergeGap: 8 })).toEqual([
      { from: 24, to: 51 },
    ]);
    expect(exactWindows([30, 60], [{ from: 0, to: 700 }], { radius: 6, mergeGap: 8 })).toEqual([
      { from: 24, to: 36 },
      { from: 54, to: 66 },
    ]);
  });
});

describe('subtractWindows, unionWindows, wellInside', () => {
  it('subtracting leaves exactly the seconds of the windows outside what is done', () => {
    fc.assert(
      fc.property(windowsArb, windowsArb, (ws, done) => {
        const out = subtractWindows(ws, done);
        const wrong = edges(ws, done, out).filter(
          (t) => covers(out, t) !== (covers(ws, t) && !covers(done, t)),
        );
        expect(wrong).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });

  it('the union covers the same seconds with sorted, disjoint, non-touching windows', () => {
    fc.assert(
      fc.property(windowsArb, (ws) => {
        const u = unionWindows(ws);
        for (let i = 1; i < u.length; i++) expect(u[i]!.from).toBeGreaterThan(u[i - 1]!.to);
        const wrong = edges(ws, u).filter((t) => covers(u, t) !== covers(ws, t));
        expect(wrong).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });

  it('a boundary is well inside only with margin seconds of exact frames on both sides', () => {
    const done = [
      { from: 10, to: 20 },
      { from: 20, to: 30 },
    ];
    expect(wellInside(20, done, 3)).toBe(true);
    expect(wellInside(28, done, 3)).toBe(false);
    expect(wellInside(12, done, 3)).toBe(false);
  });
});
