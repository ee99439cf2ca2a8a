/**
 * Typed errors. Every failure introdetect reports is an `IntrodetectError` with a stable
 * `code` (for programs) and an `exitCode` (for the CLI), a message that says what went wrong
 * and what the user can do, and the original error kept as `cause`.
 */

export type ErrorCode =
  | 'FFMPEG_NOT_FOUND'
  | 'INPUT_NOT_FOUND'
  | 'NOT_MEDIA'
  | 'NO_VIDEO_STREAM'
  | 'NO_AUDIO_STREAM'
  | 'TRUNCATED_MEDIA'
  | 'STREAM_DROPPED'
  | 'FFMPEG_FAILED'
  | 'ABORTED'
  | 'INVALID_ARGUMENT'
  | 'MODEL_NOT_FOUND'
  | 'INVALID_LABELS'
  | 'TRAINING_UNAVAILABLE'
  | 'TRAINING_FAILED'
  | 'FROZEN_SET_MISMATCH'
  | 'MKVTOOLNIX_FAILED'
  | 'QUEUE_UNAVAILABLE';

/** CLI exit status for each code; stable, documented in the README. */
export const EXIT_CODES: Readonly<Record<ErrorCode, number>> = {
  INVALID_ARGUMENT: 2,
  FFMPEG_NOT_FOUND: 3,
  INPUT_NOT_FOUND: 4,
  NOT_MEDIA: 5,
  NO_VIDEO_STREAM: 6,
  NO_AUDIO_STREAM: 7,
  TRUNCATED_MEDIA: 8,
  STREAM_DROPPED: 9,
  FFMPEG_FAILED: 10,
  MODEL_NOT_FOUND: 11,
  INVALID_LABELS: 12,
  TRAINING_UNAVAILABLE: 13,
  TRAINING_FAILED: 14,
  FROZEN_SET_MISMATCH: 15,
  MKVTOOLNIX_FAILED: 16,
  QUEUE_UNAVAILABLE: 17,
  ABORTED: 130,
};

export interface IntrodetectErrorOptions {
  cause?: unknown;
  /** The last lines ffmpeg/ffprobe wrote to stderr, when a child process was involved. */
  stderr?: string;
}

export class IntrodetectError extends Error {
  readonly code: ErrorCode;
  readonly stderr: string | undefined;

  constructor(code: ErrorCode, message: string, options: IntrodetectErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'IntrodetectError';
    this.code = code;
    this.stderr = options.stderr;
  }

  get exitCode(): number {
    return EXIT_CODES[this.code];
  }
}

export class FfmpegNotFoundError extends IntrodetectError {
  constructor(message: string, options?: IntrodetectErrorOptions) {
    super('FFMPEG_NOT_FOUND', message, options);
    this.name = 'FfmpegNotFoundError';
  }
}

export class InputNotFoundError extends IntrodetectError {
  readonly input: string;
  constructor(input: string, options?: IntrodetectErrorOptions) {
    super(
      'INPUT_NOT_FOUND',
      `Input not found: ${input}. Check the path or URL (and that the server is up).`,
      options,
    );
    this.name = 'InputNotFoundError';
    this.input = input;
  }
}

export class NotMediaError extends IntrodetectError {
  readonly input: string;
  constructor(input: string, options?: IntrodetectErrorOptions) {
    super(
      'NOT_MEDIA',
      `Not a media file ffmpeg can read: ${input}. Check that it is a video (MP4, MKV, TS, WebM, HLS…) and not empty or damaged.`,
      options,
    );
    this.name = 'NotMediaError';
    this.input = input;
  }
}

export class NoVideoStreamError extends IntrodetectError {
  readonly input: string;
  constructor(input: string, options?: IntrodetectErrorOptions) {
    super(
      'NO_VIDEO_STREAM',
      `No video stream in ${input}. introdetect needs the picture; audio-only files cannot be analysed.`,
      options,
    );
    this.name = 'NoVideoStreamError';
    this.input = input;
  }
}

