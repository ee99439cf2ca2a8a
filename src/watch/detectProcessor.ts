import { detectEpisode, type Passes } from '../fusion/detectEpisode.js';
import type { EdlActions } from '../fusion/formats/edl.js';
import type { OutputFormat } from '../fusion/formats/index.js';
import type { SidecarKind } from '../fusion/formats/sidecar.js';
import { modelFor, type ModelChoice } from '../fusion/modelChoice.js';
import { detectWithPrintStore } from '../series/detectWithPrintStore.js';
import { PrintStore } from '../series/printStore.js';
import type { LocateFfmpegOptions } from '../streams/locateFfmpeg.js';
import type { CorrectionStore } from './corrections.js';
import {
  addPreview,
  finishEpisode,
  libraryKey,
  writtenResults,
  type LibraryLocation,
} from './episodeOutput.js';
import type { Processor } from './processFile.js';

export interface DetectProcessorOptions extends LocateFfmpegOptions, ModelChoice {
  /** Results written per file, `<name>.intro<extension>` each (default: json). */
  formats?: readonly OutputFormat[];
  /** EDL action per segment kind, for the edl result and sidecar (default 3 for every kind). */
  edlActions?: EdlActions;
  /**
   * Sidecars written beside each input (`ep1.edl` next to `ep1.mkv`, where players look),
   * whatever `outDir` the watcher has; a file there that introdetect did not write is kept (a
   * warning through `onWarning`). Default: none.
   */
  sidecars?: readonly SidecarKind[];
  /**
   * The series step: the prints of the files processed are kept in this folder, and each new
   * file is joined with the episodes of its folder processed before it. Absent: each file alone.
   */
  printsDir?: string;
  /**
   * Set the chapters of Matroska inputs in place (mkvpropedit); the watcher is told the
   * file's new signature, so its own edit does not make it look new.
   */
  mkvChapters?: boolean;
  /**
   * The library's corrections (review page): a corrected file keeps its correction in every
   * result and sidecar, whatever the detection says. Keys are paths under `root`.
   */
  corrections?: { store: CorrectionStore; root: string };
  /**
   * The library's results (its root and the watcher's state file), with `printsDir`: a file's
   * episode before it by name gets the preview of it that only this file reveals, added to the
   * results already written for it (`addPreview`). Absent: earlier results are never touched.
   */
  library?: LibraryLocation;
  /** Told what the processor did besides the file's own results (an earlier one's preview). */
  onEvent?: (message: string) => void;
  /** Decoding passes per file (default DEFAULT_PASSES, 1; see Passes). */
  passes?: Passes;
  /** Write each boundary to the frame (`refineResult`), not on whole seconds. */
  refine?: boolean;
  /** Aborts the model load. */
  signal?: AbortSignal;
}

/** The detection processor; `dispose()` frees the model it loaded. */
export interface DetectProcessor extends Processor, AsyncDisposable {}

/**
 * A processor that finds each file's intro and credits, with one model loaded up front (a
 * missing model fails here, before the watcher touches a file, not once per file).
 */
export async function detectProcessor(
  options: DetectProcessorOptions = {},
): Promise<DetectProcessor> {
  const {
    formats = ['json'],
    edlActions,
    sidecars = [],
    mkvChapters = false,
    refine = false,
    corrections,
    printsDir,
    library,
    onEvent,
    signal,
    ...choice
  } = options;
  const settings = {
    formats,
    sidecars,
    mkvChapters,
    ...(edlActions ? { edlActions } : {}),
    ...(refine ? { refine } : {}),
  };
  const { model, owned } = await modelFor(choice, signal);
  const store = printsDir === undefined ? undefined : new PrintStore(printsDir);
  const dispose = () => (owned ? model.dispose() : Promise.resolve());
  return {
    process: async (input, fileSignal, _scratch, context) => {
      const detect = { ...choice, model, signal: fileSignal };
      const joined = store
        ? await detectWithPrintStore(input, store, detect)
        : { result: await detectEpisode(input, detect), previous: null };
      const { result, previous } = joined;
      const { output } = await finishEpisode(input, result, {
        settings,
        corrections: corrections?.store,
        key: corrections ? libraryKey(corrections.root, input) : undefined,
        onWarning: choice.onWarning,
        signal: fileSignal,
        context,
        ffmpegPath: choice.ffmpegPath,
      });
      if (previous && library) {
        const before = await writtenResults(library, libraryKey(library.root, previous.file));
        if (before) {
          await addPreview(before, previous.preview, {
            settings,
            corrections: corrections?.store,
            onWarning: choice.onWarning,
            signal: fileSignal,
            ffmpegPath: choice.ffmpegPath,
            onEvent,
            revealedBy: libraryKey(library.root, input),
          });
        }
      }
      return output;
    },
    dispose,
    [Symbol.asyncDispose]: dispose,
  };
}
