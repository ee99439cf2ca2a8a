import type { EpisodeLabel, PartType } from '../labels/types.js';
import {
  scoreEpisodeKind,
  scoreEpisodeParts,
  scoreMidCredits,
  type EpisodeKindScore,
  type MidCreditsScore,
} from './episodeScore.js';
import { matchEpisodes } from './matchEpisodes.js';
import { predictedPieces } from './predictedParts.js';
import type { EpisodePrediction } from './predictionTypes.js';
import { errorStats, mean, ratio, type ErrorStats } from './stats.js';

export type Kind = 'intro' | 'credits';
export const KINDS: readonly Kind[] = ['intro', 'credits'];

/**
 * The other parts eval scores, with the same metrics as the intro and credits: labels' `parts`
 * of that type against predictions' `segments` of that type. (`midCredits` has its own metric:
 * `EvalMetrics.midCredits`.)
 */
export type PartKind = Exclude<PartType, Kind | 'midCredits'>;
export const PART_KINDS: readonly PartKind[] = ['recap', 'preview', 'coldOpen', 'postCredits'];

/** Every kind with a row of metrics. */
export type ScoredKind = Kind | PartKind;

export interface Share {
  hits: number;
  of: number;
  /** hits / of, or null when `of` is 0. */
  share: number | null;
}

/** Metrics for one kind (intro, credits, or a part of `PART_KINDS`), at natural class balance. */
export interface KindMetrics {
  /** Matched episodes whose labels say whether they have this kind (not unknown). */
  episodes: number;
  /** Of those, episodes with the interval in the labels, and in the predictions. */
  labelled: number;
  predicted: number;
  /** Per-second confusion counts and scores pooled over all seconds of all episodes. */
  perSecond: {
    tp: number;
    fp: number;
    fn: number;
    tn: number;
    precision: number | null;
    recall: number | null;
    f1: number | null;
    accuracy: number | null;
  };
  /** Mean per-episode IoU (both empty = 1, one empty = 0). */
  meanIoU: number | null;
  /** Absolute boundary errors over episodes where label and prediction both have it. */
  startError: ErrorStats;
  endError: ErrorStats;
  /**
   * Episodes with both boundaries within ±0.5 s (to the frame: `detect --refine`) / ±1 s /
   * ±2 s / ±3 s, over episodes labelled with it.
   */
  withinHalf: Share;
  within1s: Share;
  within2s: Share;
  within3s: Share;
  /** Interval-level F1: a prediction is a hit when both boundaries are within 1 s. */
  f1At1s: { hits: number; precision: number | null; recall: number | null; f1: number | null };
  /** Episode-level presence: does the episode have this kind at all? */
  presence: {
    tp: number;
    fp: number;
    fn: number;
    tn: number;
    precision: number | null;
    recall: number | null;
  };
}

export interface EpisodeResult {
  /** The label's video id. */
  id: string;
  /** The matched prediction's id; absent for a missing one scored as empty. */
  predictionId?: string;
  file?: string;
  duration: number;
  /** Absent when the labels do not say (e.g. credits in the seeds' labels.json). */
  intro?: EpisodeKindScore;
  credits?: EpisodeKindScore;
  /**
   * Only when the label lists its parts: each part kind some label of the set has (an episode
   * without that part scores as "none").
   */
  parts?: Partial<Record<PartKind, EpisodeKindScore>>;
  /** Only when the label has a mid-credits scene: how much of it the predicted credits cover. */
  midCredits?: MidCreditsScore;
}

export interface EvalMetrics {
  episodes: {
    labelled: number;
    predictions: number;
    matched: number;
    /** Label ids without a prediction: excluded from the metrics unless `missingAsEmpty`. */
    missing: string[];
    /** Prediction ids that match no label: ignored. */
    unlabelled: string[];
  };
  intro: KindMetrics;
  credits: KindMetrics;
  /**
   * The other parts, scored over episodes whose labels list their parts; only the kinds that
   * some label of the set has (none: `{}`).
   */
  parts: Partial<Record<PartKind, KindMetrics>>;
  /**
   * Episodes whose labels have a mid-credits scene (`of`), and those where no second of it lies
   * inside a predicted credits piece (`hits`: "skip credits" would not skip it). Absent when no
   * label has one.
   */
  midCredits?: Share;
  perEpisode: EpisodeResult[];
  warnings: string[];
}

export interface MetricsOptions {
  /**
   * Score labelled episodes that have no prediction as "nothing found" (needs the label's
   * duration) instead of leaving them out. Either way they are listed in `missing`.
   */
  missingAsEmpty?: boolean;
}

