/**
 * What a corpus plan holds, seed by seed, without rendering anything: part kinds, credits
 * looks (layouts, instrumental tails), studio stings and intros. Used to pick a frozen set's
 * seed from its plan alone, by a rule fixed before any episode exists.
 *
 *   npx tsx scripts/plan-summary.ts --media .cache/pool --use eval --from 3100 --count 20 \
 *     --series 8 --episodes 3 --parts --credit-looks --stings [--profile short]
 */
import { parseArgs } from 'node:util';
import { planCorpus } from '../src/corpus/corpusPlan.js';
import { scanMediaPool } from '../src/corpus/mediaPool.js';
import type { CorpusOptions, CorpusPlan, MediaUse } from '../src/corpus/types.js';
import { locateFfmpeg } from '../src/streams/locateFfmpeg.js';

const { values } = parseArgs({
  options: {
    media: { type: 'string', default: '.cache/pool' },
    use: { type: 'string', default: 'eval' },
    from: { type: 'string', default: '1' },
    count: { type: 'string', default: '10' },
    series: { type: 'string', default: '8' },
    episodes: { type: 'string', default: '3' },
    'min-minutes': { type: 'string' },
    'max-minutes': { type: 'string' },
    profile: { type: 'string', default: 'short' },
    parts: { type: 'boolean', default: false },
    'credit-looks': { type: 'boolean', default: false },
    stings: { type: 'boolean', default: false },
  },
});

/** One plan in numbers: how many of each part kind, credits look and sting the episodes use. */
export function summarisePlan(plan: CorpusPlan): Record<string, number> {
  const counts: Record<string, number> = {};
  const add = (key: string): void => {
    counts[key] = (counts[key] ?? 0) + 1;
  };
  const studios = new Set<string>();
  const sounds = new Set<string>();
  for (const s of plan.series) {
    if (s.sting) {
      studios.add(s.sting.studio);
      sounds.add(s.sting.sound.kind);
    }
  }
  for (const ep of plan.episodes) {
    if (ep.intro) add('intro');
    for (const part of ep.parts) {
      add(`part:${part.kind}`);
      if (part.kind === 'credits' && part.look) {
        add(`credits:${part.look.layout}`);
        if (part.look.tail > 0) add('credits:tail');
      }
    }
  }
  counts['studios'] = studios.size;
  counts['stingSounds'] = sounds.size;
  return counts;
}

const { ffprobe } = locateFfmpeg();
const pool = await scanMediaPool(values.media, ffprobe, { use: values.use as MediaUse });
const from = Number(values.from);
for (let seed = from; seed < from + Number(values.count); seed++) {
  const options: CorpusOptions = {
    seed,
    series: Number(values.series),
    episodes: Number(values.episodes),
    minMinutes: Number(values['min-minutes'] ?? (values.profile === 'broadcast' ? 20 : 4)),
    maxMinutes: Number(values['max-minutes'] ?? (values.profile === 'broadcast' ? 45 : 6)),
    maxWidth: 640,
    use: values.use as MediaUse,
    profile: values.profile as CorpusOptions['profile'],
    ...(values.parts ? { parts: 'all' as const } : {}),
    ...(values['credit-looks'] ? { creditLooks: 'all' as const } : {}),
    ...(values.stings ? { stings: 'all' as const } : {}),
  };
  const counts = summarisePlan(planCorpus(pool, options));
  const line = Object.entries(counts)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
  process.stdout.write(`seed ${seed}: ${line}\n`);
}
