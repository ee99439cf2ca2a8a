import { decide } from '../fusion/decide.js';
import { PICK_RULES, type Target, type TargetDecision } from '../fusion/decisionConfig.js';
import { computeMetrics, type KindMetrics } from '../eval/metrics.js';
import type { EpisodePrediction, ProbabilityTrack } from '../eval/predictionTypes.js';
import type { EpisodeLabel } from '../labels/types.js';

/** The values tried for each decision parameter (the search span is never tuned: it decides
 * which seconds were analysed, and the saved probabilities only cover the span used). */
export interface DecisionGrid {
  threshold: readonly number[];
  eps: readonly number[];
  minPts: readonly number[];
  rule: readonly TargetDecision['rule'][];
  mergeGap: readonly number[];
  minLength: readonly number[];
  edge: readonly number[];
}

export const DEFAULT_GRID: Readonly<DecisionGrid> = Object.freeze({
  threshold: [0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8],
  eps: [2, 3, 5],
  minPts: [1, 3],
  rule: PICK_RULES,
  mergeGap: [0, 5, 10, 20],
  minLength: [0, 5],
  edge: [0, 0.5, 0.7, 0.8, 0.9, 0.95],
});

export interface TunedDecision {
  decision: TargetDecision;
  /** The objective: mean of per-second F1, interval F1 at ±1 s and presence F1 (0 where null). */
  score: number;
  metrics: KindMetrics;
}

/** Presence F1 from its precision and recall (0 when undefined). */
function presenceF1(m: KindMetrics): number {
  const { precision: p, recall: r } = m.presence;
  return p !== null && r !== null && p + r > 0 ? (2 * p * r) / (p + r) : 0;
}

/**
 * The objective tuning maximises for one target. Each part is a figure the model card
 * reports: per-second F1 (how much of the interval is right), F1 at ±1 s (are both
 * boundaries right) and presence F1 (is "no intro" right).
 */
export function objective(m: KindMetrics): number {
  return ((m.perSecond.f1 ?? 0) + (m.f1At1s.f1 ?? 0) + presenceF1(m)) / 3;
}

/** Every decision in the grid, with `base`'s span (mergeGap is only varied for `mass`, and an
 * edge trim is only tried above the threshold). */
export function gridDecisions(grid: DecisionGrid, base: TargetDecision): TargetDecision[] {
  const out: TargetDecision[] = [];
  for (const threshold of grid.threshold)
    for (const eps of grid.eps)
      for (const minPts of grid.minPts)
        for (const rule of grid.rule)
          for (const mergeGap of rule === 'mass' ? grid.mergeGap : [0])
            for (const minLength of grid.minLength)
              for (const edge of grid.edge.filter((e) => e === 0 || e > threshold))
                out.push({
                  threshold,
                  eps,
                  minPts,
                  rule,
                  mergeGap,
                  minLength,
                  edge,
                  span: base.span,
                  pieceGap: base.pieceGap,
                  minPiece: base.minPiece,
                });
  return out;
}

/** Re-decides one prediction's target from its saved probabilities with `decision`. */
function redecide(
  pred: EpisodePrediction,
  target: Target,
  decision: TargetDecision,
): EpisodePrediction {
  const track: ProbabilityTrack | undefined = pred.probabilities?.[target];
  const hit = track ? decide(track.values, decision) : null;
  return {
    ...pred,
    [target]: hit
      ? { start: hit.start + track!.from, end: hit.end + track!.from, confidence: hit.confidence }
      : null,
  };
}

/**
 * Scores one decision for one target: every prediction with saved probabilities is decided
 * again with it (the others are left out).
 */
export function scoreDecision(
  labels: readonly EpisodeLabel[],
  predictions: readonly EpisodePrediction[],
  target: Target,
  decision: TargetDecision,
): TunedDecision {
  const usable = predictions.filter((p) => p.probabilities?.[target] !== undefined);
  const metrics = computeMetrics(
    labels,
    usable.map((p) => redecide(p, target, decision)),
  )[target];
  return { decision, score: objective(metrics), metrics };
}

/**
 * Scores every decision of the grid for one target on labelled predictions that carry their
 * per-second probabilities (`detect --format json` / `compare --pred-dir` write them), and
 * returns them best first. Ties keep the grid's order, which lists lower thresholds, smaller
 * eps and minPts first.
 */
export function tuneDecision(
  labels: readonly EpisodeLabel[],
  predictions: readonly EpisodePrediction[],
  target: Target,
  base: TargetDecision,
  grid: DecisionGrid = DEFAULT_GRID,
): TunedDecision[] {
  if (!predictions.some((p) => p.probabilities?.[target] !== undefined)) return [];
  return gridDecisions(grid, base)
    .map((decision) => scoreDecision(labels, predictions, target, decision))
    .map((r, i) => ({ r, i }))
    .sort((a, b) => b.r.score - a.r.score || a.i - b.i)
    .map(({ r }) => r);
}
