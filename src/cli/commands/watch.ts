import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { IntrodetectError, InvalidArgumentError, ModelNotFoundError } from '../../errors.js';
import type { DetectOptions } from '../../fusion/detectEpisode.js';
import type { DetectionResult } from '../../fusion/detectionResult.js';
import type { LocateFfmpegOptions } from '../../streams/locateFfmpeg.js';
import { featuresProcessor } from '../../watch/featuresProcessor.js';
import { detectWithPrintStore } from '../../series/detectWithPrintStore.js';
import {
  parseSeriesGrouping,
  SERIES_GROUPINGS,
  type SeriesGrouping,
} from '../../series/groupEpisodes.js';
import { PrintStore } from '../../series/printStore.js';
import { FolderWatcher, statePathOf } from '../../watch/folderWatcher.js';
import { parseExtensions } from '../../watch/mediaFiles.js';
import type { ProcessFile } from '../../watch/processFile.js';
import { formatWatchEvent } from '../../watch/watchEvents.js';
import { commanderParser, decodeOptionsFrom, wholeNumberAtLeast } from '../options.js';

interface WatchCliOptions {
  out?: string;
  state?: string;
  concurrency: number;
  format?: string;
  processor: 'detect' | 'features';
  mode?: string;
  models?: string;
  threads: number;
  settle: number;
  poll: number;
  retries: number;
  retryDelay: number;
  extensions?: string;
  once: boolean;
  series: SeriesGrouping;
}

const cli = commanderParser;

const wholeNumber = wholeNumberAtLeast(1);

const seconds = cli((v: string) => {
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) throw new Error(`"${v}" is not a number of seconds >= 0.`);
  return n;
});

const processorName = cli((v: string) => {
  if (v !== 'detect' && v !== 'features')
    throw new Error(`Unknown processor "${v}". Valid: detect, features.`);
  return v;
});

/** A processor plus what it holds (a loaded model). */
interface Processor {
  process: ProcessFile;
  dispose(): Promise<void>;
}

/** The part of the detection API the watcher uses; loaded at run time (see loadFusion). */
interface FusionApi {
  detectEpisode(input: string, options: DetectOptions): Promise<DetectionResult>;
  formatResult(result: DetectionResult, format: string): string;
  parseOutputFormat(name: string): string;
  OUTPUT_FORMATS: Readonly<Record<string, { extension: string }>>;
  EpisodeModel: {
    load(
      dir: string,
      options: Record<string, unknown>,
    ): Promise<NonNullable<DetectOptions['model']>>;
  };
  defaultModelDir(mode: 'fused' | 'vision'): string;
  parseMode(name: string): 'fused' | 'vision';
}

/**
 * Loads detection from src/fusion: its public entry (`fusion/index.js`) when present, else
 * the modules it re-exports. Detection lives in a higher layer than the watcher and may be
 * built separately, so it is looked up at run time; when it is missing the command fails
 * with a clear message (results are never faked).
 */
async function loadFusion(): Promise<FusionApi> {
  const url = (spec: string) => new URL(spec, import.meta.url);
  const present = (spec: string) => existsSync(fileURLToPath(url(spec)));
  const specs = present('../../fusion/index.js')
    ? ['../../fusion/index.js']
    : [
        '../../fusion/detectEpisode.js',
        '../../fusion/episodeModel.js',
        '../../fusion/formats/index.js',
        '../../fusion/modelConfig.js',
      ];
  const missing = specs.filter((s) => !present(s));
  if (missing.length > 0) {
    throw new ModelNotFoundError(
      `Detection is not available in this build (missing ${missing.join(', ')}). Rebuild introdetect, or use --processor features to pre-featurise the folder.`,
    );
  }
  const api: Record<string, unknown> = {};
  for (const spec of specs) Object.assign(api, (await import(url(spec).href)) as object);
  const needed = [
    'detectEpisode',
    'formatResult',
    'parseOutputFormat',
    'OUTPUT_FORMATS',
    'EpisodeModel',
    'defaultModelDir',
    'parseMode',
  ];
  const absent = needed.filter((name) => api[name] === undefined);
  if (absent.length > 0) {
    throw new ModelNotFoundError(
      `The detection module does not export ${absent.join(', ')}; this build of introdetect is incomplete.`,
    );
  }
  return api as unknown as FusionApi;
}

/** Detection: one model loaded up front (missing models fail here, not per file). */
async function detectProcessor(
  opts: WatchCliOptions,
  ffmpeg: LocateFfmpegOptions,
  warn: (m: string) => void,
  signal: AbortSignal,
  prints: PrintStore | undefined,
): Promise<Processor> {
  const fusion = await loadFusion();
  const formats = (opts.format ?? 'json').split(',').map((f) => fusion.parseOutputFormat(f.trim()));
  const mode = opts.mode === undefined ? undefined : fusion.parseMode(opts.mode);
  const model = await fusion.EpisodeModel.load(
    opts.models ?? fusion.defaultModelDir(mode ?? 'fused'),
    {
      ...(mode ? { mode } : {}),
      intraOpThreads: opts.threads,
      onWarning: warn,
      signal,
    },
  );
  return {
    process: async (input, fileSignal) => {
      const options = { ...ffmpeg, model, onWarning: warn, signal: fileSignal };
      const result = prints
        ? await detectWithPrintStore(input, prints, options)
        : await fusion.detectEpisode(input, options);
      const out: Record<string, string> = {};
      for (const format of formats) {
        const ext = fusion.OUTPUT_FORMATS[format]?.extension ?? `.${format}`;
        out[`intro${ext}`] = fusion.formatResult(result, format);
      }
      return out;
    },
    dispose: () => model.dispose(),
  };
}

