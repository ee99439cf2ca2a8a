import { readFile } from 'node:fs/promises';
import { relative, resolve, sep } from 'node:path';
import type { DetectedSegment, DetectionResult } from '../fusion/detectionResult.js';
import { formatResult, OUTPUT_FORMATS, type OutputFormat } from '../fusion/formats/index.js';
import { segmentsOfResult } from '../fusion/formats/segments.js';
import { refineResult } from '../refine/refineResult.js';
import type { LocateFfmpegOptions } from '../streams/locateFfmpeg.js';
import { writeFileAtomic } from '../util/atomicFile.js';
import {
  applyCorrection,
  uncorrected,
  type Correction,
  type CorrectionStore,
  type ReviewedResult,
} from './corrections.js';
import { sameSignature, statSignature } from './fileSignature.js';
import { setMkvChapters } from './mkvChapters.js';
import type { OutputSettings } from './outputSettings.js';
import type { ProcessContext, ProcessOutput } from './processFile.js';
import { writeSidecars } from './sidecarFiles.js';
import { StateStore } from './stateStore.js';

/** `<root>/Show/S1/ep1.mkv` → `Show/S1/ep1.mkv`: a file's key in the state and corrections. */
export function libraryKey(root: string, file: string): string {
  return relative(resolve(root), resolve(file)).split(sep).join('/');
}

export interface FinishEpisodeOptions extends LocateFfmpegOptions {
  settings: OutputSettings;
  /** The library's corrections: a corrected episode keeps its correction (it wins). */
  corrections?: CorrectionStore | undefined;
  /** The episode's key (path under the library), under which its correction is kept. */
  key?: string | undefined;
  onWarning?: ((message: string) => void) | undefined;
  signal?: AbortSignal | undefined;
  /** Told when the video is edited in place (Matroska chapters): its new signature. */
  context?: ProcessContext | undefined;
}

/**
 * The one writer of an episode's detection, shared by `watch` and the server's season jobs:
 * moves its boundaries to the frame when the settings say `refine` (where that fails, the
 * whole-second result is written, with a warning), applies the episode's correction (read now, so a correction saved while it was detected
 * still wins), writes the sidecars beside the video and, when asked, its Matroska chapters in
 * place, and returns the result files' contents for the caller to stage and commit
 * atomically (`<name>.intro.json`, … per `settings.formats`).
 */
export async function finishEpisode(
  video: string,
  detected: DetectionResult,
  options: FinishEpisodeOptions,
): Promise<{ result: ReviewedResult; output: ProcessOutput }> {
  const { settings, corrections, key, onWarning, signal, context, ffmpegPath } = options;
  const correction = corrections && key !== undefined ? await corrections.get(key) : undefined;
  const found = settings.refine
    ? await refinedOrAsIs(detected, { ffmpegPath, signal, onWarning })
    : detected;
  const result = applyCorrection(found, correction);
  const formatOptions = settings.edlActions ? { edlActions: settings.edlActions } : {};
  if (settings.sidecars.length > 0 && !signal?.aborted) {
    await writeSidecars(video, result, {
      kinds: settings.sidecars,
      ...formatOptions,
      ...(onWarning ? { onWarning } : {}),
    });
  }
  if (settings.mkvChapters && !signal?.aborted) {
    const before = await statSignature(video);
    const done = await setMkvChapters(video, result, signal ? { signal } : {});
    const after = await statSignature(video);
    if (done === 'written' && before && after && !sameSignature(before, after)) {
      context?.inputEdited(before, after);
    } else if (done === 'foreign') {
      onWarning?.(`${video}: kept its chapters: introdetect did not write them`);
    } else if (done === 'not-matroska') {
      onWarning?.(`${video}: not a Matroska file, so --mkv-chapters leaves it alone`);
    }
  }
  const output = Object.fromEntries(
    settings.formats.map((f) => [
      `intro${OUTPUT_FORMATS[f].extension}`,
      formatResult(result, f, formatOptions),
    ]),
  );
  return { result, output };
}

/**
 * The result with its boundaries to the frame; the result as it is (and a warning) where the
 * decoding around a boundary fails, since a whole-second answer is still an answer.
 */
async function refinedOrAsIs(
  detected: DetectionResult,
  options: {
    ffmpegPath: string | undefined;
    signal: AbortSignal | undefined;
    onWarning: ((message: string) => void) | undefined;
  },
): Promise<DetectionResult> {
  const { ffmpegPath, signal, onWarning } = options;
  try {
    const { result } = await refineResult(detected, {
      ...(ffmpegPath !== undefined ? { ffmpegPath } : {}),
      ...(signal ? { signal } : {}),
    });
    return result;
  } catch (err) {
    if (signal?.aborted) throw err;
    onWarning?.(
      `${detected.file}: boundaries kept on whole seconds, refining failed: ${err instanceof Error ? err.message : String(err)}`,
    );
    return detected;
  }
}

/** The format of a result file the watcher wrote (`…/ep1.intro.edl` → edl), if any. */
function formatOfResult(path: string): OutputFormat | undefined {
  return (Object.keys(OUTPUT_FORMATS) as OutputFormat[]).find((f) =>
    path.endsWith(`.intro${OUTPUT_FORMATS[f].extension}`),
  );
}

/** Where a library's store is: its folder and the watcher's state file. */
export interface LibraryLocation {
  root: string;
  statePath: string;
}

