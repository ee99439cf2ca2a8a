import { BUILT_IN_VOICES } from './builtInVoices.js';
import type { CorpusProfile } from './profiles.js';
import type { Rng } from './rng.js';
import type { MediaPool, Narrator, SeriesParts } from './types.js';

/** A narrator's voice from the pool's voices (the planner's own for a pool without a use). */
function drawNarrator(rng: Rng, pool: MediaPool): Narrator | null {
  const voices = pool.voices ?? BUILT_IN_VOICES;
  const engines = (['espeak-ng', 'flite'] as const).filter((e) => voices[e].length > 0);
  if (engines.length === 0) return null;
  const engine = rng.pick(engines);
  return {
    engine,
    voice: rng.pick(voices[engine]),
    // flite speaks at its own pace; 160 words a minute is what the plan assumes for it.
    rate: engine === 'espeak-ng' ? rng.int(140, 175) : 160,
  };
}

/**
 * What a series of a `parts: 'all'` corpus draws for its parts: whether and how often it
 * previews the next episode (and where), how often its credits are interrupted, and the
 * narrator of its recaps and previews, if any.
 */
export function drawSeriesParts(rng: Rng, pool: MediaPool, profile: CorpusProfile): SeriesParts {
  const p = profile.parts;
  const odds = { preview: rng.pick(p.odds.preview), midCredits: rng.pick(p.odds.midCredits) };
  const previewAt = rng.chance(p.previewBeforeCredits) ? 'beforeCredits' : 'afterCredits';
  const narrator = rng.chance(p.narrator) ? drawNarrator(rng, pool) : null;
  return { odds, previewAt, narrator };
}
