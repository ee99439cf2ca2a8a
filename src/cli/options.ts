import { InvalidArgumentError as CommanderArgumentError, type Command } from 'commander';
import type { Passes } from '../fusion/detectEpisode.js';
import type { EdlActions } from '../fusion/formats/edl.js';
import { parseOutputFormat } from '../fusion/formats/index.js';
import type { SidecarKind } from '../fusion/formats/sidecar.js';
import type { ModelChoice } from '../fusion/modelChoice.js';
import { parseMode } from '../fusion/modelConfig.js';
import { parseTimecode } from '../labels/timecode.js';
import type { LocateFfmpegOptions } from '../streams/locateFfmpeg.js';
import type { OutputSettings } from '../watch/outputSettings.js';

/** Commander parser for "90", "90.5" or "0:01:30". */
export function parseSeconds(value: string): number {
  try {
    return parseTimecode(value);
  } catch {
    throw new CommanderArgumentError(
      `"${value}" is not a time (use seconds, e.g. 90, or H:MM:SS).`,
    );
  }
}

/** The global options every decoding command shares (currently --ffmpeg). */
export function decodeOptionsFrom(cmd: Command): LocateFfmpegOptions {
  const globals = cmd.optsWithGlobals<{ ffmpeg?: string }>();
  return globals.ffmpeg ? { ffmpegPath: globals.ffmpeg } : {};
}

/** Wraps a parser that throws plain errors into one commander reports as a bad option value. */
export const commanderParser =
  <T>(parse: (v: string) => T) =>
  (v: string): T => {
    try {
      return parse(v);
    } catch (err) {
      throw new CommanderArgumentError(err instanceof Error ? err.message : String(err));
    }
  };

/** Commander parser for a whole number >= min. */
export const wholeNumberAtLeast = (min: number) =>
  commanderParser((v: string) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min) throw new Error(`"${v}" is not a whole number >= ${min}.`);
    return n;
  });

/** The detection and output flags that `watch` and `worker` share, as commander parses them. */
export interface DetectionFlags {
  mode?: string | undefined;
  models?: string | undefined;
  threads: number;
  passes: Passes;
  format?: string | undefined;
  sidecar: boolean;
  sidecarFormats?: SidecarKind[] | undefined;
  edlAction?: EdlActions | undefined;
  mkvChapters?: boolean | undefined;
  refine?: boolean | undefined;
}

/** The help of `--part-heads`, the same for every command that has it. */
export const PART_HEADS_HELP =
  "also list the recaps and previews the model's own heads find (models trained with recap and preview heads; the series step's matches replace them where it finds its own). Off by default: they lowered recap and preview precision on the frozen set (model card)";

/** The help of `--refine`, the same for every command that has it. */
export const REFINE_HELP =
  'move each boundary from whole seconds to the frame where the picture or sound changes (a shot cut, black, silence), decoding a few seconds around each one; times to the millisecond';

/** What those flags ask for: the model and its run, and what to write per episode. */
export interface DetectionOptions {
  readonly detect: ModelChoice & { intraOpThreads: number; passes: Passes };
  /**
   * Result files, sidecars, EDL actions, Matroska chapters, boundaries to the frame; undefined
   * when none of `--format`, `--sidecar`, `--sidecar-formats`, `--edl-action`, `--mkv-chapters`,
   * `--refine` was given
   * (each command then has its own default). Given, they make one whole setting: what was not
   * given is the default (json results, no sidecar, EDL action 3, no chapters, whole seconds).
   */
  readonly output: OutputSettings | undefined;
}

/**
 * The one place the detection flags become options: `--mode`, `--models`, `--threads`,
 * `--passes`, and the output flags (`--sidecar` alone means the edl sidecar; `--refine` writes
 * boundaries to the frame).
 */
export function detectionOptionsFrom(flags: DetectionFlags): DetectionOptions {
  const sidecars = flags.sidecarFormats ?? (flags.sidecar ? ['edl' as const] : undefined);
  const given =
    flags.format !== undefined ||
    sidecars !== undefined ||
    flags.edlAction !== undefined ||
    flags.mkvChapters === true ||
    flags.refine === true;
  return {
    detect: {
      ...(flags.mode !== undefined ? { mode: parseMode(flags.mode) } : {}),
      ...(flags.models !== undefined ? { modelDir: flags.models } : {}),
      intraOpThreads: flags.threads,
      passes: flags.passes,
    },
    output: given
      ? {
          formats: (flags.format ?? 'json').split(',').map((f) => parseOutputFormat(f.trim())),
          sidecars: sidecars ?? [],
          ...(flags.edlAction ? { edlActions: flags.edlAction } : {}),
          ...(flags.mkvChapters ? { mkvChapters: true } : {}),
          ...(flags.refine ? { refine: true } : {}),
        }
      : undefined,
  };
}
