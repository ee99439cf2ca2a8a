import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Command } from 'commander';
import { computeMetrics, type EvalMetrics, type KindMetrics } from '../../eval/metrics.js';
import type { EpisodePrediction } from '../../eval/predictionTypes.js';
import { defaultMediaDir, mediaPathOf } from '../../features/featurizeLabelled.js';
import type { DetectionResult } from '../../fusion/detectionResult.js';
import { EpisodeModel } from '../../fusion/episodeModel.js';
import { defaultModelDir, MODES, parseMode, type Mode } from '../../fusion/modelConfig.js';
import { readLabels } from '../../labels/readLabels.js';
import { selectSplit } from '../../labels/selectSplit.js';
import type { EpisodeLabel } from '../../labels/types.js';
import { detectSeries } from '../../series/detectSeries.js';
import {
  groupBy,
  parseSeriesGrouping,
  SERIES_GROUPINGS,
  seriesKey,
  type SeriesGrouping,
} from '../../series/groupEpisodes.js';
import { commanderParser, decodeOptionsFrom } from '../options.js';

interface CompareOpts {
  labels: string;
  media?: string;
  split: string;
  visionModels?: string;
  fusedModels?: string;
  json?: string;
  predDir?: string;
  limit?: string;
  modes: Mode[];
  series: CompareGrouping;
}

export interface ModeRun {
  mode: Mode;
  /** Column name: the mode, or `<mode>-alone` for its results before the series step. */
  label: string;
  metrics: EvalMetrics;
  /** Media seconds of the episodes analysed, wall seconds, and their ratio. */
  mediaSeconds: number;
  wallSeconds: number;
  failures: Array<{ id: string; error: string }>;
}

const pct = (v: number | null) => (v === null ? '–' : `${(100 * v).toFixed(1)}`);
const sec = (v: number | null) => (v === null ? '–' : v.toFixed(2));

/** The rows of the side-by-side table for one kind. */
function rows(
  kind: 'intro' | 'credits',
  m: (r: ModeRun) => KindMetrics,
): Array<[string, (r: ModeRun) => string]> {
  return [
    [`${kind} per-second F1 %`, (r) => pct(m(r).perSecond.f1)],
    [
      `${kind} per-second P / R %`,
      (r) => `${pct(m(r).perSecond.precision)} / ${pct(m(r).perSecond.recall)}`,
    ],
    [`${kind} mean IoU`, (r) => sec(m(r).meanIoU)],
    [`${kind} both bounds ±1 s %`, (r) => pct(m(r).within1s.share)],
    [`${kind} both bounds ±3 s %`, (r) => pct(m(r).within3s.share)],
    [`${kind} F1 @ ±1 s %`, (r) => pct(m(r).f1At1s.f1)],
    [
      `${kind} start error mean / median s`,
      (r) => `${sec(m(r).startError.mean)} / ${sec(m(r).startError.median)}`,
    ],
    [
      `${kind} end error mean / median s`,
      (r) => `${sec(m(r).endError.mean)} / ${sec(m(r).endError.median)}`,
    ],
    [
      `${kind} presence P / R %`,
      (r) => `${pct(m(r).presence.precision)} / ${pct(m(r).presence.recall)}`,
    ],
  ];
}

export function formatComparison(runs: readonly ModeRun[]): string {
  const table: Array<[string, (r: ModeRun) => string]> = [
    ['episodes scored', (r) => String(r.metrics.episodes.matched)],
    ...rows('intro', (r) => r.metrics.intro),
    ...rows('credits', (r) => r.metrics.credits),
    ['speed, media s per wall s', (r) => (r.mediaSeconds / r.wallSeconds).toFixed(1)],
    ['failures', (r) => String(r.failures.length)],
  ];
  const width = Math.max(...table.map(([name]) => name.length));
  const head = `${'metric'.padEnd(width)}  ${runs.map((r) => r.label.padStart(14)).join('  ')}`;
  const lines = table.map(
    ([name, f]) => `${name.padEnd(width)}  ${runs.map((r) => f(r).padStart(14)).join('  ')}`,
  );
  return [head, '-'.repeat(head.length), ...lines].join('\n');
}

