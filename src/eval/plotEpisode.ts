import type { Interval } from '../labels/types.js';
import type { EpisodeKindScore } from './episodeScore.js';
import type { Kind } from './metrics.js';
import { KINDS } from './metrics.js';
import type { EpisodePrediction } from './predictionTypes.js';
import { Raster, type Rgba } from './raster.js';

/** Colours of the eval plots (documented in the README). */
export const PLOT_COLOURS: Readonly<
  Record<Kind, { label: Rgba; pred: Rgba; prob: Rgba; threshold: Rgba }>
> = {
  intro: {
    label: { r: 40, g: 160, b: 60 },
    pred: { r: 240, g: 140, b: 20 },
    prob: { r: 20, g: 80, b: 200 },
    threshold: { r: 20, g: 80, b: 200, a: 0.6 },
  },
  credits: {
    label: { r: 0, g: 130, b: 130 },
    pred: { r: 150, g: 60, b: 180 },
    prob: { r: 200, g: 30, b: 30 },
    threshold: { r: 200, g: 30, b: 30, a: 0.6 },
  },
};

const BLACK: Rgba = { r: 0, g: 0, b: 0 };
const GRID: Rgba = { r: 0, g: 0, b: 0, a: 0.12 };
const LEFT = 24;
const RIGHT = 8;
const TOP = 8;
const PLOT_H = 160;
const STRIP_H = 10;

export interface EpisodePlotInput {
  duration: number;
  intro?: EpisodeKindScore;
  credits?: EpisodeKindScore;
  pred: EpisodePrediction;
}

/**
 * Draws one episode: p(t) per kind as a line, each threshold as a dashed line, the labelled
 * intervals as a translucent band over the plot and a strip below it, the predicted
 * intervals as a second band and strip. Ticks every 60 s (longer every 600 s); y ticks at 0,
 * 0.5 and 1.
 */
export function plotEpisode(input: EpisodePlotInput, plotWidth = 1200): Raster {
  const width = LEFT + plotWidth + RIGHT;
  const labelStripY = TOP + PLOT_H + 4;
  const predStripY = labelStripY + STRIP_H + 3;
  const axisY = predStripY + STRIP_H + 2;
  const img = new Raster(width, axisY + 12);
  const span = Math.max(1, input.duration);
  const x = (t: number): number => LEFT + (t / span) * plotWidth;
  const y = (p: number): number => TOP + (1 - Math.min(1, Math.max(0, p))) * (PLOT_H - 1);

  const band = (iv: Interval | null | undefined, c: Rgba, y0: number, y1: number): void => {
    if (iv) img.fillRect(x(iv.start), y0, x(Math.min(iv.end, span)), y1, c);
  };
  for (const kind of KINDS) {
    const score = input[kind];
    const col = PLOT_COLOURS[kind];
    band(score?.label, { ...col.label, a: 0.18 }, TOP, TOP + PLOT_H);
    band(score?.pred ?? input.pred[kind], { ...col.pred, a: 0.18 }, TOP, TOP + PLOT_H);
    band(score?.label, col.label, labelStripY, labelStripY + STRIP_H);
    band(score?.pred ?? input.pred[kind], col.pred, predStripY, predStripY + STRIP_H);
  }
  for (const p of [0, 0.5, 1]) {
    img.dashedHLine(LEFT, LEFT + plotWidth, y(p), GRID, 2);
    img.line(LEFT - 4, y(p), LEFT - 1, y(p), BLACK);
  }
  for (const kind of KINDS) {
    const col = PLOT_COLOURS[kind];
    const thr = input.pred.threshold?.[kind];
    const track = input.pred.probabilities?.[kind];
    if (thr !== undefined && track !== undefined) {
      img.dashedHLine(LEFT, LEFT + plotWidth, y(thr), col.threshold);
    }
    if (track === undefined) continue;
    let prev: [number, number] | undefined;
    track.values.forEach((v, i) => {
      const pt: [number, number] = [x(track.from + i + 0.5), y(v)];
      if (prev) img.line(prev[0], prev[1], pt[0], pt[1], col.prob);
      else img.plot(pt[0], pt[1], col.prob);
      prev = pt;
    });
  }
  img.line(LEFT - 1, TOP, LEFT - 1, axisY, BLACK);
  img.line(LEFT - 1, axisY, LEFT + plotWidth, axisY, BLACK);
  for (let t = 0; t <= span; t += 60) {
    img.line(x(t), axisY, x(t), axisY + (t % 600 === 0 ? 8 : 4), BLACK);
  }
  return img;
}
