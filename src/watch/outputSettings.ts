import type { EdlActions } from '../fusion/formats/edl.js';
import type { OutputFormat } from '../fusion/formats/index.js';
import type { SidecarKind } from '../fusion/formats/sidecar.js';

/**
 * What a library's detection writes for each episode: result files (`<name>.intro.json`…),
 * sidecars beside the video, Matroska chapters in place. `watch` records its settings in the
 * state file, so the server's season jobs and its corrections write the same files.
 */
export interface OutputSettings {
  /** Result files per episode, `<name>.intro<extension>` each. */
  readonly formats: readonly OutputFormat[];
  /** Sidecars beside each video (`ep1.edl` next to `ep1.mkv`). */
  readonly sidecars: readonly SidecarKind[];
  /** EDL action per segment kind (result and sidecar); default 3 for every kind. */
  readonly edlActions?: EdlActions;
  /** Set the chapters of Matroska videos in place (mkvpropedit). */
  readonly mkvChapters?: boolean;
  /**
   * Move each boundary from whole seconds to the frame before writing (`refineResult`: a few
   * seconds decoded around each one), as `detect --refine` does.
   */
  readonly refine?: boolean;
}

/** What `watch` writes without options: `<name>.intro.json` only. */
export const DEFAULT_OUTPUT: OutputSettings = Object.freeze({
  formats: Object.freeze(['json'] as const),
  sidecars: Object.freeze([]),
});
