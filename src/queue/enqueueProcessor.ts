import type { Processor } from '../watch/processFile.js';
import { Enqueuer, planFile, type EnqueueOptions } from './enqueue.js';

export interface EnqueueProcessorOptions extends EnqueueOptions {
  /** The watched folder: results mirror the folders below it. */
  root: string;
  extensions?: readonly string[];
}

/**
 * A watcher processor that hands each settled file to the job queue instead of detecting it
 * (`watch --enqueue`): the watcher's state then records the file as handed over (no results of
 * its own), and the workers write its results where `watch` would have. A file version already
 * queued is not added again.
 */
export function enqueueProcessor(options: EnqueueProcessorOptions): Processor {
  const { root, extensions, ...enqueue } = options;
  const enqueuer = new Enqueuer(enqueue);
  return {
    process: async (input) => {
      await enqueuer.add([await planFile(root, input, extensions)]);
      return {};
    },
    dispose: () => enqueuer.close(),
  };
}
