import type { FileSignature } from './fileSignature.js';

/**
 * The contract between the watcher and whatever analyses a file (detection, feature dumps, a
 * fake in tests). The watcher owns scheduling, state and atomic result files; a processor
 * only turns one input into named results.
 */

/**
 * One result: text or bytes (written by the watcher under a temporary name, fsynced and
 * renamed into place), or `{ path }`, a file or folder the processor already wrote inside
 * its `scratchDir`, which the watcher moves into place the same way.
 */
export type ResultContent = string | Uint8Array | { readonly path: string };

/**
 * Result suffix → content. The suffix is appended to the input's name without extension:
 * `{ 'intro.json': … }` for `Show/ep1.mkv` becomes `Show/ep1.intro.json`.
 */
export type ProcessOutput = Readonly<Record<string, ResultContent>>;

/** What the watcher offers a processor during one call. */
export interface ProcessContext {
  /**
   * The processor changed the input in place (Matroska chapters set with mkvpropedit):
   * `before` is the signature of the version it edited, `after` the one it left. When
   * `before` is the version the watcher picked, the watcher records `after`, so its own edit
   * does not make the file look new (a change by anyone else still does).
   */
  inputEdited(before: FileSignature, after: FileSignature): void;
}

/**
 * Analyses one settled input. Must stop promptly (and reject) when `signal` aborts.
 * `scratchDir` is an empty folder on the output file system, removed after the call.
 * Throw an `IntrodetectError` to let the watcher tell permanent failures (not media) from
 * transient ones (retried) and fatal ones (missing models or ffmpeg: the watcher stops).
 */
export type ProcessFile = (
  input: string,
  signal: AbortSignal,
  scratchDir: string,
  context?: ProcessContext,
) => Promise<ProcessOutput>;

/** A processor and what it holds (a loaded model), freed by `dispose()`. */
export interface Processor {
  readonly process: ProcessFile;
  dispose(): Promise<void>;
}
