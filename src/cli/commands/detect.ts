import { mkdirSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Command } from 'commander';
import { IntrodetectError, InvalidArgumentError } from '../../errors.js';
import {
  DEFAULT_PASSES,
  parsePasses,
  type DetectProgress,
  type Passes,
} from '../../fusion/detectEpisode.js';
import type { DetectionResult } from '../../fusion/detectionResult.js';
import { EpisodeModel } from '../../fusion/episodeModel.js';
import { parseEdlActions, type EdlActions } from '../../fusion/formats/edl.js';
import {
  formatResult,
  OUTPUT_FORMATS,
  parseOutputFormat,
  type OutputFormat,
} from '../../fusion/formats/index.js';
import {
  parseSidecarKinds,
  SIDECAR_KINDS,
  type SidecarKind,
} from '../../fusion/formats/sidecar.js';
import { defaultModelDir, MODES, parseMode, type Mode } from '../../fusion/modelConfig.js';
import { parseProvider, PROVIDER_NAMES, type Provider } from '../../fusion/onnxBackend.js';
import { detectSeries, type SeriesOutcome } from '../../series/detectSeries.js';
import {
  groupBy,
  parseSeriesGrouping,
  SERIES_GROUPINGS,
  seriesKey,
  type SeriesGrouping,
} from '../../series/groupEpisodes.js';
import { refineResult } from '../../refine/refineResult.js';
import { writeFileAtomic } from '../../util/atomicFile.js';
import { checkMkvToolnix, setMkvChapters } from '../../watch/mkvChapters.js';
import { mirroredOutBases } from '../../watch/resultFiles.js';
import { writeSidecars } from '../../watch/sidecarFiles.js';
import { abortOnSignals } from '../abortOnSignals.js';
import {
  commanderParser,
  decodeOptionsFrom,
  PART_HEADS_HELP,
  REFINE_HELP,
  wholeNumberAtLeast,
} from '../options.js';

interface DetectCliOptions {
  mode?: Mode;
  format: OutputFormat;
  models?: string;
  provider: Provider;
  introSpan?: number;
  creditsSpan?: number;
  outDir?: string;
  threads: number;
  series: SeriesGrouping;
  passes: Passes;
  sidecar: boolean;
  sidecarFormats?: SidecarKind[];
  edlAction?: EdlActions;
  mkvChapters: boolean;
  refine: boolean;
  partHeads: boolean;
}

const cli = commanderParser;

const fraction = cli((v: string) => {
  const n = Number(v);
  if (!(n > 0 && n <= 1)) throw new Error(`"${v}" is not a fraction in (0, 1] (e.g. 0.5).`);
  return n;
});

const positiveInt = wholeNumberAtLeast(1);

