import { drawSeriesCreditsLook } from './creditLooks.js';
import { drawFormat } from './formatPlan.js';
import type { CorpusProfile } from './profiles.js';
import type { Rng } from './rng.js';
import { drawShots } from './shots.js';
import type {
  CorpusOptions,
  IntroDesign,
  MediaFile,
  MediaPool,
  SecondOpening,
  SeriesPlan,
  Split,
  TextFont,
} from './types.js';
import { drawSeriesParts } from './seriesParts.js';
import { seriesTitle } from './words.js';
import { poolFontFor } from './pool/fonts.js';

export const FONTS: TextFont[] = [
  'sans-bold',
  'serif-bold',
  'mono',
  'sans-condensed',
  'sans-light',
];
export const COLORS = ['white', '#ffd23f', '#e8e8ff', '#ff6b6b', '#7fffd4', '#f4a261'];
export const CARD_SOURCES = [
  'mandelbrot',
  'life',
  'cellauto',
  'gradients',
  'testsrc2',
  'noise',
] as const;
export const PALETTE = [
  '#1d3557',
  '#e63946',
  '#2a9d8f',
  '#264653',
  '#6a4c93',
  '#ff9f1c',
  '#0b132b',
  '#3a86ff',
];

/** The longest intro an episode of `minSeconds` can hold (a share of it, at least 3 s). */
function maxIntroSeconds(minSeconds: number, share: number): number {
  return Math.max(3, Math.floor(minSeconds * share));
}

export interface SeriesDraw {
  index: number;
  /** A key of the profile's intro classes. */
  introClass: string;
  /** Theme track (assigned so series differ) and a different track for the credits. */
  theme: MediaFile;
  creditsTrack: MediaFile;
  split: Split;
}

/** An intro length in the class's range, capped by the episodes and the theme track. */
function introSeconds(
  rng: Rng,
  profile: CorpusProfile,
  options: CorpusOptions,
  introClass: string,
  theme: MediaFile,
): number {
  const range = profile.introClasses[introClass];
  if (!range) throw new Error(`unknown intro class ${introClass} in profile ${profile.name}`);
  const [lo, hi] = range;
  const cap = Math.min(
    maxIntroSeconds(options.minMinutes * 60, profile.introShare),
    Math.floor(theme.duration - 2),
    profile.introMax,
  );
  return Math.max(3, Math.min(rng.int(lo, hi), cap));
}

/** One opening's look and sound: montage or title card, font, colour, theme excerpt. */
function drawDesign(
  rng: Rng,
  pool: MediaPool,
  profile: CorpusProfile,
  title: string,
  duration: number,
  theme: MediaFile,
): IntroDesign {
  const themeOffset = rng.round(rng.float(0, Math.max(0, theme.duration - duration - 1)), 2);
  const style = rng.chance(0.55) ? 'montage' : 'titlecard';
  const [shotMin, shotMax] = profile.introShots;
  const font = rng.pick(FONTS);
  // A pool with fonts of the corpus's use letters the title in one of them (a forked draw:
  // plans from pools without fonts stay as they were).
  const fontFile = poolFontFor(rng.fork('font'), pool.fonts, font);
  return {
    style,
    duration,
    title,
    font,
    ...(fontFile !== undefined ? { fontFile } : {}),
    fontColor: rng.pick(COLORS),
    theme: { file: theme.path, offset: themeOffset },
    shots: style === 'montage' ? drawShots(rng, pool.video, duration, shotMin, shotMax) : [],
    card:
      style === 'titlecard'
        ? { source: rng.pick(CARD_SOURCES), colorA: rng.pick(PALETTE), colorB: rng.pick(PALETTE) }
        : null,
    titleMotion: rng.pick(['static', 'fade', 'rise'] as const),
  };
}

/**
 * A second opening, different from the first in music and look: from an episode on (the intro
 * changed mid-season) or on every other episode. Its theme is another track than the first
 * theme and the credits music where the pool has one.
 */
function drawSecondOpening(
  rng: Rng,
  pool: MediaPool,
  profile: CorpusProfile,
  options: CorpusOptions,
  title: string,
  draw: SeriesDraw,
): SecondOpening {
  const others = pool.music.filter(
    (m) => m.path !== draw.theme.path && m.path !== draw.creditsTrack.path,
  );
  const theme = others.length > 0 ? rng.pick(others) : draw.theme;
  const duration = introSeconds(rng, profile, options, draw.introClass, theme);
  const design = drawDesign(rng, pool, profile, title, duration, theme);
  return rng.chance(profile.secondOpening.switchChance)
    ? { design, pattern: 'switch', from: rng.int(2, Math.max(2, options.episodes)) }
    : { design, pattern: 'alternate', from: 2 };
}

/** Whether episode `number` plays the series' second opening. */
export function usesSecondOpening(second: SecondOpening, number: number): boolean {
  if (number < second.from) return false;
  return second.pattern === 'switch' || (number - second.from) % 2 === 0;
}

/**
 * Draws one series: title, intro design (visuals, theme excerpt), credits look, odds, format,
 * and in some series of a profile that has them, a second opening; with `parts: 'all'`, what
 * it does with previews, mid-credits scenes and narrators.
 */
export function planSeries(
  rng: Rng,
  pool: MediaPool,
  options: CorpusOptions,
  profile: CorpusProfile,
  draw: SeriesDraw,
): SeriesPlan {
  const id = `s${String(draw.index + 1).padStart(2, '0')}`;
  // A fork does not advance `rng`: profiles without second openings draw what they always did.
  const second = rng.fork('second-opening');
  const parts = options.parts === 'all' ? drawSeriesParts(rng.fork('parts'), pool, profile) : null;
  const look =
    options.creditLooks === 'all' ? drawSeriesCreditsLook(rng.fork('credit-looks')) : null;
  const title = seriesTitle(rng);
  const duration = introSeconds(rng, profile, options, draw.introClass, draw.theme);
  const intro = drawDesign(rng, pool, profile, title, duration, draw.theme);
  const secondOpening =
    profile.secondOpening.chance > 0 &&
    options.episodes >= 2 &&
    second.chance(profile.secondOpening.chance)
      ? drawSecondOpening(second, pool, profile, options, title, draw)
      : null;
  const creditsOffsetMax = Math.max(0, draw.creditsTrack.duration - 100);
  return {
    id,
    title,
    split: draw.split,
    intro,
    ...(secondOpening ? { secondOpening } : {}),
    creditsMusic: {
      file: draw.creditsTrack.path,
      offset: rng.round(rng.float(0, creditsOffsetMax), 2),
    },
    creditsStyle: rng.chance(0.6) ? 'scroll' : 'cards',
    creditsOverFootage: rng.chance(0.35),
    ...(look ? { creditsLook: look } : {}),
    odds: {
      noIntro: rng.pick(profile.odds.noIntro),
      coldOpen: rng.pick(profile.odds.coldOpen),
      recap: rng.pick(profile.odds.recap),
      logo: rng.pick(profile.odds.logo),
      postCredits: rng.pick(profile.odds.postCredits),
    },
    format: drawFormat(rng, options.maxWidth),
    ...(parts ? { parts } : {}),
  };
}
