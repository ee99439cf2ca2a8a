/**
 * A pool font for a text style: the plan draws one of the pool's font files (already limited
 * to the corpus's use by scanMediaPool) whose name fits the style, so evaluation episodes
 * letter their titles and credits in families training never saw.
 */
import type { Rng } from '../rng.js';
import type { FontFile, TextFont } from '../types.js';

const name = (f: FontFile): string => f.path.slice(f.path.lastIndexOf('/') + 1);
const serif = (f: FontFile): boolean => /serif/i.test(name(f)) && !/sans/i.test(name(f));

/** Which file names fit a style (Debian font files name their family and weight). */
const FITS: Record<TextFont, (f: FontFile) => boolean> = {
  'sans-bold': (f) => !serif(f) && /(Bold|Black|Heavy)/.test(name(f)),
  'serif-bold': (f) => serif(f) && /(Bold|Black)/.test(name(f)),
  mono: (f) => /Mono/.test(name(f)),
  'sans-condensed': (f) => !serif(f) && /Condensed/.test(name(f)),
  'sans-light': (f) => !serif(f) && /(Light|Thin|Hairline)/.test(name(f)),
};
/** Second choice when the pool has no file of the style: a regular cut of the same kind. */
const NEAR: Record<TextFont, (f: FontFile) => boolean> = {
  'sans-bold': (f) => !serif(f),
  'serif-bold': serif,
  mono: (f) => /Regular/.test(name(f)),
  'sans-condensed': (f) => !serif(f) && /Regular/.test(name(f)),
  'sans-light': (f) => !serif(f) && /Regular/.test(name(f)),
};

/**
 * A font file (path relative to the pool) for `font`, drawn with `rng`: one that fits the
 * style, else a near one, else any; undefined when the pool has no fonts (render with DejaVu).
 */
export function poolFontFor(
  rng: Rng,
  fonts: readonly FontFile[] | undefined,
  font: TextFont,
): string | undefined {
  if (!fonts || fonts.length === 0) return undefined;
  const fit = fonts.filter(FITS[font]);
  const near = fonts.filter(NEAR[font]);
  return rng.pick(fit.length > 0 ? fit : near.length > 0 ? near : [...fonts]).path;
}
