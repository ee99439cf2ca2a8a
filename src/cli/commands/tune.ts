import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Command } from 'commander';
import { InvalidArgumentError } from '../../errors.js';
import { readPredictions } from '../../eval/readPredictions.js';
import { TARGETS, type Target, type TargetDecision } from '../../fusion/decisionConfig.js';
import { loadModelConfig } from '../../fusion/modelConfig.js';
import { readLabels } from '../../labels/readLabels.js';
import { selectSplit } from '../../labels/selectSplit.js';
import { scoreDecision, tuneDecision, type TunedDecision } from '../../tuning/tuneDecision.js';
import { writeFileAtomic } from '../../util/atomicFile.js';
import { decodeOptionsFrom } from '../options.js';
import { tuneSeriesCommand } from './tuneSeries.js';

interface TuneOpts {
  labels: string;
  pred?: string;
  model: string;
  split: string;
  targets: Target[];
  top: string;
  write?: boolean;
  series?: boolean;
  media?: string;
  grid?: string;
}

const pct = (v: number | null) => (v === null ? '   –' : (100 * v).toFixed(1).padStart(5));

function describe(d: TargetDecision): string {
  const gap = d.rule === 'mass' ? ` mergeGap ${d.mergeGap}` : '';
  return `threshold ${d.threshold} eps ${d.eps} minPts ${d.minPts} ${d.rule}${gap} minLength ${d.minLength} edge ${d.edge}`;
}

function row(label: string, t: Pick<TunedDecision, 'score' | 'metrics'>): string {
  const m = t.metrics;
  return `${label.padEnd(10)} score ${pct(t.score)}  per-second F1 ${pct(m.perSecond.f1)}  F1@±1s ${pct(m.f1At1s.f1)}  ±1 s ${pct(m.within1s.share)}  presence P/R ${pct(m.presence.precision)}/${pct(m.presence.recall)}`;
}

/**
 * `introdetect tune`: grid-searches a model's decision parameters (threshold, DBSCAN eps and
 * minPts, pick rule, merge gap, minimum length) on labelled predictions that carry their
 * per-second probabilities, prints the best against the model's current ones, and with
 * `--write` stores them in the model's model.json.
 */
export function registerTune(program: Command): void {
  program
    .command('tune')
    .description(
      "Tune a model's decision parameters (threshold, eps, minPts, rule, minLength) on labelled predictions, or with --series its series step (match thresholds, shortest stretch, cut-back) on labelled episodes; --write stores them in model.json.",
    )
    .requiredOption('--labels <file>', 'labels (labels.json or labels.csv)')
    .option(
      '--pred <path>',
      'decision: predictions with probabilities (`compare --pred-dir DIR` writes DIR/<mode>, `detect --format json` prints them)',
    )
    .option(
      '--series',
      "tune the series step instead: detects the split's episodes (each series' together) and searches the model's `series` block",
    )
    .option(
      '--media <dir>',
      "--series: folder the episodes are in (default: the labels file's folder)",
    )
    .option(
      '--grid <json>',
      '--series: the values to try, e.g. \'{"minRun":[4,8],"audioMin":[0.9,0.95]}\' (default: a 648-setting grid; 324 for vision)',
    )
    .requiredOption('--model <dir>', 'the model folder the predictions came from')
    .option('--split <name>', 'tune on this split (tune on val; report test)', 'val')
    .option(
      '--targets <list>',
      'intro, credits or both, comma-separated',
      (v: string) =>
        v.split(',').map((t) => {
          if (!(TARGETS as readonly string[]).includes(t.trim()))
            throw new InvalidArgumentError(`--targets: unknown target "${t}"; use intro, credits.`);
          return t.trim() as Target;
        }),
      [...TARGETS],
    )
    .option('--top <n>', 'how many of the best decisions to print', '5')
    .option('--write', "store the best decision in the model's model.json")
    .action(async (opts: TuneOpts, cmd: Command) => {
      const { labels, warnings } = await readLabels(opts.labels);
      for (const w of warnings) process.stderr.write(`labels: ${w}\n`);
      const chosen = selectSplit(labels, opts.split);
      if (opts.series) {
        await tuneSeriesCommand(opts, chosen, decodeOptionsFrom(cmd));
        return;
      }
      if (opts.pred === undefined)
        throw new InvalidArgumentError(
          'tune needs --pred DIR (predictions with probabilities) to tune the decision, or --series to tune the series step.',
        );
      const ids = new Set(chosen.map((l) => l.id));
      const preds = (await readPredictions(opts.pred)).filter((p) => ids.has(p.id));
      if (preds.length === 0)
        throw new InvalidArgumentError(
          `No prediction in ${opts.pred} matches an episode of split "${opts.split}".`,
        );
      const config = loadModelConfig(opts.model);
      const best: Partial<Record<Target, TargetDecision>> = {};
      for (const target of opts.targets) {
        const current = config.decision[target];
        const ranked = tuneDecision(chosen, preds, target, current);
        if (ranked.length === 0) {
          process.stderr.write(`${target}: no prediction carries ${target} probabilities.\n`);
          continue;
        }
        const now = scoreDecision(chosen, preds, target, current);
        process.stdout.write(
          `${target} (${preds.length} predictions, split ${opts.split}, ${ranked.length} decisions tried)\n`,
        );
        process.stdout.write(`${row('current', now)}\n`);
        process.stdout.write(`           ${describe(current)}\n`);
        for (const [i, r] of ranked.slice(0, Number(opts.top)).entries()) {
          process.stdout.write(`${row(`#${i + 1}`, r)}\n           ${describe(r.decision)}\n`);
        }
        best[target] = ranked[0]!.decision;
      }
      if (opts.write) {
        const file = join(opts.model, 'model.json');
        const json = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
        json.decision = { ...config.decision, ...best };
        await writeFileAtomic(file, `${JSON.stringify(json, null, 2)}\n`);
        process.stdout.write(`decision written to ${file}\n`);
      }
    });
}
