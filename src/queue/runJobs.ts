import { UnrecoverableError } from 'bullmq';
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { DetectOptions } from '../fusion/detectEpisode.js';
import type { DetectionResult } from '../fusion/detectionResult.js';
import { OUTPUT_FORMATS } from '../fusion/formats/index.js';
import { detectPrinted } from '../series/detectPrinted.js';
import { joinStoredSeason } from '../series/joinStoredSeason.js';
import { joinWithPrintStore } from '../series/joinWithPrintStore.js';
import { PrintStore } from '../series/printStore.js';
import { seriesConfigOf } from '../series/seriesConfig.js';
import { writeFileAtomic } from '../util/atomicFile.js';
import { correctionsPathOf, CorrectionStore } from '../watch/corrections.js';
import { addPreview, finishEpisode, libraryKey } from '../watch/episodeOutput.js';
import { classifyFailure, describeError } from '../watch/failurePolicy.js';
import { statePathOf } from '../watch/folderWatcher.js';
import { DEFAULT_OUTPUT, type OutputSettings } from '../watch/outputSettings.js';
import {
  commitStaged,
  discardStaged,
  stageResults,
  uniqueResultBase,
} from '../watch/resultFiles.js';
import { sidecarPath } from '../watch/sidecarFiles.js';
import { StateStore } from '../watch/stateStore.js';
import type {
  EpisodeJobData,
  EpisodeJobResult,
  JobLayout,
  SeasonJobData,
  SeasonJobResult,
} from './jobs.js';

/** What one run of a job may be given. */
export interface JobRun {
  /** Aborts the detection (and writes nothing). */
  readonly signal?: AbortSignal | undefined;
  /**
   * Called before anything is written; throws when the job is no longer this worker's (its
   * lock ran out and another worker may have it), so that a stale worker writes nothing.
   */
  readonly beforeWrite?: (() => Promise<void>) | undefined;
}

/** What a worker runs every job with. */
export interface JobContext {
  /** Detection options with the loaded model. */
  readonly detect: DetectOptions & { model: NonNullable<DetectOptions['model']> };
  /** The worker's `--out`: over the job's own. */
  readonly outDir?: string | undefined;
  /**
   * What every job writes per episode, over what the library's watcher recorded in its state
   * file; absent: the library's settings (`watch --format`, `--sidecar-formats`,
   * `--edl-action`), else json results only.
   */
  readonly output?: OutputSettings | undefined;
  readonly onWarning?: ((message: string) => void) | undefined;
  /** Told what a job did besides its own episode's results (an earlier one's preview). */
  readonly onEvent?: ((message: string) => void) | undefined;
}

type Layout = { root: string; outDir?: string | undefined };

function layoutOf(data: JobLayout, context: JobContext): Layout {
  return { root: data.root, outDir: context.outDir ?? data.outDir };
}

/** The state file `watch` keeps for this layout (`<out or root>/.introdetect-watch.json`). */
function statePathOfLayout(layout: Layout): string {
  return statePathOf({
    root: layout.root,
    ...(layout.outDir !== undefined ? { outDir: layout.outDir } : {}),
  });
}

/** The print store `watch` keeps beside its state file (`<out or root>/.introdetect-watch.series`). */
function printsDirOf(layout: Layout): string {
  return `${statePathOfLayout(layout).replace(/\.json$/, '')}.series`;
}

/**
 * How a job writes its library's episodes, as `watch` and `serve` do: the settings (the
 * worker's, else those the watcher recorded in the library's state file, read afresh for each
 * job, else json only) and the reviewers' corrections kept beside that state file. Matroska
 * chapters are left to `watch`: editing a video makes it a new version, which the queue would
 * then detect again.
 */
