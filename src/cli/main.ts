#!/usr/bin/env node
import { Command } from 'commander';
import { IntrodetectError } from '../errors.js';
import { registerCompare } from './commands/compare.js';
import { registerCorpus } from './commands/corpus.js';
import { registerDetect } from './commands/detect.js';
import { registerEval } from './commands/eval.js';
import { registerFeatures } from './commands/features.js';
import { registerFreeze } from './commands/freeze.js';
import { registerPool } from './commands/pool.js';
import { registerQueue } from './commands/queue.js';
import { registerServe } from './commands/serve.js';
import { registerStream } from './commands/stream.js';
import { registerTrain } from './commands/train.js';
import { registerTune } from './commands/tune.js';
import { registerWatch } from './commands/watch.js';
import { registerWorker } from './commands/worker.js';

const program = new Command();
program
  .name('introdetect')
  .description('Find the intro and end credits of TV-series episodes (files, streams, folders).')
  .version('0.1.0')
  .option('--ffmpeg <path>', 'ffmpeg binary to use (else $INTRODETECT_FFMPEG, PATH, npm-shipped)')
  .showHelpAfterError();

registerCorpus(program);
registerPool(program);
registerFreeze(program);
registerDetect(program);
registerFeatures(program);
registerEval(program);
registerTrain(program);
registerCompare(program);
registerTune(program);
registerWatch(program);
registerQueue(program);
registerWorker(program);
registerStream(program);
registerServe(program);

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof IntrodetectError) {
    process.stderr.write(`introdetect: ${err.message} [${err.code}]\n`);
    if (err.stderr && process.env.INTRODETECT_DEBUG) process.stderr.write(`${err.stderr}\n`);
    process.exitCode = err.exitCode;
  } else {
    process.stderr.write(
      `introdetect: unexpected error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
    );
    process.exitCode = 1;
  }
}
