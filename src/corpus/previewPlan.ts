import { cutExcerpts, narration, speechLength } from './excerpts.js';
import type { CorpusProfile } from './profiles.js';
import type { Rng } from './rng.js';
import type { EpisodePlan, MediaPool, ScenePart, SeriesPlan } from './types.js';

/**
 * Fills an episode's "next time" preview (planned with its length and place, no footage) with
 * excerpts of the next episode's body shots and the dialogue under them, and the series'
 * narrator over its start if it has one. An episode without a preview is returned as it is.
 */
export function withPreview(
  rng: Rng,
  ep: EpisodePlan,
  next: EpisodePlan,
  pool: MediaPool,
  series: SeriesPlan,
  profile: CorpusProfile,
): EpisodePlan {
  const index = ep.parts.findIndex((p) => p.kind === 'preview');
  const part = ep.parts[index];
  if (part?.kind !== 'preview') return ep;
  const p = profile.parts;
  const cut = cutExcerpts(rng, () => next, part.duration, p.excerpts, speechLength(pool));
  const narrator = series.parts?.narrator;
  const filled: ScenePart = {
    ...part,
    shots: cut.shots,
    speech: cut.speech,
    ...(narrator
      ? { voiceOver: narration(rng, narrator, `Next time on ${series.title}`, p.duckDb) }
      : {}),
    sources: cut.sources,
  };
  return { ...ep, parts: ep.parts.map((q, i) => (i === index ? filled : q)) };
}
