import { poolFontFor } from './pool/fonts.js';
import type { Rng } from './rng.js';
import { CARD_SOURCES, COLORS, FONTS, PALETTE } from './seriesPlan.js';
import type { MediaPool, StingDesign } from './types.js';
import { studioName } from './words.js';

/**
 * The studios of a `stings: 'all'` corpus: about one per two series, each with its own sting
 * (name, background, motion, sound), so that "a sting is not the intro" is learned of stings in
 * general, not of one. A music sting takes a few seconds of a pool track (of the corpus's use).
 */
export function drawStudios(rng: Rng, pool: MediaPool, series: number): StingDesign[] {
  const count = Math.max(2, Math.ceil(series / 2));
  return Array.from({ length: count }, () => drawSting(rng, pool));
}

function drawSting(rng: Rng, pool: MediaPool): StingDesign {
  const font = rng.pick(FONTS);
  const fontFile = poolFontFor(rng.fork('font'), pool.fonts, font);
  const kinds: Array<[StingDesign['sound']['kind'], number]> = [
    ['chord', 4],
    ['whoosh', 3],
  ];
  if (pool.music.length > 0) kinds.push(['music', 3]);
  const kind = rng.weighted(kinds);
  let sound: StingDesign['sound'];
  if (kind === 'music') {
    const track = rng.pick(pool.music);
    sound = {
      kind,
      file: track.path,
      offset: rng.round(rng.float(0, Math.max(0, track.duration - 10)), 2),
    };
  } else if (kind === 'whoosh') {
    sound = { kind, color: rng.pick(['pink', 'white', 'brown'] as const) };
  } else
    sound = {
      kind,
      root: rng.round(rng.float(110, 330), 1),
      decay: rng.round(rng.float(0.6, 1.6), 2),
    };
  return {
    studio: studioName(rng),
    card: { source: rng.pick(CARD_SOURCES), colorA: rng.pick(PALETTE), colorB: rng.pick(PALETTE) },
    font,
    ...(fontFile !== undefined ? { fontFile } : {}),
    fontColor: rng.pick(COLORS),
    motion: rng.pick(['fade', 'slide', 'rise'] as const),
    sound,
  };
}
