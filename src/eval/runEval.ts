import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { readLabels } from '../labels/readLabels.js';
import { findFailures, formatFailureTable } from './failureTable.js';
import { formatMetricsTable } from './formatTable.js';
import { computeMetrics, type EvalMetrics } from './metrics.js';
import { plotEpisode } from './plotEpisode.js';
import { readPredictions } from './readPredictions.js';
import { writePng } from './writePlot.js';

export interface EvalOptions {
  /** Labels file: seeds' labels.json, seeds' labels.csv, or our labels.json. */
  labels: string;
  /** Predictions file (object, array or JSON lines) or folder of *.json. */
  pred: string;
  /** Where to write the full metrics JSON. */
  json?: string;
  /** Folder for one PNG per matched episode. */
  plots?: string;
  /** Score episodes without a prediction as "nothing found" instead of leaving them out. */
  missingAsEmpty?: boolean;
  /** List every failure per episode (boundaries more than this many seconds off count). */
  failures?: number;
}

/** The metrics JSON `--json` writes. */
export interface EvalReport extends EvalMetrics {
  version: 1;
  labelsFile: string;
  predictions: string;
}

export interface EvalResult {
  report: EvalReport;
  /** The table printed by the CLI. */
  table: string;
  /** Paths of the PNGs written, when `plots` was given. */
  plots: string[];
  /** The per-episode failure table, when `failures` was given. */
  failures?: string;
}

/** Runs a whole evaluation: read, match, score, and write the JSON and plots asked for. */
export async function runEval(options: EvalOptions): Promise<EvalResult> {
  const { labels, warnings: labelWarnings } = await readLabels(options.labels);
  const preds = await readPredictions(options.pred);
  const metrics = computeMetrics(labels, preds, {
    missingAsEmpty: options.missingAsEmpty ?? false,
  });
  const report: EvalReport = {
    version: 1,
    labelsFile: options.labels,
    predictions: options.pred,
    ...metrics,
    warnings: [...labelWarnings, ...metrics.warnings],
  };
  if (options.json !== undefined) {
    await writeFile(options.json, `${JSON.stringify(report, null, 2)}\n`);
  }
  const plots: string[] = [];
  if (options.plots !== undefined) {
    await mkdir(options.plots, { recursive: true });
    const predById = new Map(preds.map((p) => [p.id, p]));
    for (const row of metrics.perEpisode) {
      const pred = (row.predictionId !== undefined
        ? predById.get(row.predictionId)
        : undefined) ?? {
        id: row.id,
        duration: row.duration,
        intro: null,
        credits: null,
      };
      const path = join(options.plots, `${row.id.replace(/[^\w.-]/g, '_')}.png`);
      await writePng(plotEpisode({ ...row, pred }), path);
      plots.push(path);
    }
  }
  const failures =
    options.failures === undefined
      ? undefined
      : formatFailureTable(
          findFailures(metrics.perEpisode, preds, options.failures),
          options.failures,
        );
  return {
    report,
    table: formatMetricsTable(metrics),
    plots,
    ...(failures !== undefined ? { failures } : {}),
  };
}