async function libraryOutput(
  layout: Layout,
  context: JobContext,
): Promise<{ settings: OutputSettings; corrections: CorrectionStore }> {
  const statePath = statePathOfLayout(layout);
  const recorded = context.output ?? (await StateStore.open(statePath, layout.root)).output;
  const { formats, sidecars, edlActions, refine } = recorded ?? DEFAULT_OUTPUT;
  return {
    settings: {
      formats,
      sidecars,
      ...(edlActions ? { edlActions } : {}),
      ...(refine ? { refine } : {}),
    },
    corrections: new CorrectionStore(correctionsPathOf(statePath)),
  };
}

/** Where an episode's result detected alone waits for its season's join. */
function alonePath(printsDir: string, file: string): string {
  return join(printsDir, 'alone', `${createHash('sha1').update(file).digest('hex')}.json`);
}

/**
 * Removes what a worker killed while writing `paths` left beside them: the hidden temporary
 * copies (`.name.<tag>.staged`, `.name.<hex>.tmp`) that it would have renamed into place.
 * Only this job writes these paths now (it holds the job's lock), so none is in use.
 */
async function removeLeftovers(paths: readonly string[]): Promise<void> {
  const byDir = new Map<string, string[]>();
  for (const path of paths) {
    byDir.set(dirname(path), [...(byDir.get(dirname(path)) ?? []), `.${basename(path)}.`]);
  }
  for (const [dir, prefixes] of byDir) {
    const names = await readdir(dir).catch(() => [] as string[]);
    const stale = names.filter(
      (n) => /\.(staged|tmp)$/.test(n) && prefixes.some((p) => n.startsWith(p)),
    );
    await Promise.all(stale.map((n) => rm(join(dir, n), { recursive: true, force: true })));
  }
}

/** The paths an episode's results and sidecars are written to. */
function resultPaths(
  file: string,
  key: string,
  siblings: readonly string[],
  layout: Layout,
  settings: OutputSettings,
): string[] {
  const base = uniqueResultBase(layout, key, siblings);
  return [
    ...settings.formats.map((f) => `${base}.intro${OUTPUT_FORMATS[f].extension}`),
    ...settings.sidecars.map((kind) => sidecarPath(file, kind)),
  ];
}

/** What writing one episode takes: where, how, and the job's fence. */
interface EpisodeWrite {
  readonly layout: Layout;
  readonly settings: OutputSettings;
  readonly corrections: CorrectionStore;
  readonly context: JobContext;
  readonly run: JobRun;
}

/**
 * Writes one episode's detection through the writer `watch` and `serve` share
 * (`finishEpisode`): its correction, if a reviewer saved one, wins; sidecars beside the video;
 * result files staged under hidden names, then renamed into place (the watch layout). Fenced:
 * the job's lock is renewed before the sidecars are written and again before the renames, and
 * a job that lost it writes nothing more (its staged copies are removed).
 */
async function writeEpisode(
  file: string,
  key: string,
  siblings: readonly string[],
  detected: DetectionResult,
  { layout, settings, corrections, context, run }: EpisodeWrite,
): Promise<string[]> {
  await run.beforeWrite?.();
  const { output } = await finishEpisode(file, detected, {
    settings,
    corrections,
    key,
    onWarning: context.onWarning,
    signal: run.signal,
    ffmpegPath: context.detect.ffmpegPath,
  });
  const staged = await stageResults(output, uniqueResultBase(layout, key, siblings));
  try {
    run.signal?.throwIfAborted();
    await run.beforeWrite?.();
  } catch (err) {
    await discardStaged(staged);
    throw err;
  }
  await commitStaged(staged);
  return staged.map((s) => s.to);
}

/**
 * An episode job: detects the file, keeps its prints (and its result alone) for the season's
 * join, and writes its results at once, joined with the episodes of its folder stored so far
 * (what `watch` does with a file arriving alone: `joinWithPrintStore`, recap and preview
 * included).
 */
