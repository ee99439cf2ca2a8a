/**
 * Credits found per credits look of a `--credit-looks all` corpus, scored by `introdetect
 * eval`'s own metrics (`computeMetrics`: the same credits per-second F1 and recall as
 * `compare`) over the episodes of each layout (full, overScene, squeeze) and over those ending
 * on an instrumental tail, plus how many episodes' credits start no more than 5 s late.
 *
 *   npx tsx scripts/credits-by-look.ts CORPUS_DIR PRED_DIR [PRED_DIR ...]
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CorpusPlan } from '../src/corpus/types.js';
import { computeMetrics } from '../src/eval/metrics.js';
import { readPredictions } from '../src/eval/readPredictions.js';
import { readLabels } from '../src/labels/readLabels.js';

const [corpus, ...predDirs] = process.argv.slice(2);
if (!corpus || predDirs.length === 0)
  throw new Error('usage: credits-by-look.ts CORPUS_DIR PRED_DIR [PRED_DIR ...]');
const { labels } = await readLabels(join(corpus, 'labels.json'));
const manifest = JSON.parse(await readFile(join(corpus, 'manifest.json'), 'utf8')) as Pick<
  CorpusPlan,
  'episodes'
>; // manifest.json: the plan's episodes with their parts
/** Each episode's groups: its credits layout, and `tail` when its credits end on one. */
const groupsOf = new Map(
  manifest.episodes.map((ep) => {
    const pieces = ep.parts.flatMap((p) => (p.kind === 'credits' ? [p] : []));
    const layout = pieces[0]?.look?.layout ?? 'full';
    return [ep.id, pieces.some((p) => (p.look?.tail ?? 0) > 0) ? [layout, 'tail'] : [layout]];
  }),
);
const pct = (v: number | null) => (v === null ? '–' : (100 * v).toFixed(1));
for (const dir of predDirs) {
  const preds = await readPredictions(dir);
  const onTime = computeMetrics(labels, preds).perEpisode.filter(
    (e) => e.credits?.pred && e.credits.label && e.credits.pred.start - e.credits.label.start <= 5,
  ).length;
  process.stdout.write(
    `${dir}: credits starting at most 5 s late: ${onTime} of ${labels.length}\n`,
  );
  for (const group of ['full', 'overScene', 'squeeze', 'tail']) {
    const chosen = labels.filter((l) => groupsOf.get(l.id)?.includes(group));
    if (chosen.length === 0) continue;
    const { perSecond } = computeMetrics(chosen, preds).credits;
    process.stdout.write(
      `  ${group.padEnd(10)} ${String(chosen.length).padStart(3)} episodes  per-second F1 ${pct(perSecond.f1)} %  recall ${pct(perSecond.recall)} %\n`,
    );
  }
}
