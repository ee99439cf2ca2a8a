import { join } from 'node:path';
import { AbortedError } from '../errors.js';
import { dumpFeatures } from '../features/dumpFeatures.js';
import type { LocateFfmpegOptions } from '../streams/locateFfmpeg.js';
import { probe } from '../streams/probe.js';
import type { ProcessFile } from './processFile.js';

export interface FeaturesProcessorOptions extends LocateFfmpegOptions {
  /** Side of the square frames (default: dumpFeatures' default). */
  frameSize?: number;
  /** Also dump the log-mel windows (default true). */
  audio?: boolean;
}

/** Rejects with the signal's reason once it aborts. */
function aborted(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) => {
    const fail = () => reject(new AbortedError({ cause: signal.reason }));
    if (signal.aborted) fail();
    else signal.addEventListener('abort', fail, { once: true });
  });
}

/**
 * A processor that pre-featurises ingest folders for training: ffprobe (so files it rejects
 * fail as NOT_MEDIA, for good), then `dumpFeatures` into the scratch folder. Result:
 * `<name>.features/` with frames.npy, mel.npy and meta.json.
 */
export function featuresProcessor(options: FeaturesProcessorOptions = {}): ProcessFile {
  const { frameSize, audio, ...ffmpeg } = options;
  return async (input, signal, scratchDir) => {
    await probe(input, { ...ffmpeg, signal });
    const out = join(scratchDir, 'features');
    // Race the abort: dumpFeatures unsubscribes on abort and may then never settle.
    await Promise.race([
      dumpFeatures(input, out, {
        ...ffmpeg,
        signal,
        ...(frameSize !== undefined ? { frameSize } : {}),
        ...(audio !== undefined ? { audio } : {}),
      }),
      aborted(signal),
    ]);
    return { features: { path: out } };
  };
}