export function registerWatch(program: Command): void {
  program
    .command('watch')
    .description(
      'Watch DIR (recursively) for video files; once a file has stopped growing, find its intro and credits and write the results next to it (or under --out). A state file makes every file processed exactly once, across crashes and restarts.',
    )
    .argument('<dir>', 'folder to watch, e.g. an ingest share')
    .option(
      '-o, --out <dir>',
      'write results here, mirroring the folders under DIR (default: next to each file)',
    )
    .option('--state <file>', 'state file (default: <out or DIR>/.introdetect-watch.json)')
    .option('-c, --concurrency <n>', 'files processed at the same time', wholeNumber, 1)
    .option(
      '--format <list>',
      'detect results to write, comma-separated: json, edl, chapters, vtt (default json → <name>.intro.json)',
    )
    .option(
      '--processor <name>',
      'detect (intro and credits) | features (frames.npy + mel.npy for training → <name>.features/)',
      processorName,
      'detect',
    )
    .option('--mode <mode>', 'detect: fused | vision (default: the model folder’s)')
    .option('--models <dir>', 'detect: model folder (default: models/<mode>/ in the package)')
    .option('--threads <n>', 'detect: ONNX Runtime threads per operator', wholeNumber, 2)
    .option(
      '--settle <seconds>',
      'a file must keep its size and mtime this long before it is touched',
      seconds,
      5,
    )
    .option('--poll <seconds>', 'time between rescans of DIR', seconds, 1)
    .option(
      '--retries <n>',
      'processing runs per file before it is failed for good',
      wholeNumber,
      3,
    )
    .option(
      '--retry-delay <seconds>',
      'wait before the first retry; doubles each time (max 1 h)',
      seconds,
      30,
    )
    .option(
      '--extensions <list>',
      'video extensions to pick up (default: mp4,m4v,mov,mkv,webm,avi,ts,m2ts,mts,mxf,mpg,mpeg,vob,wmv,flv)',
    )
    .option(
      '--once',
      'process what is in DIR (after it settles), then exit: for cron and tests',
      false,
    )
    .option(
      '--series <grouping>',
      `detect: ${SERIES_GROUPINGS.join(' | ')}: files in one folder are episodes of one series; each new one is joined with those processed before it (prints kept beside the state file), or each alone`,
      cli(parseSeriesGrouping),
      'folder',
    )
    .action(async (dir: string, opts: WatchCliOptions, cmd: Command) => {
      if (opts.processor === 'features' && opts.format !== undefined) {
        throw new InvalidArgumentError(
          '--format applies to --processor detect; the features processor always writes <name>.features/.',
        );
      }
      const log = (line: string) => process.stderr.write(`${new Date().toISOString()} ${line}\n`);
      const controller = new AbortController();
      let signals = 0;
      const onSignal = (name: NodeJS.Signals) => {
        signals++;
        if (signals === 1) {
          log(`${name}: stopping (files in flight go back to pending)`);
          controller.abort(new Error(name));
        } else {
          log(`${name} again: exiting now (the next start redoes interrupted files)`);
          process.exit(130);
        }
      };
      process.on('SIGINT', onSignal);
      process.on('SIGTERM', onSignal);
      const ffmpeg = decodeOptionsFrom(cmd);
      // Where the watcher keeps its results and state (the series prints go beside the state).
      const where = {
        root: dir,
        ...(opts.out !== undefined ? { outDir: opts.out } : {}),
        ...(opts.state !== undefined ? { statePath: opts.state } : {}),
      };
      let processor: Processor | undefined;
      let watcher: FolderWatcher | undefined;
      try {
        processor =
          opts.processor === 'features'
            ? { process: featuresProcessor(ffmpeg), dispose: () => Promise.resolve() }
            : await detectProcessor(
                opts,
                ffmpeg,
                (m) => log(`warning: ${m}`),
                controller.signal,
                opts.series === 'folder'
                  ? new PrintStore(`${statePathOf(where).replace(/\.json$/, '')}.series`)
                  : undefined,
              );
        watcher = await FolderWatcher.open({
          ...where,
          process: processor.process,
          concurrency: opts.concurrency,
          settleMs: opts.settle * 1000,
          pollMs: Math.max(10, opts.poll * 1000),
          ...(opts.extensions !== undefined
            ? { extensions: parseExtensions(opts.extensions) }
            : {}),
          retry: { maxAttempts: opts.retries, baseDelayMs: opts.retryDelay * 1000 },
          onEvent: (event) => log(formatWatchEvent(event)),
        });
        await watcher.run({ once: opts.once, signal: controller.signal });
      } catch (err) {
        // Stopped by a signal while loading: a clean exit, like a stop while watching.
        if (controller.signal.aborted && err instanceof IntrodetectError && err.code === 'ABORTED')
          return;
        throw err;
      } finally {
        await watcher?.dispose();
        await processor?.dispose();
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
      }
    });
}
