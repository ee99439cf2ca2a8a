import type { Command } from 'commander';
import { IntrodetectError, InvalidArgumentError } from '../../errors.js';
import { parseEdlActions } from '../../fusion/formats/edl.js';
import { parseSidecarKinds, SIDECAR_KINDS } from '../../fusion/formats/sidecar.js';
import { DEFAULT_PASSES, parsePasses } from '../../fusion/detectEpisode.js';
import { checkRedisReachable, redisConnection, redisUrlOf } from '../../queue/connection.js';
import { enqueueProcessor } from '../../queue/enqueueProcessor.js';
import {
  parseSeriesGrouping,
  SERIES_GROUPINGS,
  type SeriesGrouping,
} from '../../series/groupEpisodes.js';
import { correctionsPathOf, CorrectionStore } from '../../watch/corrections.js';
import { detectProcessor } from '../../watch/detectProcessor.js';
import { featuresProcessor } from '../../watch/featuresProcessor.js';
import { FolderWatcher, statePathOf } from '../../watch/folderWatcher.js';
import { parseExtensions } from '../../watch/mediaFiles.js';
import { checkMkvToolnix } from '../../watch/mkvChapters.js';
import { DEFAULT_OUTPUT, type OutputSettings } from '../../watch/outputSettings.js';
import type { Processor } from '../../watch/processFile.js';
import { formatWatchEvent } from '../../watch/watchEvents.js';
import { abortOnSignals } from '../abortOnSignals.js';
import {
  commanderParser,
  decodeOptionsFrom,
  type DetectionFlags,
  detectionOptionsFrom,
  REFINE_HELP,
  wholeNumberAtLeast,
} from '../options.js';

interface WatchCliOptions extends DetectionFlags {
  out?: string;
  state?: string;
  concurrency: number;
  processor: 'detect' | 'features';
  settle: number;
  poll: number;
  retries: number;
  retryDelay: number;
  extensions?: string;
  once: boolean;
  series: SeriesGrouping;
  mkvChapters: boolean;
  enqueue: boolean;
  redis?: string;
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
      'detect results to write, comma-separated: json, edl, chapters, vtt, jellyfin (default json → <name>.intro.json)',
    )
    .option(
      '--sidecar',
      'detect: also write sidecars beside each video, where players look (<video name>.edl by default), even with --out; a file introdetect did not write is never replaced',
      false,
    )
    .option(
      '--sidecar-formats <list>',
      `detect: sidecars to write, comma-separated: ${Object.keys(SIDECAR_KINDS).join(', ')} (default edl; implies --sidecar)`,
      cli(parseSidecarKinds),
    )
    .option(
      '--edl-action <list>',
      'detect: EDL action per segment kind, e.g. intro=3,credits=0 (default 3, commercial break)',
      cli(parseEdlActions),
    )
    .option(
      '--mkv-chapters',
      'detect: set the chapters of Matroska files in place with mkvpropedit (mkvtoolnix); the file is not processed again for that edit',
      false,
    )
    .option('--refine', `detect: ${REFINE_HELP}`, false)
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
      '--passes <n>',
      'detect: 2 (keyframes first, then every frame near the boundaries; falls back to 1 where that would not pay) or 1 (every frame)',
      commanderParser(parsePasses),
      DEFAULT_PASSES,
    )
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
    .option(
      '--enqueue',
      'hand each settled file to the job queue (introdetect worker processes it, on any machine) instead of processing it here',
      false,
    )
    .option('--redis <url>', '--enqueue: Redis server (default $INTRODETECT_REDIS)')
    .action(async (dir: string, opts: WatchCliOptions, cmd: Command) => {
      const detection = detectionOptionsFrom(opts);
      const sidecars = detection.output?.sidecars ?? [];
      if (
        opts.enqueue &&
        (opts.processor !== 'detect' ||
          opts.format !== undefined ||
          sidecars.length > 0 ||
          opts.mkvChapters ||
          opts.refine)
      ) {
        throw new InvalidArgumentError(
          '--enqueue hands files to the queue: --processor, --format, --sidecar, --mkv-chapters and --refine are options of introdetect worker there.',
        );
      }
      if (
        opts.processor === 'features' &&
        (opts.format !== undefined ||
          sidecars.length > 0 ||
          opts.edlAction !== undefined ||
          opts.mkvChapters ||
          opts.refine)
      ) {
        throw new InvalidArgumentError(
          '--format, --sidecar, --edl-action, --mkv-chapters and --refine apply to --processor detect; the features processor always writes <name>.features/.',
        );
      }
      // Missing mkvtoolnix stops here, before any model is loaded or file touched.
      if (opts.mkvChapters) await checkMkvToolnix();
      const log = (line: string) => process.stderr.write(`${new Date().toISOString()} ${line}\n`);
      using interrupt = abortOnSignals({
        reason: (name) => new Error(name),
        onFirst: (name) => log(`${name}: stopping (files in flight go back to pending)`),
        onSecond: (name) =>
          log(`${name} again: exiting now (the next start redoes interrupted files)`),
      });
      const ffmpeg = decodeOptionsFrom(cmd);
      // Where the watcher keeps its results and state (the series prints go beside the state).
      const where = {
        root: dir,
        ...(opts.out !== undefined ? { outDir: opts.out } : {}),
        ...(opts.state !== undefined ? { statePath: opts.state } : {}),
      };
      if (opts.enqueue) await checkRedisReachable(redisUrlOf(opts.redis));
      const output: OutputSettings | undefined =
        opts.enqueue || opts.processor !== 'detect'
          ? undefined
          : (detection.output ?? DEFAULT_OUTPUT);
      let processor: Processor | undefined;
      let watcher: FolderWatcher | undefined;
      try {
        processor = opts.enqueue
          ? enqueueProcessor({
              connection: redisConnection(redisUrlOf(opts.redis)),
              root: dir,
              ...(opts.out !== undefined ? { outDir: opts.out } : {}),
              ...(opts.extensions !== undefined
                ? { extensions: parseExtensions(opts.extensions) }
                : {}),
              attempts: opts.retries,
              backoffMs: opts.retryDelay * 1000,
            })
          : opts.processor === 'features'
            ? { process: featuresProcessor(ffmpeg), dispose: () => Promise.resolve() }
            : await detectProcessor({
                ...ffmpeg,
                ...output,
                // Reviewers' corrections (introdetect serve) win over every detection.
                corrections: {
                  store: new CorrectionStore(correctionsPathOf(statePathOf(where))),
                  root: dir,
                },
                ...detection.detect,
                ...(opts.series === 'folder'
                  ? {
                      printsDir: `${statePathOf(where).replace(/\.json$/, '')}.series`,
                      library: { root: dir, statePath: statePathOf(where) },
                    }
                  : {}),
                onEvent: log,
                onWarning: (m) => log(`warning: ${m}`),
                signal: interrupt.signal,
              });
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
          ...(output ? { output } : {}),
          onEvent: (event) => log(formatWatchEvent(event)),
        });
        await watcher.run({ once: opts.once, signal: interrupt.signal });
      } catch (err) {
        // Stopped by a signal while loading: a clean exit, like a stop while watching.
        if (interrupt.signal.aborted && err instanceof IntrodetectError && err.code === 'ABORTED')
          return;
        throw err;
      } finally {
        await watcher?.dispose();
        await processor?.dispose();
      }
    });
}