/** Matches predictions to labels and computes every metric `introdetect eval` reports. */
export function computeMetrics(
  labels: readonly EpisodeLabel[],
  preds: readonly EpisodePrediction[],
  options: MetricsOptions = {},
): EvalMetrics {
  const match = matchEpisodes(labels, preds);
  const warnings = [...match.warnings];
  if (match.matched.length === 0 && preds.length > 0 && labels.length > 0) {
    warnings.push(
      "no prediction matched a label: check that prediction ids (or file names) are the labels' video ids.",
    );
  }
  const partKinds = PART_KINDS.filter((kind) =>
    labels.some((l) => l.parts?.some((p) => p.type === kind)),
  );
  const pairs = match.matched.map((m) => ({ ...m, real: true }));
  if (options.missingAsEmpty) {
    for (const id of match.missing) {
      const label = labels.find((l) => l.id === id)!;
      if (label.duration === undefined) {
        warnings.push(`video ${id}: no prediction and no duration in the labels; left out.`);
        continue;
      }
      const pred = { id, duration: label.duration, intro: null, credits: null };
      pairs.push({ label, pred, real: false });
    }
  }
  const perEpisode: EpisodeResult[] = pairs.map(({ label, pred, real }) => {
    const duration = label.duration ?? pred.duration;
    if (label.duration !== undefined && Math.abs(label.duration - pred.duration) > 2) {
      warnings.push(
        `video ${label.id}: labelled duration ${label.duration} s but predicted over ${pred.duration} s; scored over the labelled duration (wrong file?).`,
      );
    }
    const row: EpisodeResult = { id: label.id, duration };
    if (real) row.predictionId = pred.id;
    const file = pred.file ?? label.file;
    if (file !== undefined) row.file = file;
    for (const kind of KINDS) {
      if (label[kind] !== undefined)
        row[kind] = scoreEpisodeKind(label[kind], pred[kind], duration);
    }
    if (label.parts !== undefined) {
      const parts: Partial<Record<PartKind, EpisodeKindScore>> = {};
      for (const kind of partKinds) {
        const labelled = label.parts.filter((p) => p.type === kind);
        parts[kind] = scoreEpisodeParts(labelled, predictedPieces(pred, kind), duration);
      }
      if (partKinds.length > 0) row.parts = parts;
      const scenes = label.parts.filter((p) => p.type === 'midCredits');
      if (scenes.length > 0)
        row.midCredits = scoreMidCredits(scenes, predictedPieces(pred, 'credits'), duration);
    }
    return row;
  });
  const withScene = perEpisode.flatMap((e) => e.midCredits ?? []);
  return {
    episodes: {
      labelled: labels.length,
      predictions: preds.length,
      matched: match.matched.length,
      missing: match.missing,
      unlabelled: match.unlabelled,
    },
    intro: aggregate(perEpisode.flatMap((e) => (e.intro ? [e.intro] : []))),
    credits: aggregate(perEpisode.flatMap((e) => (e.credits ? [e.credits] : []))),
    parts: Object.fromEntries(
      partKinds.map((kind) => [kind, aggregate(perEpisode.flatMap((e) => e.parts?.[kind] ?? []))]),
    ),
    ...(withScene.length > 0
      ? {
          midCredits: share(
            withScene.filter((s) => s.insideCredits === 0).length,
            withScene.length,
          ),
        }
      : {}),
    perEpisode,
    warnings,
  };
}

/** Pools per-episode scores of one kind into `KindMetrics`. */
function aggregate(scores: readonly EpisodeKindScore[]): KindMetrics {
  const sum = (f: (s: EpisodeKindScore) => number): number =>
    scores.reduce((acc, s) => acc + f(s), 0);
  const tp = sum((s) => s.tp);
  const fp = sum((s) => s.fp);
  const fn = sum((s) => s.fn);
  const tn = sum((s) => s.tn);
  const both = scores.filter((s) => s.startError !== null && s.endError !== null);
  const labelled = scores.filter((s) => s.label !== null).length;
  const predicted = scores.filter((s) => s.pred !== null).length;
  const within = (tol: number): number =>
    both.filter((s) => s.startError! <= tol + 1e-9 && s.endError! <= tol + 1e-9).length;
  const hits1 = within(1);
  const p1 = ratio(hits1, predicted);
  const r1 = ratio(hits1, labelled);
  const presTp = both.length;
  const presFp = predicted - presTp;
  const presFn = labelled - presTp;
  return {
    episodes: scores.length,
    labelled,
    predicted,
    perSecond: {
      tp,
      fp,
      fn,
      tn,
      precision: ratio(tp, tp + fp),
      recall: ratio(tp, tp + fn),
      f1: ratio(2 * tp, 2 * tp + fp + fn),
      accuracy: ratio(tp + tn, tp + fp + fn + tn),
    },
    meanIoU: mean(scores.map((s) => s.iou)),
    startError: errorStats(both.map((s) => s.startError!)),
    endError: errorStats(both.map((s) => s.endError!)),
    withinHalf: share(within(0.5), labelled),
    within1s: share(hits1, labelled),
    within2s: share(within(2), labelled),
    within3s: share(within(3), labelled),
    f1At1s: {
      hits: hits1,
      precision: p1,
      recall: r1,
      f1: ratio(2 * hits1, predicted + labelled),
    },
    presence: {
      tp: presTp,
      fp: presFp,
      fn: presFn,
      tn: scores.length - presTp - presFp - presFn,
      precision: ratio(presTp, presTp + presFp),
      recall: ratio(presTp, presTp + presFn),
    },
  };
}

function share(hits: number, of: number): Share {
  return { hits, of, share: ratio(hits, of) };
}