export async function runEpisodeJob(
  data: EpisodeJobData,
  context: JobContext,
  run: JobRun = {},
): Promise<EpisodeJobResult> {
  const { signal, beforeWrite } = run;
  const started = Date.now();
  const layout = layoutOf(data, context);
  const { settings, corrections } = await libraryOutput(layout, context);
  const store = new PrintStore(printsDirOf(layout));
  const config = seriesConfigOf(context.detect.model.config);
  const episode = await detectPrinted(data.file, {
    ...context.detect,
    ...(signal ? { signal } : {}),
  });
  await beforeWrite?.();
  const alone = alonePath(store.dir, data.file);
  // A run of this job killed mid-write (kill -9, power cut) left its temporary files behind.
  await removeLeftovers([
    alone,
    ...resultPaths(data.file, data.key, data.siblings, layout, settings),
  ]);
  await mkdir(dirname(alone), { recursive: true });
  await writeFileAtomic(alone, JSON.stringify(episode.result));
  const { result, previous } = await joinWithPrintStore(episode, store, {}, config);
  const results = await writeEpisode(data.file, data.key, data.siblings, result, {
    layout,
    settings,
    corrections,
    context,
    run,
  });
  if (previous) {
    // The episode before it (by name, done earlier) ends with a preview of this one: add it to
    // what was written for that one, where this layout puts it (a season job over the folder,
    // when there is one, rewrites it too).
    const key = libraryKey(layout.root, previous.file);
    const siblings = [data.key, ...data.siblings].filter((k) => k !== key);
    await beforeWrite?.();
    await addPreview(
      {
        video: previous.file,
        key,
        results: resultPaths(previous.file, key, siblings, layout, settings),
      },
      previous.preview,
      {
        settings,
        corrections,
        onWarning: context.onWarning,
        signal,
        ffmpegPath: context.detect.ffmpegPath,
        onEvent: context.onEvent,
        revealedBy: data.key,
      },
    );
  }
  return { file: data.file, key: data.key, results, elapsedMs: Date.now() - started };
}

/**
 * A season job, once its episodes are done: the series step over the stored episodes of its
 * folder in name order, as `detect` runs it over the same files (`joinStoredSeason`: intros
 * joined, recaps and previews found), and its episodes' results rewritten. Episodes that failed
 * are not among the children's values: left out, as are stored episodes without a result
 * alone (put by `watch`, should it share the store).
 */
export async function runSeasonJob(
  data: SeasonJobData,
  children: readonly EpisodeJobResult[],
  context: JobContext,
  run: JobRun = {},
): Promise<SeasonJobResult> {
  const layout = layoutOf(data, context);
  const write = { layout, ...(await libraryOutput(layout, context)), context, run };
  const store = new PrintStore(printsDirOf(layout));
  const byFile = new Map(children.map((c) => [c.file, c]));
  const season = joinStoredSeason(store, data.dir, {
    files: byFile.keys(),
    // Each episode's result as its job detected it alone (none: replaced meanwhile).
    resultOf: async (e) => {
      const text = await readFile(alonePath(store.dir, e.file), 'utf8').catch(() => undefined);
      return text === undefined ? undefined : (JSON.parse(text) as DetectionResult);
    },
    config: seriesConfigOf(context.detect.model.config),
    ...(run.signal ? { signal: run.signal } : {}),
  });
  const results: string[] = [];
  let joined = 0;
  for await (const { file, result } of season) {
    const child = byFile.get(file)!;
    const siblings = data.episodes.filter((k) => k !== child.key);
    results.push(...(await writeEpisode(child.file, child.key, siblings, result, write)));
    joined++;
  }
  return { dir: data.dir, joined, results };
}

/**
 * A job's failure as BullMQ keeps it: the message with the error code after it, as the CLI
 * prints it (`… [NOT_MEDIA]`); a failure the file itself causes is not retried.
 */
export function jobFailure(err: unknown): Error {
  const { message, code } = describeError(err);
  const reason = code ? `${message} [${code}]` : message;
  return classifyFailure(err) === 'permanent'
    ? new UnrecoverableError(reason)
    : new Error(reason, { cause: err });
}

/** The code at the end of a failed job's reason (`… [NOT_MEDIA]`), if any. */
export function failureCode(reason: string | undefined): string | undefined {
  return /\[([A-Z_]+)\]$/.exec(reason ?? '')?.[1];
}
