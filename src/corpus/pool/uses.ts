/**
 * Which material may train models and which only evaluates them, decided by whole source: a
 * film, an album or game package, a speaker, a photo package, a font family. A source is in
 * exactly one use, so an evaluation corpus built from `eval` material holds no footage, music,
 * voice or lettering that training saw.
 */
import { hashString } from '../rng.js';
import type { MediaUse } from '../types.js';

/**
 * The assignment, fixed: about a third of the sources of each kind are `eval`. Keys are the
 * pool manifest's `source` column. Changing a row changes every corpus built from the pool;
 * add rows, do not move them.
 */
export const SOURCE_USES: Readonly<Record<string, MediaUse>> = {
  // Footage (films, sample recordings, photo packages cut into pans and zooms): 2 of 6 eval.
  'film:big-buck-bunny': 'train', // video and music of the same film
  'film:sintel': 'eval',
  'intel-sample-videos': 'train',
  'deb:gnome-backgrounds': 'train',
  'deb:mate-backgrounds': 'train',
  'deb:plasma-workspace-wallpapers': 'eval',
  // Music (one game's soundtrack is one source; Big Buck Bunny's is the film's): 3 of 9 eval.
  'deb:wesnoth-1.16-music': 'train',
  'deb:hedgewars-data': 'eval',
  'deb:warzone2100-music': 'train',
  'deb:neverball': 'train', // neverball-data and neverball-common, one game
  'deb:supertux-data': 'train',
  'deb:freedroidrpg-data': 'eval',
  'deb:xmoto-data': 'train',
  'deb:openclonk-data': 'eval',
  // Speech, by speaker: LJ Speech (one reader, most of the recorded speech) and one
  // LibriSpeech reader train; the other two LibriSpeech readers and the JFK recording are
  // voices training never hears.
  'speaker:ljspeech': 'train',
  'speaker:librispeech-198': 'train',
  'speaker:librispeech-3436': 'eval',
  'speaker:librispeech-5703': 'eval',
  'speaker:jfk-inaugural': 'eval',
  // Fonts, by family (a family's display, condensed and weight cuts go together): 2 of 6 eval.
  'font:dejavu': 'train', // the system fallback (fonts-dejavu-core) the corpus always had
  'font:noto-sans': 'train',
  'font:roboto': 'train',
  'font:cantarell': 'train',
  'font:noto-serif': 'eval',
  'font:lato': 'eval',
};

/**
 * The use of a source: its row in SOURCE_USES, else (a source added later) a fixed hash of its
 * name, `eval` for one in three. Deterministic, and the same for every file of the source.
 */
export function useOfSource(source: string): MediaUse {
  return SOURCE_USES[source] ?? (hashString(`use:${source}`) % 3 === 0 ? 'eval' : 'train');
}

/** Sources of the shared media folder (../shared/media), by path. */
const SHARED_SOURCES: ReadonlyArray<readonly [RegExp, string]> = [
  [/^(video\/bbb_|music\/big_buck_bunny_)/, 'film:big-buck-bunny'],
  [/^video\/sintel_/, 'film:sintel'],
  [/^video\/intel_/, 'intel-sample-videos'],
  [/^music\/wesnoth_/, 'deb:wesnoth-1.16-music'],
  [/^music\/hedgewars_/, 'deb:hedgewars-data'],
  [/^speech\/ljspeech_[^/]*\//, 'speaker:ljspeech'],
  [/^speech\/jfk_/, 'speaker:jfk-inaugural'],
];

/**
 * The source of a file of the shared media folder: a known film, album or speaker, a
 * LibriSpeech reader (the number before the first dash), else the origin its MANIFEST gives.
 */
export function sharedSourceOf(path: string, origin: string): string {
  for (const [pattern, source] of SHARED_SOURCES) if (pattern.test(path)) return source;
  const reader = /^speech\/librispeech_[^/]*\/(\d+)-/.exec(path);
  if (reader) return `speaker:librispeech-${reader[1]}`;
  return origin.trim() === '' ? `file:${path}` : origin.trim();
}
