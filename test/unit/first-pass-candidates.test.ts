import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { candidateRuns } from '../../src/fusion/firstPassCandidates.js';

/**
 * The runs a two-pass detection also decodes exactly: where the first pass (held keyframes)
 * rose towards intro or credits without reaching the threshold.
 */
describe('first-pass candidate runs', () => {
  it('finds a short title card under the threshold, in file seconds', () => {
    const values = [0, 0, 0.03, 0.22, 0.14, 0.14, 0.03, 0, 0];
    expect(candidateRuns({ from: 95, values }, 0.1, 3)).toEqual([
      { start: 98, end: 101, mass: 0.22 + 0.14 + 0.14 },
    ]);
  });

  it('keeps the heaviest runs, the earlier on a tie', () => {
    const values = [0.5, 0, 0.2, 0.2, 0.2, 0, 0.5, 0, 0.9];
    const runs = candidateRuns({ from: 0, values }, 0.1, 3);
    expect(runs.map((r) => [r.start, r.end])).toEqual([
      [8, 9],
      [2, 5],
      [0, 1],
    ]);
  });

  it('returns maximal runs at or above the floor, at most k, heaviest first', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 200 }),
        fc.integer({ min: 0, max: 1000 }),
        fc.double({ min: 0.01, max: 1, noNaN: true }),
        fc.integer({ min: 0, max: 6 }),
        (values, from, minP, k) => {
          const runs = candidateRuns({ from, values }, minP, k);
          expect(runs.length).toBeLessThanOrEqual(k);
          const p = (t: number) => values[t - from] ?? 0;
          for (const r of runs) {
            let mass = 0;
            for (let t = r.start; t < r.end; t++) {
              expect(p(t)).toBeGreaterThanOrEqual(minP);
              mass += p(t);
            }
            expect(r.mass).toBeCloseTo(mass, 9);
            // Maximal: the seconds just outside are below the floor or outside the track.
            if (r.start > from) expect(p(r.start - 1)).toBeLessThan(minP);
            if (r.end < from + values.length) expect(p(r.end)).toBeLessThan(minP);
          }
          for (let i = 1; i < runs.length; i++)
            expect(runs[i]!.mass).toBeLessThanOrEqual(runs[i - 1]!.mass);
          // Every run not returned is no heavier than the lightest returned.
          const all = candidateRuns({ from, values }, minP, values.length + 1);
          if (runs.length === k && k > 0)
            for (const r of all.slice(k)) expect(r.mass).toBeLessThanOrEqual(runs.at(-1)!.mass);
        },
      ),
    );
  });
});
