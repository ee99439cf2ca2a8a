export { FolderWatcher, DEFAULT_STATE_NAME } from './folderWatcher.js';
export type { RunOptions, WatchOptions, WatchSummary } from './folderWatcher.js';
export type { ProcessFile, ProcessOutput, ResultContent } from './processFile.js';
export { featuresProcessor, type FeaturesProcessorOptions } from './featuresProcessor.js';
export { formatWatchEvent, type WatchEvent } from './watchEvents.js';
export { MEDIA_EXTENSIONS, isMediaName, parseExtensions } from './mediaFiles.js';
export { DEFAULT_RETRY, type RetryPolicy } from './failurePolicy.js';
export type { FileRecord, FileStatus } from './stateStore.js';
