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
  TrainingUnavailableError,
  TrainingFailedError,
  FrozenSetMismatchError,
  MkvToolnixError,
  QueueUnavailableError,
  StreamsOutOfStepError,
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

export { readLabels } from './labels/readLabels.js';
export { writeLabelsJson } from './labels/writeLabelsJson.js';
export {
  computeMetrics,
  type EvalMetrics,
  type KindMetrics,
  type EpisodeResult,
  type MetricsOptions,
  type Share,
} from './eval/metrics.js';
export { runEval, type EvalOptions, type EvalReport, type EvalResult } from './eval/runEval.js';
export { findFailures, formatFailureTable, type Failure } from './eval/failureTable.js';
export {
  freezeCorpus,
  checkFrozen,
  assertFrozen,
  type FrozenSetRecord,
  type FrozenSetCheck,
} from './corpus/frozenSet.js';
export type { EpisodePrediction } from './eval/predictionTypes.js';

export {
  DEFAULT_PASSES,
  detectEpisode,
  type DetectOptions,
  type DetectProgress,
  type DetectTimings,
  type Passes,
} from './fusion/detectEpisode.js';
export { EpisodeModel, type EpisodeModelOptions } from './fusion/episodeModel.js';
export type { ModelChoice } from './fusion/modelChoice.js';
export type { DetectedSegment, DetectionResult } from './fusion/detectionResult.js';
export { segmentsOfResult } from './fusion/formats/segments.js';
export { PART_TYPES, type LabelledPart, type PartType } from './labels/types.js';
export { type Mode, MODES } from './fusion/modelConfig.js';
export { type Provider, PROVIDER_NAMES } from './fusion/onnxBackend.js';
export {
  DEFAULT_DECISION,
  type DecisionConfig,
  type TargetDecision,
} from './fusion/decisionConfig.js';
export { clusterPositives, type Cluster } from './fusion/clusterPositives.js';
export { pickInterval, type Interval as DetectedInterval } from './fusion/pickInterval.js';
export { decide } from './fusion/decide.js';
export { formatResult, type FormatOptions, type OutputFormat } from './fusion/formats/index.js';
export { parseEdlActions, type EdlAction, type EdlActions } from './fusion/formats/edl.js';
export { SEGMENT_KINDS, type SegmentKind } from './fusion/formats/segments.js';
export {
  jellyfinSegmentsOf,
  toTicks,
  type JellyfinSegment,
  type JellyfinSegmentType,
} from './fusion/formats/jellyfin.js';
export { formatSidecar, isOwnSidecar, type SidecarKind } from './fusion/formats/sidecar.js';
export { joinRepeatedPieces, type JoinPiecesOptions } from './series/joinRepeatedPieces.js';

export { detectSeries, type SeriesOptions, type SeriesOutcome } from './series/detectSeries.js';
export { refineResult, type RefineOptions, type RefinedBoundary } from './refine/refineResult.js';
export { snapBoundary, type SnapCue, type SnapOptions } from './refine/snapBoundary.js';
export { boundaryCues, type BoundaryCues, type FrameCue } from './refine/boundaryCues.js';
export type { SeriesGrouping } from './series/groupEpisodes.js';
export {
  SeriesJoiner,
  refineSeries,
  type JoinOptions,
  type PrintedEpisode,
} from './series/seriesJoiner.js';
export {
  repeatedRuns,
  MATCH_DEFAULTS,
  type MatchOptions,
  type RepeatedRun,
} from './series/repeatedRuns.js';
export { secondPrint, type SecondPrint } from './series/secondPrint.js';
export {
  DEFAULT_SERIES,
  SERIES_PARAMS,
  parseSeriesConfig,
  seriesConfigOf,
  type SeriesConfig,
  type SeriesParam,
} from './series/seriesConfig.js';
export {
  tuneSeries,
  DEFAULT_SERIES_GRID,
  VISION_SERIES_GRID,
  type SeriesGrid,
  type TunedSeries,
} from './tuning/tuneSeries.js';
export { printSeasons, type PrintSeasonsOptions } from './tuning/printSeasons.js';

