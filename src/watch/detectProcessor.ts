import { detectEpisode } from '../fusion/detectEpisode.js';
import type { EdlActions } from '../fusion/formats/edl.js';
import { formatResult, OUTPUT_FORMATS, type OutputFormat } from '../fusion/formats/index.js';
import type { SidecarKind } from '../fusion/formats/sidecar.js';
import { modelFor, type ModelChoice } from '../fusion/modelChoice.js';
import { detectWithPrintStore } from '../series/detectWithPrintStore.js';
import { PrintStore } from '../series/printStore.js';
import type { LocateFfmpegOptions } from '../streams/locateFfmpeg.js';
import type { Processor } from './processFile.js';
import { writeSidecars } from './sidecarFiles.js';

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
  const { formats = ['json'], edlActions, sidecars = [], printsDir, signal, ...choice } = options;
  const formatOptions = edlActions ? { edlActions } : {};
  const { model, owned } = await modelFor(choice, signal);
  const store = printsDir === undefined ? undefined : new PrintStore(printsDir);
  const dispose = () => (owned ? model.dispose() : Promise.resolve());
  return {
    process: async (input, fileSignal) => {
      const detect = { ...choice, model, signal: fileSignal };
      const result = store
        ? await detectWithPrintStore(input, store, detect)
        : await detectEpisode(input, detect);
      if (sidecars.length > 0 && !fileSignal.aborted) {
        await writeSidecars(input, result, {
          kinds: sidecars,
          ...formatOptions,
          ...(choice.onWarning ? { onWarning: choice.onWarning } : {}),
        });
      }
      return Object.fromEntries(
        formats.map((f) => [
          `intro${OUTPUT_FORMATS[f].extension}`,
          formatResult(result, f, formatOptions),
        ]),
      );
    },
    dispose,
    [Symbol.asyncDispose]: dispose,
  };
}
