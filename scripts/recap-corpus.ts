/**
 * Builds a small corpus with every part (`parts: 'all'`: recaps, previews, mid-credits
 * scenes; labels.json lists them) from the pool's eval media, for measuring the series step's
 * recaps and previews on footage no model was trained on (`scripts/recap-measure.ts`). The
 * `introdetect corpus` command has no `--parts` option yet; this calls the library.
 *
 *   npx tsx scripts/recap-corpus.ts --out .cache/recap-parts-dev --seed 16 [--series 16] \
 *     [--episodes 3] [--media .cache/pool] [--use eval|train|all] [--jobs 1]
 */
import { parseArgs } from 'node:util';
import { buildCorpus } from '../src/corpus/buildCorpus.js';
import type { MediaUse } from '../src/corpus/types.js';

const { values } = parseArgs({
  options: {
    out: { type: 'string' },
    seed: { type: 'string' },
    series: { type: 'string', default: '16' },
    episodes: { type: 'string', default: '3' },
    media: { type: 'string', default: '.cache/pool' },
    use: { type: 'string', default: 'eval' },
    jobs: { type: 'string', default: '1' },
  },
});
if (!values.out || !values.seed) throw new Error('--out DIR and --seed N are required');
const result = await buildCorpus({
  media: values.media,
  out: values.out,
  jobs: Number(values.jobs),
  corpus: {
    seed: Number(values.seed),
    series: Number(values.series),
    episodes: Number(values.episodes),
    minMinutes: 3,
    maxMinutes: 4,
    maxWidth: 640,
    ...(values.use === 'all' ? {} : { use: values.use as MediaUse }),
    parts: 'all',
  },
});
console.error(
  `${result.built.length} built, ${result.skipped.length} already there, ${result.seconds.toFixed(0)} s`,
);
