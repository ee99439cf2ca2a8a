import { InvalidArgumentError } from '../errors.js';
import { planEpisode } from './episodePlan.js';
import { withPreview } from './previewPlan.js';
import { CORPUS_PROFILES, corpusProfile } from './profiles.js';
import { Rng } from './rng.js';
import { planSeries } from './seriesPlan.js';
import { drawStudios } from './stings.js';
import { assignSplits } from './splits.js';
import type { CorpusOptions, CorpusPlan, EpisodePlan, MediaPool, SeriesPlan } from './types.js';

export const DEFAULT_CORPUS_OPTIONS: CorpusOptions = {
  seed: 1,
  series: 12,
  episodes: 4,
  minMinutes: 4,
  maxMinutes: 6,
  maxWidth: 640,
};

function validateCorpusOptions(o: CorpusOptions): void {
  const bad = (msg: string): never => {
    throw new InvalidArgumentError(msg);
  };
  if (!Number.isInteger(o.series) || o.series < 1 || o.series > 99)
    bad(`--series must be 1..99, got ${o.series}.`);
  if (!Number.isInteger(o.episodes) || o.episodes < 1 || o.episodes > 99)
    bad(`--episodes must be 1..99, got ${o.episodes}.`);
  if (!Number.isInteger(o.seed) || o.seed < 0)
    bad(`--seed must be a non-negative integer, got ${o.seed}.`);
  if (!(o.minMinutes >= 0.5) || !(o.maxMinutes >= o.minMinutes) || o.maxMinutes > 180)
    bad(
      `Episode length must satisfy 0.5 <= --min-minutes <= --max-minutes <= 180 (got ${o.minMinutes}..${o.maxMinutes}).`,
    );
  if (!(o.maxWidth >= 320)) bad(`--max-width must be at least 320, got ${o.maxWidth}.`);
  if (o.profile !== undefined && !Object.hasOwn(CORPUS_PROFILES, o.profile))
    bad(
      `Unknown --profile "${String(o.profile)}". Valid: ${Object.keys(CORPUS_PROFILES).join(', ')}.`,
    );
  // Options whose one value is `all` (left out: none).
  for (const [value, flag] of [
    [o.parts, '--parts'],
    [o.stings, '--stings'],
    [o.creditLooks, '--credit-looks'],
  ] as const)
    if (value !== undefined && value !== 'all')
      bad(`Unknown ${flag} "${String(value)}". Valid: all (or leave it out).`);
  const floor = corpusProfile(o.profile).minMinutes;
  if (o.minMinutes < floor)
    bad(
      `--profile ${o.profile ?? 'short'} needs --min-minutes >= ${floor} (its intros, cold opens and credits need the room), got ${o.minMinutes}.`,
    );
}

/**
 * The whole corpus plan from the seed and the media pool: pure and deterministic (same seed,
 * same pool, same options → the same plan, down to every offset). With `parts: 'all'` a
 * series' episodes are planned first, then each one's preview is cut from the next one.
 */
export function planCorpus(pool: MediaPool, options: CorpusOptions): CorpusPlan {
  validateCorpusOptions(options);
  const profile = corpusProfile(options.profile);
  const root = new Rng(options.seed);
  const ids = Array.from(
    { length: options.series },
    (_, i) => `s${String(i + 1).padStart(2, '0')}`,
  );
  const splits = assignSplits(ids, root.fork('splits'));
  const themes = root.fork('themes').shuffle(pool.music);
  const classes = root.fork('classes').shuffle(Object.keys(profile.introClasses));
  // Forks: corpora planned without stings draw what they always did.
  const studios =
    options.stings === 'all' ? drawStudios(root.fork('stings'), pool, options.series) : null;
  const series: SeriesPlan[] = [];
  const episodes: EpisodePlan[] = [];
  ids.forEach((id, index) => {
    const theme = themes[index % themes.length];
    const introClass = classes[index % classes.length];
    if (!theme || !introClass) throw new Error('unreachable: empty music pool');
    const rng = root.fork(`series:${id}`);
    const others = pool.music.filter((m) => m.path !== theme.path);
    const planned = planSeries(rng, pool, options, profile, {
      index,
      introClass,
      theme,
      creditsTrack: rng.pick(others),
      split: splits.get(id) ?? 'train',
    });
    const s = studios ? { ...planned, sting: rng.fork('sting').pick(studios) } : planned;
    series.push(s);
    const all = options.parts === 'all';
    const season: EpisodePlan[] = [];
    for (let n = 1; n <= options.episodes; n++) {
      const ep = planEpisode(
        rng.fork(`episode:${n}`),
        pool,
        s,
        n,
        options.minMinutes * 60,
        options.maxMinutes * 60,
        season.at(-1),
        profile,
        all ? { earlier: [...season], hasNext: n < options.episodes } : undefined,
      );
      season.push(ep);
    }
    episodes.push(
      ...(all
        ? season.map((ep, i) => {
            const next = season[i + 1];
            return next
              ? withPreview(rng.fork(`preview:${ep.number}`), ep, next, pool, s, profile)
              : ep;
          })
        : season),
    );
  });
  return { options, series, episodes };
}
