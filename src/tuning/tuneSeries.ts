import { computeMetrics, type KindMetrics } from '../eval/metrics.js';
import type { EpisodePrediction } from '../eval/predictionTypes.js';
import type { EpisodeLabel } from '../labels/types.js';
import { SERIES_PARAMS, type SeriesConfig, type SeriesParam } from '../series/seriesConfig.js';
import { refineSeries, type PrintedEpisode } from '../series/seriesJoiner.js';
import { objective } from './tuneDecision.js';

/** The values tried for each series parameter; a parameter not listed keeps the base's value. */
export type SeriesGrid = Partial<Record<SeriesParam, readonly number[]>>;

/**
 * The default search, for a model with sound (`fused`): the match thresholds, the shortest
 * stretch (down to 4 s, for short title cards, only useful with a stricter match), the sound
 * edge, how much of the intro a stretch must hold and the cut-back. 3 × 3 × 4 × 2 × 3 × 3 =
 * 648 settings.
 */
export const DEFAULT_SERIES_GRID: Readonly<SeriesGrid> = Object.freeze({
  audioMin: [0.85, 0.9, 0.95],
  videoMin: [0.7, 0.8, 0.9],
  minRun: [4, 6, 8, 10],
  soundEdge: [0, 1],
  minOverlap: [0.3, 0.5, 0.7],
  trimSeconds: [0, 1, 2],
});

/** Picture only (`vision`): the sound thresholds mean nothing, the picture-only one decides. */
export const VISION_SERIES_GRID: Readonly<SeriesGrid> = Object.freeze({
  videoOnlyMin: [0.85, 0.9, 0.95],
  minRun: [4, 6, 8, 10],
  maxGap: [1, 2, 3],
  minOverlap: [0.3, 0.5, 0.7],
  trimSeconds: [0, 1, 2],
});

export interface TunedSeries {
  config: SeriesConfig;
  /** The same objective as the decision's: mean of per-second F1, F1 at ±1 s, presence F1. */
  score: number;
  metrics: KindMetrics;
  /**
   * Repeated stretches that touch no labelled intro (a studio logo, a recap, reused footage
   * or music: real repeats, but not the intro). They never add to an intro that no copy calls
   * intro, but players and the review page show them: fewer is better at equal score.
   */
  offIntro: number;
}

/** Every setting of the grid over `base` (the base's own values where the grid is silent). */
export function gridSeries(grid: SeriesGrid, base: SeriesConfig): SeriesConfig[] {
  let out: SeriesConfig[] = [{ ...base }];
  for (const [key, values] of Object.entries(grid) as Array<[SeriesParam, readonly number[]]>) {
    out = out.flatMap((c) => values.map((v) => ({ ...c, [key]: v })));
  }
  return out;
}

/**
 * Scores one series config on seasons detected alone (each inner array one series, in
 * episode order, ids in `ids`): the series step is run again with it and the intros are
 * scored against the labels.
 */
export function scoreSeries(
  labels: readonly EpisodeLabel[],
  seasons: ReadonlyArray<ReadonlyArray<PrintedEpisode & { id: string }>>,
  config: SeriesConfig,
): TunedSeries {
  const refined = seasons.flatMap((season) =>
    refineSeries(season, {}, config).map((result, k) => ({ ...result, id: season[k]!.id })),
  );
  const predictions: EpisodePrediction[] = refined;
  const metrics = computeMetrics(labels, predictions).intro;
  const byId = new Map(labels.map((l) => [l.id, l]));
  let offIntro = 0;
  for (const r of refined) {
    const intro = byId.get(r.id)?.intro;
    for (const s of r.repeated ?? [])
      if (!intro || s.end <= intro.start || s.start >= intro.end) offIntro++;
  }
  return { config, score: objective(metrics), metrics, offIntro };
}

/** How many parameters `c` changes from `base`. */
function changes(c: SeriesConfig, base: SeriesConfig): number {
  return SERIES_PARAMS.filter((k) => c[k] !== base[k]).length;
}

/**
 * Scores `base` and every setting of the grid, best first. Ties keep `base` first, then the
 * settings that change the fewest parameters from it, then those with the fewest repeated
 * stretches off the intro, then the grid's order: a setting
 * replaces the current one only when it scores strictly higher, and then by as little as the
 * validation set asks for.
 */
export function tuneSeries(
  labels: readonly EpisodeLabel[],
  seasons: ReadonlyArray<ReadonlyArray<PrintedEpisode & { id: string }>>,
  base: SeriesConfig,
  grid: SeriesGrid = DEFAULT_SERIES_GRID,
  onProgress?: (done: number, total: number) => void,
): TunedSeries[] {
  const configs = [base, ...gridSeries(grid, base).filter((c) => changes(c, base) > 0)];
  const scored = configs.map((config, i) => {
    onProgress?.(i + 1, configs.length);
    return { r: scoreSeries(labels, seasons, config), i };
  });
  const moved = (x: { r: TunedSeries }) => changes(x.r.config, base);
  return scored
    .sort(
      (a, b) =>
        b.r.score - a.r.score || moved(a) - moved(b) || a.r.offIntro - b.r.offIntro || a.i - b.i,
    )
    .map(({ r }) => r);
}

/** What `--write` records as the block's `source`: enough to re-run and judge it. */
export function seriesSource(args: {
  labels: string;
  split: string;
  seasons: ReadonlyArray<ReadonlyArray<{ id: string }>>;
  labelled: readonly EpisodeLabel[];
  grid: SeriesGrid;
  best: TunedSeries;
  before: TunedSeries;
  mode: string;
  /** How many settings were scored. */
  settings: number;
}): Record<string, unknown> {
  const ids = new Set(args.seasons.flatMap((s) => s.map((e) => e.id)));
  const m = args.best.metrics;
  const round = (v: number | null) => (v === null ? null : Math.round(v * 10000) / 10000);
  return {
    how: 'introdetect tune --series (intro objective: mean of per-second F1, F1 at ±1 s, presence F1)',
    labels: args.labels,
    split: args.split,
    mode: args.mode,
    series: args.seasons.length,
    episodes: ids.size,
    intros: args.labelled.filter((l) => ids.has(l.id) && l.intro).length,
    grid: args.grid,
    settings: args.settings,
    score: round(args.best.score),
    scoreBefore: round(args.before.score),
    perSecondF1: round(m.perSecond.f1),
    f1At1s: round(m.f1At1s.f1),
    within1s: round(m.within1s.share),
    offIntroStretches: args.best.offIntro,
  };
}
