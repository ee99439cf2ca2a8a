import { readFile } from 'node:fs/promises';
import { isAbsolute, join, relative } from 'node:path';
import { InvalidArgumentError } from '../../errors.js';
import { defaultMediaDir } from '../../features/featurizeLabelled.js';
import { EpisodeModel } from '../../fusion/episodeModel.js';
import type { EpisodeLabel } from '../../labels/types.js';
import {
  parseSeriesConfig,
  SERIES_PARAMS,
  seriesConfigOf,
  type SeriesConfig,
  type SeriesParam,
} from '../../series/seriesConfig.js';
import type { LocateFfmpegOptions } from '../../streams/locateFfmpeg.js';
import { printSeasons } from '../../tuning/printSeasons.js';
import {
  DEFAULT_SERIES_GRID,
  seriesSource,
  tuneSeries,
  VISION_SERIES_GRID,
  type SeriesGrid,
  type TunedSeries,
} from '../../tuning/tuneSeries.js';
import { writeFileAtomic } from '../../util/atomicFile.js';

const pct = (v: number | null) => (v === null ? '   –' : (100 * v).toFixed(1).padStart(5));

function row(label: string, t: TunedSeries): string {
  const m = t.metrics;
  return `${label.padEnd(10)} score ${pct(t.score)}  per-second F1 ${pct(m.perSecond.f1)}  F1@±1s ${pct(m.f1At1s.f1)}  ±1 s ${pct(m.within1s.share)}  presence P/R ${pct(m.presence.precision)}/${pct(m.presence.recall)}  off-intro stretches ${t.offIntro}`;
}

const describe = (c: SeriesConfig) => SERIES_PARAMS.map((k) => `${k} ${c[k]}`).join(' ');

/** A path as model.json may record it: relative to the working folder, never absolute. */
const portable = (path: string) => {
  const rel = relative(process.cwd(), path);
  return isAbsolute(path) && (rel.startsWith('..') || isAbsolute(rel))
    ? path.split('/').pop()!
    : rel;
};

/** `--grid '{"minRun":[4,8],"trimSeconds":[1]}'`: the values to try per parameter. */
function parseSeriesGrid(text: string): SeriesGrid {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new InvalidArgumentError(`--grid must be JSON, e.g. '{"minRun":[4,8]}' (got ${text}).`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new InvalidArgumentError(`--grid must be a JSON object of parameter → list of values.`);
  const grid: SeriesGrid = {};
  for (const [key, values] of Object.entries(value)) {
    if (!(SERIES_PARAMS as readonly string[]).includes(key))
      throw new InvalidArgumentError(
        `--grid: unknown parameter "${key}". Valid: ${SERIES_PARAMS.join(', ')}.`,
      );
    if (!Array.isArray(values) || values.length === 0)
      throw new InvalidArgumentError(`--grid: ${key} must be a non-empty list of numbers.`);
    // Each value is checked as model.json would check it.
    for (const v of values as unknown[]) {
      try {
        parseSeriesConfig({ [key]: v }, 'model.json');
      } catch {
        throw new InvalidArgumentError(
          `--grid: ${JSON.stringify(v)} is not a valid ${key} (see \`tune --help\` and the README's series block).`,
        );
      }
    }
    grid[key as SeriesParam] = values as number[];
  }
  return grid;
}

/** `introdetect tune --series`: detects the split once, then searches the series block. */
export async function tuneSeriesCommand(
  opts: {
    labels: string;
    model: string;
    split: string;
    top: string;
    write?: boolean;
    media?: string;
    grid?: string;
  },
  chosen: readonly EpisodeLabel[],
  ffmpeg: LocateFfmpegOptions,
): Promise<void> {
  if (chosen.length === 0)
    throw new InvalidArgumentError(
      `No labelled episode in split "${opts.split}" of ${opts.labels}.`,
    );
  const custom = opts.grid !== undefined ? parseSeriesGrid(opts.grid) : undefined;
  const model = await EpisodeModel.load(opts.model, {
    onWarning: (w) => process.stderr.write(`${w}\n`),
  });
  try {
    const seasons = await printSeasons(chosen, {
      ...ffmpeg,
      model,
      mediaDir: opts.media ?? defaultMediaDir(opts.labels),
      onEpisode: (label, done, total, error) =>
        process.stderr.write(
          `[${done}/${total}] ${label.id}${error ? `: failed: ${error.message}` : ''}\n`,
        ),
    });
    if (seasons.length === 0)
      throw new InvalidArgumentError(`None of the ${chosen.length} episodes could be detected.`);
    const current = seriesConfigOf(model.config);
    const grid =
      custom ?? (model.config.mode === 'vision' ? VISION_SERIES_GRID : DEFAULT_SERIES_GRID);
    const t0 = performance.now();
    const ranked = tuneSeries(chosen, seasons, current, grid);
    const before = ranked.find((r) => r.config === current) ?? ranked[0]!;
    const best = ranked[0]!;
    const episodes = seasons.reduce((n, s) => n + s.length, 0);
    process.stdout.write(
      `series step (${episodes} episodes in ${seasons.length} series, split ${opts.split}, ${ranked.length} settings tried in ${((performance.now() - t0) / 1000).toFixed(1)} s)\n`,
    );
    process.stdout.write(`${row('current', before)}\n           ${describe(current)}\n`);
    for (const [i, r] of ranked.slice(0, Number(opts.top)).entries())
      process.stdout.write(`${row(`#${i + 1}`, r)}\n           ${describe(r.config)}\n`);
    // The shortest stretch decides which intros can be joined at all: the best of each.
    process.stdout.write('best per shortest stretch (minRun):\n');
    for (const minRun of [...new Set(ranked.map((r) => r.config.minRun))].sort((a, b) => a - b)) {
      const r = ranked.find((x) => x.config.minRun === minRun)!;
      process.stdout.write(`${row(`${minRun} s`, r)}\n           ${describe(r.config)}\n`);
    }
    if (opts.write) {
      const file = join(opts.model, 'model.json');
      const json = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
      const values = Object.fromEntries(SERIES_PARAMS.map((k) => [k, best.config[k]]));
      const run = seriesSource({
        labels: portable(opts.labels),
        split: opts.split,
        seasons,
        labelled: chosen,
        grid,
        best,
        before,
        mode: model.config.mode,
        settings: ranked.length,
      });
      // Nothing beat the current setting: it keeps its source, confirmed by this run.
      const source =
        best === before && current.source ? { ...current.source, confirmed: run } : run;
      json.series = { ...values, source };
      await writeFileAtomic(file, `${JSON.stringify(json, null, 2)}\n`);
      process.stdout.write(`series step written to ${file}\n`);
    }
  } finally {
    await model.dispose();
  }
}
