import { describe, expect, it } from 'vitest';
import { DEFAULT_DECISION } from '../../src/fusion/decisionConfig.js';
import type { EpisodePrediction } from '../../src/eval/predictionTypes.js';
import type { EpisodeLabel } from '../../src/labels/types.js';
import {
  DEFAULT_GRID,
  gridDecisions,
  scoreDecision,
  tuneDecision,
} from '../../src/tuning/tuneDecision.js';

/** An episode of `n` seconds whose intro is [start, end), and probabilities that are `inside`
 * over the intro, `edge` on the two seconds either side of it, and `outside` elsewhere. */
function episode(
  id: string,
  n: number,
  intro: [number, number] | null,
  p: { inside: number; edge: number; outside: number },
): { label: EpisodeLabel; pred: EpisodePrediction } {
  const values = Array.from({ length: n }, (_, t) => {
    if (!intro) return p.outside;
    const [s, e] = intro;
    if (t >= s && t < e) return p.inside;
    if ((t >= s - 2 && t < s) || (t >= e && t < e + 2)) return p.edge;
    return p.outside;
  });
  return {
    label: {
      id,
      intro: intro ? { start: intro[0], end: intro[1] } : null,
      credits: undefined,
      duration: n,
    },
    pred: {
      id,
      duration: n,
      intro: null,
      credits: null,
      probabilities: { intro: { from: 0, values } },
    },
  };
}

describe('tuning the decision parameters on labelled probabilities', () => {
  const eps = [
    episode('a', 120, [10, 40], { inside: 0.9, edge: 0.45, outside: 0.05 }),
    episode('b', 120, [30, 50], { inside: 0.8, edge: 0.4, outside: 0.1 }),
    episode('c', 120, null, { inside: 0, edge: 0, outside: 0.1 }),
  ];
  const labels = eps.map((e) => e.label);
  const preds = eps.map((e) => e.pred);

  it('tries every combination of the grid once, varying mergeGap only for the mass rule', () => {
    const all = gridDecisions(DEFAULT_GRID, DEFAULT_DECISION.intro);
    const g = DEFAULT_GRID;
    const edges = g.threshold.reduce(
      (n, t) => n + g.edge.filter((e) => e === 0 || e > t).length,
      0,
    );
    const perRule = edges * g.eps.length * g.minPts.length * g.minLength.length;
    expect(all).toHaveLength(perRule * (1 + g.mergeGap.length));
    expect(new Set(all.map((d) => JSON.stringify(d))).size).toBe(all.length);
    expect(all.every((d) => d.span === DEFAULT_DECISION.intro.span)).toBe(true);
  });

  it('finds a threshold or an edge trim above the blurred edges, so both boundaries land exactly', () => {
    const [best] = tuneDecision(labels, preds, 'intro', DEFAULT_DECISION.intro);
    const cut = Math.max(best!.decision.threshold, best!.decision.edge);
    expect(cut).toBeGreaterThanOrEqual(0.45);
    expect(cut).toBeLessThan(0.8);
    expect(best!.metrics.within1s.share).toBe(1);
    expect(best!.metrics.perSecond.f1).toBe(1);
    expect(best!.metrics.presence.precision).toBe(1);
    expect(best!.score).toBe(1);
  });

  it('scores a threshold below the edges lower: the intervals come out two seconds too wide', () => {
    const low = scoreDecision(labels, preds, 'intro', {
      ...DEFAULT_DECISION.intro,
      threshold: 0.3,
    });
    expect(low.metrics.within1s.share).toBe(0);
    expect(low.score).toBeLessThan(1);
  });

  it('returns nothing when no prediction carries probabilities for the target', () => {
    expect(tuneDecision(labels, preds, 'credits', DEFAULT_DECISION.credits)).toEqual([]);
  });
});