export class NoAudioStreamError extends IntrodetectError {
  readonly input: string;
  constructor(input: string, options?: IntrodetectErrorOptions) {
    super(
      'NO_AUDIO_STREAM',
      `No audio stream in ${input}. Use vision-only mode (--mode vision) for files without sound.`,
      options,
    );
    this.name = 'NoAudioStreamError';
    this.input = input;
  }
}

export class TruncatedMediaError extends IntrodetectError {
  readonly input: string;
  /** Whole seconds that were decoded (and delivered) before the damage. */
  readonly secondsDecoded: number;
  constructor(input: string, secondsDecoded: number, options?: IntrodetectErrorOptions) {
    super(
      'TRUNCATED_MEDIA',
      `${input} is truncated or corrupt: decoding stopped after ${secondsDecoded} s. The seconds before that were delivered; re-copy or re-encode the file to analyse the rest.`,
      options,
    );
    this.name = 'TruncatedMediaError';
    this.input = input;
    this.secondsDecoded = secondsDecoded;
  }
}

export class StreamDroppedError extends IntrodetectError {
  readonly input: string;
  readonly secondsDecoded: number;
  constructor(input: string, secondsDecoded: number, options?: IntrodetectErrorOptions) {
    super(
      'STREAM_DROPPED',
      `The stream ${input} dropped after ${secondsDecoded} s. Check the network or the server; the seconds before the drop were delivered.`,
      options,
    );
    this.name = 'StreamDroppedError';
    this.input = input;
    this.secondsDecoded = secondsDecoded;
  }
}

export class FfmpegFailedError extends IntrodetectError {
  readonly exitStatus: number | undefined;
  readonly signal: string | undefined;
  constructor(
    message: string,
    details: { exitStatus?: number; signal?: string } & IntrodetectErrorOptions = {},
  ) {
    super('FFMPEG_FAILED', message, details);
    this.name = 'FfmpegFailedError';
    this.exitStatus = details.exitStatus;
    this.signal = details.signal;
  }
}

export class AbortedError extends IntrodetectError {
  constructor(options?: IntrodetectErrorOptions) {
    super('ABORTED', 'The operation was aborted.', options);
    this.name = 'AbortedError';
  }
}

export class InvalidArgumentError extends IntrodetectError {
  constructor(message: string, options?: IntrodetectErrorOptions) {
    super('INVALID_ARGUMENT', message, options);
    this.name = 'InvalidArgumentError';
  }
}

export class ModelNotFoundError extends IntrodetectError {
  constructor(message: string, options?: IntrodetectErrorOptions) {
    super('MODEL_NOT_FOUND', message, options);
    this.name = 'ModelNotFoundError';
  }
}

export class InvalidLabelsError extends IntrodetectError {
  constructor(message: string, options?: IntrodetectErrorOptions) {
    super('INVALID_LABELS', message, options);
    this.name = 'InvalidLabelsError';
  }
}

/** What `introdetect train` lacks: its Python scripts, a Python, or a module (torch, numpy). */
export type TrainingRequirement = 'scripts' | 'python' | 'module';

export class TrainingUnavailableError extends IntrodetectError {
  readonly missing: TrainingRequirement;
  constructor(missing: TrainingRequirement, message: string, options?: IntrodetectErrorOptions) {
    super('TRAINING_UNAVAILABLE', message, options);
    this.name = 'TrainingUnavailableError';
    this.missing = missing;
  }
}

/** A training or export script of `introdetect train` exited with an error (its output is above it). */
export class TrainingFailedError extends IntrodetectError {
  /** The script that failed, relative to the package (`training/train.py`). */
  readonly script: string;
  readonly scriptExitCode: number | undefined;
  constructor(
    script: string,
    scriptExitCode: number | undefined,
    options?: IntrodetectErrorOptions,
  ) {
    super(
      'TRAINING_FAILED',
      `${script} failed${scriptExitCode === undefined ? '' : ` with exit status ${scriptExitCode}`}; its messages are above. Check the --set keys and values against training/train.py's TrainConfig and ModelConfig, and that the labels and feature dumps it names exist; --resume continues from the last checkpoint.`,
      options,
    );
    this.name = 'TrainingFailedError';
    this.script = script;
    this.scriptExitCode = scriptExitCode;
  }
}