/**
 * Writes a correction into what was already written for an episode: each of its result
 * files (those the state file lists for it) is rewritten atomically from its JSON result
 * with the correction applied, and its sidecars (`settings.sidecars`) beside the video; a
 * sidecar introdetect did not write is kept. Matroska chapters are not touched here (that
 * would change the watched file; the next detection writes them). An episode with no result
 * yet gets nothing: its detection applies the correction when it comes.
 * Returns the files written.
 */
export async function rewriteCorrected(
  library: LibraryLocation,
  key: string,
  correction: Correction,
  options: { settings: OutputSettings; onWarning?: ((message: string) => void) | undefined },
): Promise<string[]> {
  const written = await writtenResults(library, key);
  if (!written) return [];
  return rewriteResults(written, (previous) => applyCorrection(previous, correction), options);
}

/** What was written for one episode: its video, its key and its result files. */
export interface WrittenEpisode {
  readonly video: string;
  readonly key: string;
  /** Its result files (`…/ep1.intro.json`, …); other paths among them are passed over. */
  readonly results: readonly string[];
}

/** What the watcher's state file says was written for `key`; undefined while it is not done. */
export async function writtenResults(
  library: LibraryLocation,
  key: string,
): Promise<WrittenEpisode | undefined> {
  const state = await StateStore.open(library.statePath, library.root);
  const record = state.get(key);
  if (record?.status !== 'done') return undefined;
  return { video: resolve(library.root, ...key.split('/')), key, results: record.results };
}

export interface AddPreviewOptions extends LocateFfmpegOptions {
  settings: OutputSettings;
  /** The library's corrections: the episode's, if any, is applied again over the new result. */
  corrections?: CorrectionStore | undefined;
  onWarning?: ((message: string) => void) | undefined;
  signal?: AbortSignal | undefined;
  /** Told, once files were rewritten, what was added and which episode (key) revealed it. */
  onEvent?: ((message: string) => void) | undefined;
  revealedBy?: string | undefined;
}

/**
 * Adds a preview found after an episode was written (the series step finds it once the next
 * episode is in) to what was written for it (`writtenResults` in a watched library; a queue
 * worker knows the paths), as `rewriteCorrected` rewrites: its result files and sidecars, a
 * preview it had replaced, its correction kept. With `settings.refine` the preview's
 * boundaries go to the frame first (its other boundaries are refined already). An episode
 * without a JSON result, or with this preview already, is left as it is. Returns the files
 * written.
 */
export async function addPreview(
  written: WrittenEpisode,
  preview: DetectedSegment,
  options: AddPreviewOptions,
): Promise<string[]> {
  const { settings, corrections, onWarning, signal, ffmpegPath, onEvent, revealedBy } = options;
  const correction = corrections ? await corrections.get(written.key) : undefined;
  const rewritten = await rewriteResults(
    written,
    async (previous) => {
      const detected = uncorrected(previous);
      // The preview alone to the frame (the episode's other boundaries are already).
      const placed = settings.refine
        ? ((
            await refinedOrAsIs(
              { ...detected, intro: null, credits: null, segments: [preview] },
              { ffmpegPath, signal, onWarning },
            )
          ).segments?.[0] ?? preview)
        : preview;
      const parts = segmentsOfResult(detected);
      const same = (s: DetectedSegment) =>
        s.type === 'preview' && s.start === placed.start && s.end === placed.end;
      if (parts.some(same)) return undefined;
      const segments = [...parts.filter((s) => s.type !== 'preview'), placed].sort(
        (a, b) => a.start - b.start,
      );
      return applyCorrection({ ...detected, segments }, correction);
    },
    { settings, onWarning },
  );
  if (rewritten.length > 0) {
    const by = revealedBy === undefined ? '' : ` (now that ${revealedBy} is in)`;
    onEvent?.(
      `${written.key}: preview ${preview.start}–${preview.end} s${by}: ${rewritten.length} file(s) rewritten`,
    );
  }
  return rewritten;
}

/**
 * Rewrites each of an episode's result files atomically from its JSON result as `change`
 * makes it, and its sidecars beside the video; `change` returning undefined, or no JSON
 * result on disk, leaves everything as it is.
 */
async function rewriteResults(
  { video, results }: WrittenEpisode,
  change: (previous: ReviewedResult) => Promise<ReviewedResult | undefined> | ReviewedResult,
  options: { settings: OutputSettings; onWarning?: ((message: string) => void) | undefined },
): Promise<string[]> {
  const json = results.find((r) => formatOfResult(r) === 'json');
  if (!json) return [];
  let previous: ReviewedResult;
  try {
    previous = JSON.parse(await readFile(json, 'utf8')) as ReviewedResult;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  const result = await change(previous);
  if (!result) return [];
  const { settings, onWarning } = options;
  const formatOptions = settings.edlActions ? { edlActions: settings.edlActions } : {};
  const written: string[] = [];
  for (const path of results) {
    const format = formatOfResult(path);
    if (!format) continue;
    await writeFileAtomic(path, formatResult(result, format, formatOptions));
    written.push(path);
  }
  if (settings.sidecars.length > 0) {
    const sidecars = await writeSidecars(video, result, {
      kinds: settings.sidecars,
      ...formatOptions,
      ...(onWarning ? { onWarning } : {}),
    });
    written.push(...sidecars.written);
  }
  return written;
}
