import { drawFormat } from './formatPlan.js';
import type { Rng } from './rng.js';
import { drawShots } from './shots.js';
import type {
  CorpusOptions,
  IntroDesign,
  MediaFile,
  MediaPool,
  SeriesPlan,
  Split,
  TextFont,
} from './types.js';
import { seriesTitle } from './words.js';

/** Intro length classes (whole seconds); series cycle through them so every corpus mixes them. */
export const INTRO_CLASSES: Record<
  'tiny' | 'short' | 'medium' | 'long',
  readonly [number, number]
> = {
  tiny: [3, 5],
  short: [8, 20],
  medium: [25, 60],
  long: [90, 150],
};

const FONTS: TextFont[] = ['sans-bold', 'serif-bold', 'mono', 'sans-condensed', 'sans-light'];
const COLORS = ['white', '#ffd23f', '#e8e8ff', '#ff6b6b', '#7fffd4', '#f4a261'];
const CARD_SOURCES = ['mandelbrot', 'life', 'cellauto', 'gradients', 'testsrc2', 'noise'] as const;
const PALETTE = [
  '#1d3557',
  '#e63946',
  '#2a9d8f',
  '#264653',
  '#6a4c93',
  '#ff9f1c',
  '#0b132b',
  '#3a86ff',
];

/** The longest intro an episode of `minSeconds` can hold (45 % of it, at least 3 s). */
function maxIntroSeconds(minSeconds: number): number {
  return Math.max(3, Math.floor(minSeconds * 0.45));
}

export interface SeriesDraw {
  index: number;
  introClass: keyof typeof INTRO_CLASSES;
  /** Theme track (assigned so series differ) and a different track for the credits. */
  theme: MediaFile;
  creditsTrack: MediaFile;
  split: Split;
}

/** Draws one series: title, intro design (visuals, theme excerpt), credits look, odds, format. */
export function planSeries(
  rng: Rng,
  pool: MediaPool,
  options: CorpusOptions,
  draw: SeriesDraw,
): SeriesPlan {
  const id = `s${String(draw.index + 1).padStart(2, '0')}`;
  const title = seriesTitle(rng);
  const [lo, hi] = INTRO_CLASSES[draw.introClass];
  const cap = Math.min(
    maxIntroSeconds(options.minMinutes * 60),
    Math.floor(draw.theme.duration - 2),
  );
  const duration = Math.max(3, Math.min(rng.int(lo, hi), cap));
  const themeOffset = rng.round(rng.float(0, Math.max(0, draw.theme.duration - duration - 1)), 2);
  const style = rng.chance(0.55) ? 'montage' : 'titlecard';
  const intro: IntroDesign = {
    style,
    duration,
    title,
    font: rng.pick(FONTS),
    fontColor: rng.pick(COLORS),
    theme: { file: draw.theme.path, offset: themeOffset },
    shots: style === 'montage' ? drawShots(rng, pool.video, duration, 1, 4) : [],
    card:
      style === 'titlecard'
        ? { source: rng.pick(CARD_SOURCES), colorA: rng.pick(PALETTE), colorB: rng.pick(PALETTE) }
        : null,
    titleMotion: rng.pick(['static', 'fade', 'rise'] as const),
  };
  const creditsOffsetMax = Math.max(0, draw.creditsTrack.duration - 100);
  return {
    id,
    title,
    split: draw.split,
    intro,
    creditsMusic: {
      file: draw.creditsTrack.path,
      offset: rng.round(rng.float(0, creditsOffsetMax), 2),
    },
    creditsStyle: rng.chance(0.6) ? 'scroll' : 'cards',
    creditsOverFootage: rng.chance(0.35),
    odds: {
      noIntro: rng.pick([0.1, 0.15, 0.25]),
      coldOpen: rng.pick([0.2, 0.6, 0.9]),
      recap: rng.pick([0, 0.3, 0.6]),
      logo: rng.pick([0, 0.3, 0.7]),
      postCredits: rng.pick([0.1, 0.3]),
    },
    format: drawFormat(rng, options.maxWidth),
  };
}