export {
  detectStream,
  STREAM_DEFAULTS,
  type StreamDetectOptions,
  type DecidedSecond,
} from './live/detectStream.js';
export type { StreamNotice } from './live/reconnectingSamples.js';
export {
  formatStreamEvent,
  STREAM_FORMATS,
  type StreamEvent,
  type StreamEventName,
  type StreamFormat,
} from './live/streamEvent.js';
export { StreamClock, type ClockConnection } from './live/streamClock.js';
export { LiveRecaps, type LiveRecapOptions } from './live/liveRecaps.js';
export {
  LiveChannel,
  type ChannelEvent,
  type ChannelSpec,
  type ChannelState,
  type ChannelStatus,
  type LiveChannelOptions,
} from './live/liveChannel.js';
export { ChannelRunner, type ChannelRunnerOptions } from './live/channelRunner.js';
export { parseChannelsConfig, readChannelsConfig } from './live/channelConfig.js';
export { startLiveServer, type LiveServerOptions } from './live/liveServer.js';
export { WebhookSink, type WebhookOptions, type WebhookStats } from './live/webhook.js';
export {
  PlaylistTimeline,
  type PlaylistTimelineOptions,
  type SegmentPlace,
} from './live/hls/playlistTimeline.js';
export { republishPlaylist, type SkipRange } from './live/hls/daterangePlaylist.js';
export {
  createLogger,
  LOG_FORMATS,
  type LogFormat,
  type Logger,
  type LoggerOptions,
} from './util/logger.js';

export {
  FolderWatcher,
  type WatchOptions,
  type RunOptions,
  type WatchSummary,
} from './watch/folderWatcher.js';
export { formatWatchEvent, type WatchEvent } from './watch/watchEvents.js';
export {
  sidecarPath,
  writeSidecars,
  type SidecarOptions,
  type SidecarOutcome,
} from './watch/sidecarFiles.js';
export { setMkvChapters, type MkvChaptersOutcome } from './watch/mkvChapters.js';
export type { ProcessFile, ProcessOutput, Processor, ResultContent } from './watch/processFile.js';
export {
  detectProcessor,
  type DetectProcessor,
  type DetectProcessorOptions,
} from './watch/detectProcessor.js';
export { featuresProcessor, type FeaturesProcessorOptions } from './watch/featuresProcessor.js';
export { MEDIA_EXTENSIONS } from './watch/mediaFiles.js';
export { DEFAULT_RETRY, type RetryPolicy } from './watch/failurePolicy.js';

export {
  compareModes,
  COMPARE_GROUPINGS,
  formatCompareEvent,
  type CompareEvent,
  type CompareGrouping,
  type CompareOptions,
  type ModeRun,
} from './compare/compareModes.js';
export { formatComparison } from './compare/formatComparison.js';

export { redisConnection } from './queue/connection.js';
export {
  enqueueSeasons,
  planSeasons,
  type EnqueueOptions,
  type EnqueueSummary,
  type SeasonPlan,
} from './queue/enqueue.js';
export { QueueWorker, type QueueWorkerOptions } from './queue/queueWorker.js';
export {
  queueStatus,
  retryFailed,
  drainQueue,
  type QueueStatus,
  type FailedJob,
} from './queue/queueStatus.js';

export {
  checkBinding,
  createServer,
  isLoopback,
  type ServerOptions,
} from './serve/createServer.js';
export { CorrectionStore, type Correction } from './watch/corrections.js';
export {
  detectSeason,
  type DetectSeasonOptions,
  type SeasonFileOutcome,
  type SeasonProgress,
} from './watch/detectSeason.js';
export {
  readLibrary,
  type EpisodeStatus,
  type EpisodeSummary,
  type LibraryStore,
  type SeasonSummary,
} from './serve/libraryIndex.js';
