import { UnrecoverableError } from 'bullmq';
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { DetectOptions } from '../fusion/detectEpisode.js';
import type { DetectionResult } from '../fusion/detectionResult.js';
import type { EdlActions } from '../fusion/formats/edl.js';
import { formatResult, OUTPUT_FORMATS, type OutputFormat } from '../fusion/formats/index.js';
import type { SidecarKind } from '../fusion/formats/sidecar.js';
import { detectPrinted } from '../series/detectPrinted.js';
import { PrintStore } from '../series/printStore.js';
import { seriesConfigOf } from '../series/seriesConfig.js';
import { refineWith, resolveJoin } from '../series/seriesJoiner.js';
import { writeFileAtomic } from '../util/atomicFile.js';
import { classifyFailure, describeError } from '../watch/failurePolicy.js';
import { statePathOf } from '../watch/folderWatcher.js';
import { commitStaged, stageResults, uniqueResultBase } from '../watch/resultFiles.js';
import { sidecarPath, writeSidecars } from '../watch/sidecarFiles.js';
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
  readonly formats: readonly OutputFormat[];
  readonly sidecars: readonly SidecarKind[];
  readonly edlActions?: EdlActions | undefined;
  readonly onWarning?: ((message: string) => void) | undefined;
}

function layoutOf(data: JobLayout, context: JobContext) {
  return { root: data.root, outDir: context.outDir ?? data.outDir };
}

/** The print store `watch` keeps beside its state file (`<out or root>/.introdetect-watch.series`). */
function printsDirOf(layout: { root: string; outDir?: string | undefined }): string {
  const where = {
    root: layout.root,
    ...(layout.outDir !== undefined ? { outDir: layout.outDir } : {}),
  };
  return `${statePathOf(where).replace(/\.json$/, '')}.series`;
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
  layout: { root: string; outDir?: string | undefined },
  context: JobContext,
): string[] {
  const base = uniqueResultBase(layout, key, siblings);
  return [
    ...context.formats.map((f) => `${base}.intro${OUTPUT_FORMATS[f].extension}`),
    ...context.sidecars.map((kind) => sidecarPath(file, kind)),
  ];
}

/** Writes one episode's results (formats, atomically, in the watch layout) and its sidecars. */
async function writeResults(
  file: string,
  key: string,
  siblings: readonly string[],
  layout: { root: string; outDir?: string | undefined },
  result: DetectionResult,
  context: JobContext,
): Promise<string[]> {
  const formatOptions = context.edlActions ? { edlActions: context.edlActions } : {};
  const output = Object.fromEntries(
    context.formats.map((f) => [
      `intro${OUTPUT_FORMATS[f].extension}`,
      formatResult(result, f, formatOptions),
    ]),
  );
  const staged = await stageResults(output, uniqueResultBase(layout, key, siblings));
  await commitStaged(staged);
  if (context.sidecars.length > 0) {
    await writeSidecars(file, result, {
      kinds: context.sidecars,
      ...formatOptions,
      ...(context.onWarning ? { onWarning: context.onWarning } : {}),
    });
  }
  return staged.map((s) => s.to);
}

/**
 * An episode job: detects the file, keeps its prints (and its result alone) for the season's
 * join, and writes its results at once, joined with the episodes of its folder stored so far
 * (what `watch` does with a file arriving alone).
 */
export async function runEpisodeJob(
  data: EpisodeJobData,
  context: JobContext,
  { signal, beforeWrite }: JobRun = {},
): Promise<EpisodeJobResult> {
  const started = Date.now();
  const layout = layoutOf(data, context);
  const store = new PrintStore(printsDirOf(layout));
  const { model } = context.detect;
  const config = seriesConfigOf(model.config);
  const episode = await detectPrinted(data.file, {
    ...context.detect,
    ...(signal ? { signal } : {}),
  });
  await beforeWrite?.();
  const alone = alonePath(store.dir, data.file);
  // A run of this job killed mid-write (kill -9, power cut) left its temporary files behind.
  await removeLeftovers([
    alone,
    ...resultPaths(data.file, data.key, data.siblings, layout, context),
  ]);
  await mkdir(dirname(alone), { recursive: true });
  await writeFileAtomic(alone, JSON.stringify(episode.result));
  const partners = await store.neighbours(data.file, resolveJoin({}, config).reach);
  const result = refineWith(
    episode,
    partners.map((p) => ({ prints: p.prints, values: p.intro.values })),
    {},
    config,
  );
  await store.put(episode);
  await beforeWrite?.();
  const results = await writeResults(data.file, data.key, data.siblings, layout, result, context);
  return { file: data.file, key: data.key, results, elapsedMs: Date.now() - started };
}

/**
 * A season job, once its episodes are done: the series step over them, each joined with the
 * stored episodes of its folder before and after it (the model's `series.reach`), and their
 * results rewritten. Episodes that failed are not among the children's values: left out.
 */
export async function runSeasonJob(
  data: SeasonJobData,
  children: readonly EpisodeJobResult[],
  context: JobContext,
  { beforeWrite }: JobRun = {},
): Promise<SeasonJobResult> {
  const layout = layoutOf(data, context);
  const store = new PrintStore(printsDirOf(layout));
  const config = seriesConfigOf(context.detect.model.config);
  const { reach } = resolveJoin({}, config);
  // Every stored episode of the folder: the neighbours of a name that sorts before them all.
  const stored = await store.neighbours(join(data.dir, '\0'), Number.MAX_SAFE_INTEGER);
  const results: string[] = [];
  let joined = 0;
  for (const child of [...children].sort((a, b) => (a.key < b.key ? -1 : 1))) {
    const own = stored.find((e) => e.file === child.file);
    const alone = await readFile(alonePath(store.dir, child.file), 'utf8').catch(() => undefined);
    if (!own || alone === undefined) continue; // replaced meanwhile by a newer version's job
    const partners = await store.neighbours(child.file, reach);
    const result = refineWith(
      { result: JSON.parse(alone) as DetectionResult, prints: own.prints },
      partners.map((p) => ({ prints: p.prints, values: p.intro.values })),
      {},
      config,
    );
    const siblings = data.episodes.filter((k) => k !== child.key);
    await beforeWrite?.();
    results.push(...(await writeResults(child.file, child.key, siblings, layout, result, context)));
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
