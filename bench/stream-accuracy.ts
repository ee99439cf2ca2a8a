/**
 * The accuracy side of the stream's look-ahead trade-off, on labelled episodes:
 *
 *   tsx bench/stream-accuracy.ts --labels .cache/corpus24/labels.json [--split test]
 *       [--lookahead 0,2,4,8] [--models DIR]
 *
 * Each episode of the split is fed to `detectStream` as a file (the same code path as a live
 * input, minus the waiting) at every look-ahead; its first intro.start/intro.end pair and its
 * last credits pair become a prediction, scored with the eval metrics against the labels. The
 * first row is `detect` on the same files (whole-file context, DBSCAN decision), for reference.
 * The stream sees the whole episode, not only its first half, so an intro event anywhere counts:
 * `extra intros / credits` counts intro intervals after the first and credits before the last.
 */
import { existsSync } from 'node:fs';
import { dirname } from 'node:path';
import { lastValueFrom, toArray } from 'rxjs';
import { computeMetrics, type KindMetrics } from '../src/eval/metrics.js';
import type { EpisodePrediction, PredictedInterval } from '../src/eval/predictionTypes.js';
import { mediaPathOf } from '../src/features/featurizeLabelled.js';
import { detectEpisode } from '../src/fusion/detectEpisode.js';
import { EpisodeModel } from '../src/fusion/episodeModel.js';
import { readLabels } from '../src/labels/readLabels.js';
import { selectSplit } from '../src/labels/selectSplit.js';
import { detectStream } from '../src/live/detectStream.js';
import type { StreamEvent } from '../src/live/streamEvent.js';
import type { Target } from '../src/fusion/decisionConfig.js';
import { flagValue } from './lib/argv.js';

const args = process.argv.slice(2);
const flag = (name: string, fallback: string) => flagValue(args, name, fallback);
const labelsFile = flag('labels', '.cache/corpus24/labels.json');
const split = flag('split', 'test');
const lookaheads = flag('lookahead', '0,2,4,8').split(',').map(Number);
/** The stream's default model: models/live where shipped, else models/fused. */
const models = flag(
  'models',
  existsSync('models/live/model.json') ? 'models/live' : 'models/fused',
);
/** `--episodes`: also print each episode's labelled and found intro per decoder (stderr). */
const perEpisode = args.includes('--episodes');
/** `--min-run 0,3`: also vary the shortest run announced (default: the stream's). */
const minRuns = flag('min-run', '').split(',').filter(Boolean).map(Number);
/** `--end-gap 2,3`: also vary the negatives that close a run (default: the stream's). */
const endGaps = flag('end-gap', '').split(',').filter(Boolean).map(Number);
if (!existsSync(labelsFile)) {
  console.error(
    `${labelsFile} not found: build a corpus first (introdetect corpus) or pass --labels.`,
  );
  process.exit(2);
}

/** Intervals of one target from a stream's events, in order. */
function intervals(events: readonly StreamEvent[], target: Target): PredictedInterval[] {
  const out: PredictedInterval[] = [];
  let start: number | undefined;
  for (const ev of events) {
    if (ev.event === `${target}.start`) start = ev.streamTime;
    else if (ev.event === `${target}.end` && start !== undefined) {
      out.push({ start, end: ev.streamTime, confidence: ev.confidence });
      start = undefined;
    }
  }
  return out;
}

const span = (iv: { start: number; end: number } | null | undefined) =>
  iv ? `${iv.start}-${iv.end}` : 'none';

const pct = (x: number | null) => (x === null ? '–' : `${(100 * x).toFixed(1)}`);
const num = (x: number | null) => (x === null ? '–' : x.toFixed(1));
function row(name: string, m: KindMetrics, credits: KindMetrics, extra: string): string {
  const p = m.presence;
  return [
    name,
    pct(m.perSecond.f1),
    `${pct(m.within1s.share)} / ${pct(m.within3s.share)}`,
    `${num(m.startError.median)} / ${num(m.endError.median)}`,
    `${pct(p.precision)} / ${pct(p.recall)}`,
    pct(credits.perSecond.f1),
    extra,
  ].join('\t');
}

const { labels: all } = await readLabels(labelsFile);
const labels = selectSplit(all, split);
const files = labels.map((l) => mediaPathOf(l, dirname(labelsFile)));
const model = await EpisodeModel.load(models);
console.log(
  `# stream accuracy: ${labels.length} episodes of split ${split} (${labelsFile}), models ${models}`,
);
console.log(
  'decoder\tintro F1 %\t±1 s / ±3 s %\tmedian start / end s\tpresence P / R %\tcredits F1 %\textra intros / credits',
);
try {
  const detected: EpisodePrediction[] = [];
  for (const [i, file] of files.entries()) {
    if (!file) continue;
    const r = await detectEpisode(file, { model });
    detected.push({ ...r, id: labels[i]!.id });
  }
  const d = computeMetrics(labels, detected);
  const probed = new Map(detected.map((p) => [p.id, p.duration]));
  const found = new Map(labels.map((l) => [l.id, [`${l.id}\tlabel ${span(l.intro)}`]]));
  for (const p of detected) found.get(p.id)?.push(`detect ${span(p.intro)}`);
  console.log(row('detect', d.intro, d.credits, '–'));
  const gaps: Array<number | undefined> = endGaps.length ? endGaps : [undefined];
  const runs: Array<number | undefined> = minRuns.length ? minRuns : [undefined];
  const configs = lookaheads.flatMap((L) =>
    gaps.flatMap((endGap) => runs.map((minRun) => ({ L, endGap, minRun }))),
  );
  for (const { L, endGap, minRun } of configs) {
    const name = `stream L=${L}${endGap === undefined ? '' : ` gap ${endGap}`}${minRun === undefined ? '' : ` run ${minRun}`}`;
    const preds: EpisodePrediction[] = [];
    let extra = 0;
    let extraCredits = 0;
    for (const [i, file] of files.entries()) {
      if (!file) continue;
      const events = await lastValueFrom(
        detectStream(file, {
          model,
          lookahead: L,
          ...(endGap === undefined ? {} : { endGap }),
          ...(minRun === undefined ? {} : { minRun }),
        }).pipe(toArray()),
      );
      const intros = intervals(events, 'intro');
      const credits = intervals(events, 'credits');
      extra += Math.max(0, intros.length - 1);
      extraCredits += Math.max(0, credits.length - 1);
      found.get(labels[i]!.id)?.push(`${name.slice(7)} ${intros.map(span).join(',') || 'none'}`);
      preds.push({
        id: labels[i]!.id,
        duration: labels[i]!.duration ?? probed.get(labels[i]!.id) ?? 0,
        intro: intros[0] ?? null,
        credits: credits.at(-1) ?? null,
      });
    }
    const m = computeMetrics(labels, preds);
    console.log(row(name, m.intro, m.credits, `${extra} / ${extraCredits}`));
  }
  if (perEpisode) for (const lines of found.values()) console.error(lines.join('\t'));
} finally {
  await model.dispose();
}
