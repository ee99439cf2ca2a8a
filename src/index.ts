// The public API of introdetect: everything exported here, and nothing else, is supported.

export {
  IntrodetectError,
  FfmpegNotFoundError,
  InputNotFoundError,
  NotMediaError,
  NoVideoStreamError,
  NoAudioStreamError,
  TruncatedMediaError,
  StreamDroppedError,
  FfmpegFailedError,
  AbortedError,
  InvalidArgumentError,
  ModelNotFoundError,
  InvalidLabelsError,
  EXIT_CODES,
  type ErrorCode,
} from './errors.js';

export {
  locateFfmpeg,
  type FfmpegPaths,
  type LocateFfmpegOptions,
} from './streams/locateFfmpeg.js';
export {
  probe,
  type MediaInfo,
  type VideoStreamInfo,
  type AudioStreamInfo,
  type ProbeOptions,
} from './streams/probe.js';
export {
  decode,
  SAMPLE_RATE,
  DEFAULT_FRAME_SIZE,
  type DecodeOptions,
  type DecodeEvent,
  type DecodeStart,
  type DecodedFrame,
  type PcmChunk,
  type DecodeEnd,
} from './streams/decode.js';
export { Demand } from './streams/demand.js';

export { MEL } from './audio/melConfig.js';
export { LogMelAnalyzer } from './audio/logMel.js';
export { MelWindowStore } from './audio/melWindows.js';
export { frameTensor } from './vision/frameTensor.js';

export { secondSamples } from './features/secondSamples.js';
export { joinSeconds, type SecondSample } from './features/joinSeconds.js';
export { dumpFeatures, type FeaturesMeta, type DumpOptions } from './features/dumpFeatures.js';

export { parseTimecode, formatTimecode } from './labels/timecode.js';
export type { Interval, EpisodeLabel, LabelsJsonEntry } from './labels/types.js';