/**
 * The decoder's audio and video ran further apart than joinSeconds buffers (`maxBuffered`):
 * one stream stopped or the input is badly interleaved. The seconds before were delivered.
 */
export class StreamsOutOfStepError extends IntrodetectError {
  /** The stream that ran ahead (its data waited for the other's). */
  readonly ahead: 'video' | 'audio';
  /** Whole seconds delivered before the join gave up. */
  readonly secondsDecoded: number;
  /** Seconds the join holds at most. */
  readonly maxBuffered: number;
  constructor(
    ahead: 'video' | 'audio',
    secondsDecoded: number,
    maxBuffered: number,
    options?: IntrodetectErrorOptions,
  ) {
    const behind = ahead === 'video' ? 'audio' : 'video';
    super(
      'TRUNCATED_MEDIA',
      `The ${ahead} ran more than ${maxBuffered} s ahead of the ${behind} after ${secondsDecoded} s: the ${behind} stops or the input is badly interleaved. The seconds before were delivered; re-mux or re-encode the input, or allow more buffering (maxBuffered).`,
      options,
    );
    this.name = 'StreamsOutOfStepError';
    this.ahead = ahead;
    this.secondsDecoded = secondsDecoded;
    this.maxBuffered = maxBuffered;
  }
}

/** A frozen evaluation set's folder no longer holds the files its record names (`freeze --check`). */
export class FrozenSetMismatchError extends IntrodetectError {
  readonly labelsMatch: boolean;
  readonly changed: readonly string[];
  readonly missing: readonly string[];
  constructor(
    dir: string,
    check: { labelsMatch: boolean; changed: readonly string[]; missing: readonly string[] },
  ) {
    const list = (files: readonly string[]) =>
      `${files.slice(0, 5).join(', ')}${files.length > 5 ? `, … (${files.length})` : ''}`;
    super(
      'FROZEN_SET_MISMATCH',
      `${dir} is not the frozen set: ${[
        check.labelsMatch ? '' : 'labels.json differs (scores would not be comparable)',
        check.missing.length ? `missing ${list(check.missing)}` : '',
        check.changed.length ? `changed ${list(check.changed)}` : '',
      ]
        .filter(Boolean)
        .join(
          '; ',
        )}. Rebuild it with the record's build command, or use the folder it was frozen from.`,
    );
    this.name = 'FrozenSetMismatchError';
    this.labelsMatch = check.labelsMatch;
    this.changed = check.changed;
    this.missing = check.missing;
  }
}

/**
 * `--mkv-chapters` could not set a Matroska file's chapters: mkvtoolnix (`mkvpropedit`,
 * `mkvextract`) is not installed (`missing`), or it failed on the file (its stderr is kept).
 */
export class MkvToolnixError extends IntrodetectError {
  readonly missing: boolean;
  constructor(message: string, options: IntrodetectErrorOptions & { missing?: boolean } = {}) {
    super('MKVTOOLNIX_FAILED', message, options);
    this.name = 'MkvToolnixError';
    this.missing = options.missing ?? false;
  }
}

/** The job queue's Redis server cannot be reached (`queue`, `worker`, `watch --enqueue`). */
export class QueueUnavailableError extends IntrodetectError {
  readonly url: string;
  constructor(url: string, options?: IntrodetectErrorOptions) {
    super(
      'QUEUE_UNAVAILABLE',
      `Cannot reach the job queue's Redis at ${url}. Check that redis-server runs there and listens on that address (bind, protected-mode, firewall), and the --redis URL.`,
      options,
    );
    this.name = 'QueueUnavailableError';
    this.url = url;
  }
}