async function runMode(
  mode: Mode,
  modelDir: string,
  episodes: readonly EpisodeLabel[],
  mediaDir: string,
  ffmpeg: { ffmpegPath?: string },
  grouping: CompareGrouping,
): Promise<Array<{ run: ModeRun; predictions: EpisodePrediction[] }>> {
  const model = await EpisodeModel.load(modelDir, {
    mode,
    onWarning: (w) => process.stderr.write(`${w}\n`),
  });
  const predictions: EpisodePrediction[] = [];
  const alone: EpisodePrediction[] = [];
  const failures: ModeRun['failures'] = [];
  let mediaSeconds = 0;
  const t0 = performance.now();
  const fail = (label: EpisodeLabel, error: string) => {
    failures.push({ id: label.id, error });
    process.stderr.write(`${mode} ${label.id}: failed: ${error}\n`);
  };
  // An episode's series: its label's, else its folder's (see `--series`).
  const key = seriesKey(grouping === 'both' ? 'folder' : grouping);
  const located = episodes.flatMap((label) => {
    const file = mediaPathOf(label, mediaDir);
    if (!file) fail(label, `no media file in ${mediaDir}`);
    return file ? [{ label, file }] : [];
  });
  const groups = groupBy(located, key && ((e) => e.label.series ?? key(e.file)));
  let done = 0;
  try {
    for (const group of groups) {
      const outcomes = await detectSeries(
        group.map((e) => e.file),
        {
          ...ffmpeg,
          model,
          mode,
          ...(grouping === 'both'
            ? {
                onDetected: (result: DetectionResult, k: number) =>
                  alone.push({ ...result, id: group[k]!.label.id }),
              }
            : {}),
        },
      );
      for (const [k, outcome] of outcomes.entries()) {
        const { label } = group[k]!;
        done++;
        if (outcome.error) {
          fail(label, outcome.error.message);
          continue;
        }
        predictions.push({ ...outcome.result, id: label.id });
        mediaSeconds += outcome.result.duration;
        process.stderr.write(`${mode} [${done}/${located.length}] ${label.id}\n`);
      }
    }
  } finally {
    await model.dispose();
  }
  const wallSeconds = (performance.now() - t0) / 1000;
  const runOf = (label: string, preds: EpisodePrediction[]) => ({
    run: {
      mode,
      label,
      metrics: computeMetrics(episodes, preds),
      mediaSeconds,
      wallSeconds,
      failures,
    },
    predictions: preds,
  });
  return grouping === 'both'
    ? [runOf(`${mode}-alone`, alone), runOf(mode, predictions)]
    : [runOf(mode, predictions)];
}

/** `compare --series`: as `detect` (folder), each episode alone (none), or both side by side. */
type CompareGrouping = SeriesGrouping | 'both';

function parseCompareGrouping(value: string): CompareGrouping {
  return value === 'both' ? value : parseSeriesGrouping(value);
}

export function registerCompare(program: Command): void {
  program
    .command('compare')
    .description(
      'Run vision-only and fused detection on the same labelled episodes and print their metrics and speed side by side.',
    )
    .requiredOption('--labels <file>', 'labels (labels.json or labels.csv)')
    .option('--media <dir>', "folder the episodes are in (default: the labels file's folder)")
    .option(
      '--split <name>',
      'which episodes: test, val, train or all (labels without splits: all)',
      'test',
    )
    .option('--vision-models <dir>', 'vision model folder (default: models/vision)')
    .option('--fused-models <dir>', 'fused model folder (default: models/fused)')
    .option('--limit <n>', 'at most this many episodes')
    .option(
      '--modes <list>',
      'which modes to run, comma-separated',
      (v: string) => [...new Set(v.split(',').map((m) => parseMode(m.trim())))],
      [...MODES].reverse(),
    )
    .option('--json <file>', "write both modes' full metrics as JSON")
    .option(
      '--pred-dir <dir>',
      "write each mode's predictions (<dir>/<mode>/<id>.json) for `eval --plots`",
    )
    .option(
      '--series <grouping>',
      `${[...SERIES_GROUPINGS, 'both'].join(' | ')}: detect the episodes of one series together, as \`detect\` does (a label's "series", else its folder), each alone, or both: each mode's results before and after the series step, from one detection`,
      commanderParser(parseCompareGrouping),
      'folder',
    )
    .action(async (opts: CompareOpts, cmd: Command) => {
      const { labels, warnings } = await readLabels(opts.labels);
      for (const w of warnings) process.stderr.write(`labels: ${w}\n`);
      let chosen = selectSplit(labels, opts.split);
      if (opts.limit) chosen = chosen.slice(0, Number(opts.limit));
      const media = opts.media ?? defaultMediaDir(opts.labels);
      const ffmpeg = decodeOptionsFrom(cmd);
      const runs: ModeRun[] = [];
      for (const mode of opts.modes) {
        const dir =
          (mode === 'vision' ? opts.visionModels : opts.fusedModels) ?? defaultModelDir(mode);
        for (const { run, predictions } of await runMode(
          mode,
          dir,
          chosen,
          media,
          ffmpeg,
          opts.series,
        )) {
          runs.push(run);
          if (opts.predDir) {
            const out = join(opts.predDir, run.label);
            mkdirSync(out, { recursive: true });
            for (const p of predictions)
              writeFileSync(join(out, `${p.id}.json`), `${JSON.stringify(p)}\n`);
          }
        }
      }
      process.stdout.write(`${formatComparison(runs)}\n`);
      if (opts.json) writeFileSync(opts.json, `${JSON.stringify(runs, null, 2)}\n`);
    });
}
