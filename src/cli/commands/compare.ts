import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Command } from 'commander';
import {
  COMPARE_GROUPINGS,
  compareModes,
  formatCompareEvent,
  parseCompareGrouping,
  type CompareGrouping,
} from '../../compare/compareModes.js';
import { formatComparison } from '../../compare/formatComparison.js';
import { defaultMediaDir } from '../../features/featurizeLabelled.js';
import { DEFAULT_PASSES, parsePasses, type Passes } from '../../fusion/detectEpisode.js';
import { MODES, parseMode, type Mode } from '../../fusion/modelConfig.js';
import { readLabels } from '../../labels/readLabels.js';
import { selectSplit } from '../../labels/selectSplit.js';
import { writeFileAtomic } from '../../util/atomicFile.js';
import { abortOnSignals } from '../abortOnSignals.js';
import { commanderParser, decodeOptionsFrom, PART_HEADS_HELP } from '../options.js';

interface CompareCliOptions {
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
  passes: Passes[];
  refine: boolean;
  partHeads: boolean;
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
    .option(
      '--passes <list>',
      'decoding passes, comma-separated: 2 (keyframes first, then every frame near the boundaries), 1 (every frame), or 1,2: both side by side on the same episodes',
      (v: string) => [...new Set(v.split(',').map(parsePasses))],
      [DEFAULT_PASSES],
    )
    .option(
      '--refine',
      "also score each mode's detections with their boundaries moved to the frame (detect --refine): one more column per mode",
      false,
    )
    .option('--part-heads', PART_HEADS_HELP, false)
    .option('--json <file>', "write both modes' full metrics as JSON")
    .option(
      '--pred-dir <dir>',
      "write each mode's predictions (<dir>/<mode>/<id>.json) for `eval --plots`",
    )
    .option(
      '--series <grouping>',
      `${COMPARE_GROUPINGS.join(' | ')}: detect the episodes of one series together, as \`detect\` does (a label's "series", else its folder), each alone, or both: each mode's results before and after the series step, from one detection`,
      commanderParser(parseCompareGrouping),
      'folder',
    )
    .action(async (opts: CompareCliOptions, cmd: Command) => {
      using interrupt = abortOnSignals();
      const { labels, warnings } = await readLabels(opts.labels);
      for (const w of warnings) process.stderr.write(`labels: ${w}\n`);
      let chosen = selectSplit(labels, opts.split);
      if (opts.limit) chosen = chosen.slice(0, Number(opts.limit));
      const runs = await compareModes(chosen, {
        ...decodeOptionsFrom(cmd),
        mediaDir: opts.media ?? defaultMediaDir(opts.labels),
        modes: opts.modes,
        modelDirs: {
          ...(opts.visionModels !== undefined ? { vision: opts.visionModels } : {}),
          ...(opts.fusedModels !== undefined ? { fused: opts.fusedModels } : {}),
        },
        series: opts.series,
        passes: opts.passes,
        refine: opts.refine,
        partHeads: opts.partHeads,
        onEvent: (event) => process.stderr.write(`${formatCompareEvent(event)}\n`),
        onWarning: (w) => process.stderr.write(`${w}\n`),
        signal: interrupt.signal,
      });
      if (opts.predDir) {
        for (const run of runs) {
          const out = join(opts.predDir, run.label);
          await mkdir(out, { recursive: true });
          for (const p of run.predictions)
            await writeFileAtomic(join(out, `${p.id}.json`), `${JSON.stringify(p)}\n`);
        }
      }
      process.stdout.write(`${formatComparison(runs)}\n`);
      if (opts.json) {
        // The runs' metrics; the predictions themselves go to --pred-dir.
        const withoutPredictions = (key: string, value: unknown) =>
          key === 'predictions' && Array.isArray(value) ? undefined : value;
        await writeFileAtomic(opts.json, `${JSON.stringify(runs, withoutPredictions, 2)}\n`);
      }
    });
}