export function registerDetect(program: Command): void {
  program
    .command('detect')
    .description(
      'Find the intro and end credits of each FILE; prints one result per file (JSON Lines by default).',
    )
    .argument('<files...>', 'video files (or http(s) URLs / finished HLS playlists)')
    .option(
      '--mode <mode>',
      `${MODES.join(' | ')}: picture + sound, or picture only (default: the model folder's, else fused)`,
      cli(parseMode),
    )
    .option(
      '--format <format>',
      `output: ${Object.keys(OUTPUT_FORMATS).join(' | ')}`,
      cli(parseOutputFormat),
      'json',
    )
    .option('--models <dir>', 'model folder (default: models/<mode>/ in the package)')
    .option(
      '--provider <provider>',
      `ONNX Runtime device: ${PROVIDER_NAMES.join(' | ')} (cuda falls back to cpu with a warning when unavailable)`,
      cli(parseProvider),
      'cpu',
    )
    .option(
      '--intro-span <fraction>',
      'part of the file searched for the intro, from the start (default 0.5)',
      fraction,
    )
    .option(
      '--credits-span <fraction>',
      'part searched for the credits, up to the end (default 0.25)',
      fraction,
    )
    .option(
      '-o, --out-dir <dir>',
      "write one file per input (<name>.json, .edl, .ffmetadata, .chapters.vtt, .segments.json) instead of stdout, mirroring the folders below the inputs' common folder",
    )
    .option(
      '--sidecar',
      'also write sidecars beside each video, under the names players look for (<video name>.edl by default); a file introdetect did not write is never replaced',
      false,
    )
    .option(
      '--sidecar-formats <list>',
      `sidecars to write, comma-separated: ${Object.keys(SIDECAR_KINDS).join(', ')} (default edl; implies --sidecar)`,
      cli(parseSidecarKinds),
    )
    .option(
      '--edl-action <list>',
      'EDL action per segment kind, e.g. intro=3,credits=0 (0 cut, 1 mute, 2 scene marker, 3 commercial break: skipped once; default 3)',
      cli(parseEdlActions),
    )
    .option(
      '--mkv-chapters',
      'set the chapters of Matroska inputs in place with mkvpropedit (mkvtoolnix); chapters introdetect did not write are kept',
      false,
    )
    .option('--refine', REFINE_HELP, false)
    .option('--part-heads', PART_HEADS_HELP, false)
    .option('--threads <n>', 'ONNX Runtime threads per operator', positiveInt, 2)
    .option(
      '--passes <n>',
      '2: a cheap first pass (all the sound, only the keyframes of the picture), then every frame around the boundaries it finds; falls back to 1 by itself where keyframes cannot be decoded alone cheaply. 1: every frame of the searched spans',
      cli(parsePasses),
      DEFAULT_PASSES,
    )
    .option(
      '--series <grouping>',
      `${SERIES_GROUPINGS.join(' | ')}: files in one folder are episodes of one series and help each other (an intro found in pieces is joined where the same pictures and sound recur in the others), or each file alone`,
      cli(parseSeriesGrouping),
      'folder',
    )
    .action(async (files: string[], opts: DetectCliOptions, cmd: Command) => {
      if (files.length > 1 && opts.format !== 'json' && !opts.outDir) {
        throw new InvalidArgumentError(
          `--format ${opts.format} prints one document per file; with ${files.length} files use --out-dir DIR (or --format json, which prints JSON Lines).`,
        );
      }
      const sidecarKinds = opts.sidecarFormats ?? (opts.sidecar ? ['edl' as const] : []);
      const formatOptions = opts.edlAction ? { edlActions: opts.edlAction } : {};
      // Missing mkvtoolnix stops here, before any model is loaded or file decoded.
      if (opts.mkvChapters) await checkMkvToolnix();
      using interrupt = abortOnSignals();
      const tty = process.stderr.isTTY === true;
      const warn = (m: string) =>
        process.stderr.write(`${tty ? '\r\x1b[K' : ''}introdetect: warning: ${m}\n`);
      let model: EpisodeModel | undefined;
      let failed: IntrodetectError | undefined;
      try {
        model = await EpisodeModel.load(opts.models ?? defaultModelDir(opts.mode ?? 'fused'), {
          ...(opts.mode ? { mode: opts.mode } : {}),
          provider: opts.provider,
          intraOpThreads: opts.threads,
          onWarning: warn,
          signal: interrupt.signal,
        });
        if (opts.outDir) mkdirSync(opts.outDir, { recursive: true });
        const outBases = opts.outDir ? mirroredOutBases(files, opts.outDir) : new Map();
        const isUrl = (f: string) => /^[a-z][a-z0-9+.-]*:\/\//i.test(f);
        const report = (file: string, error: IntrodetectError) => {
          process.stderr.write(`introdetect: ${file}: ${error.message} [${error.code}]\n`);
          failed ??= error;
        };
        /** Sidecars beside the video and its Matroska chapters, as asked. */
        const beside = async (file: string, result: DetectionResult) => {
          if (sidecarKinds.length === 0 && !opts.mkvChapters) return;
          if (isUrl(file)) {
            warn(`${file}: not a local file, so no sidecars or chapters are written for it`);
            return;
          }
          if (sidecarKinds.length > 0) {
            const { written } = await writeSidecars(file, result, {
              kinds: sidecarKinds,
              ...formatOptions,
              onWarning: warn,
            });
            for (const path of written) process.stderr.write(`${file} → ${path}\n`);
          }
          if (opts.mkvChapters) {
            const done = await setMkvChapters(file, result, { signal: interrupt.signal });
            if (done === 'written') process.stderr.write(`${file} → chapters set in place\n`);
            else if (done === 'foreign')
              warn(`${file}: kept its chapters: introdetect did not write them`);
            else warn(`${file}: not a Matroska file, so --mkv-chapters leaves it alone`);
          }
        };
        const labelOf = (file: string) =>
          files.length > 1 ? `[${files.indexOf(file) + 1}/${files.length}] ${file}` : file;
        // Files are written atomically, one after another, as outcomes become final.
        let writes = Promise.resolve();
        const decode = decodeOptionsFrom(cmd);
        const write = (outcome: SeriesOutcome) => {
          if (tty) process.stderr.write('\r\x1b[K');
          if (outcome.error) {
            // One file: main reports it (below). Several: report, go on with the others.
            if (files.length === 1) return;
            report(outcome.file, outcome.error);
            return;
          }
          const { file } = outcome;
          // Boundaries to the frame first, if asked (a failure there is the file's).
          const final = opts.refine
            ? () =>
                refineResult(outcome.result, { ...decode, signal: interrupt.signal }).then(
                  (r) => r.result,
                )
            : () => Promise.resolve(outcome.result);
          writes = writes.then(async () => {
            let result: DetectionResult;
            try {
              result = await final();
            } catch (err) {
              if (!(err instanceof IntrodetectError) || err.code === 'ABORTED') throw err;
              report(file, err);
              return;
            }
            await output(file, result);
          });
        };
        /** Writes one file's result, then its sidecars and chapters. */
        const output = async (file: string, result: DetectionResult) => {
          const text = formatResult(result, opts.format, formatOptions);
          if (opts.outDir) {
            const base = (outBases.get(file) as string | undefined) ?? join(opts.outDir, result.id);
            const path = `${base}${OUTPUT_FORMATS[opts.format].extension}`;
            await mkdir(dirname(path), { recursive: true });
            await writeFileAtomic(path, text);
            process.stderr.write(`${file} → ${path}\n`);
          } else {
            process.stdout.write(text);
          }
          // A file whose sidecars or chapters fail is reported; the others go on.
          await beside(file, result).catch((err: unknown) => {
            if (!(err instanceof IntrodetectError) || err.code === 'ABORTED') throw err;
            report(file, err);
          });
        };
        for (const group of groupBy(files, seriesKey(opts.series))) {
          const outcomes = await detectSeries(group, {
            ...decode,
            model,
            passes: opts.passes,
            partHeads: opts.partHeads,
            ...(opts.introSpan !== undefined ? { introSpan: opts.introSpan } : {}),
            ...(opts.creditsSpan !== undefined ? { creditsSpan: opts.creditsSpan } : {}),
            signal: interrupt.signal,
            onOutcome: write,
            ...(tty
              ? {
                  onProgress: (i: number, p: DetectProgress) => drawProgress(labelOf(group[i]!), p),
                }
              : {}),
          });
          await writes;
          if (files.length === 1 && outcomes[0]?.error) throw outcomes[0].error;
        }
        if (failed) process.exitCode = failed.exitCode;
      } finally {
        await model?.dispose();
      }
    });
}

function drawProgress(label: string, p: DetectProgress): void {
  const width = 30;
  const frac = p.total > 0 ? Math.min(1, p.seconds / p.total) : 0;
  const filled = Math.round(frac * width);
  process.stderr.write(
    `\r\x1b[K${label} [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${Math.round(frac * 100)}% (${p.seconds}/${p.total} s)`,
  );
}
