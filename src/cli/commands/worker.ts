import type { Command } from 'commander';
import { IntrodetectError } from '../../errors.js';
import { DEFAULT_PASSES, parsePasses } from '../../fusion/detectEpisode.js';
import { parseEdlActions } from '../../fusion/formats/edl.js';
import { parseSidecarKinds, SIDECAR_KINDS } from '../../fusion/formats/sidecar.js';
import { checkRedisReachable, redisConnection, redisUrlOf } from '../../queue/connection.js';
import { QueueWorker } from '../../queue/queueWorker.js';
import { abortOnSignals } from '../abortOnSignals.js';
import {
  commanderParser,
  decodeOptionsFrom,
  type DetectionFlags,
  detectionOptionsFrom,
  REFINE_HELP,
  wholeNumberAtLeast,
} from '../options.js';

interface WorkerCliOptions extends DetectionFlags {
  redis?: string;
  concurrency: number;
  out?: string;
  lockDuration: number;
  stalledInterval?: number;
  maxStalled: number;
}

const positiveSeconds = commanderParser((v: string) => {
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`"${v}" is not a number of seconds > 0.`);
  return n;
});

export function registerWorker(program: Command): void {
  program
    .command('worker')
    .description(
      'Process jobs of the queue (`introdetect queue add`) until stopped: results next to each file or under --out, in the layout of watch. SIGTERM or Ctrl-C finishes the jobs in flight, then exits; a second one exits at once (the jobs go back to the queue).',
    )
    .option(
      '--redis <url>',
      'Redis server, e.g. redis://127.0.0.1:6379 (default $INTRODETECT_REDIS)',
    )
    .option('-c, --concurrency <n>', 'jobs processed at the same time', wholeNumberAtLeast(1), 1)
    .option('--models <dir>', 'model folder (default: models/<mode>/ in the package)')
    .option('--mode <mode>', 'fused | vision (default: the model folder’s)')
    .option(
      '-o, --out <dir>',
      'write results here, mirroring the folders given to queue add (over their --out)',
    )
    .option(
      '--format <list>',
      'results to write, comma-separated: json, edl, chapters, vtt, jellyfin (default: what watch recorded in the library’s state file, else json; any output option replaces that as a whole)',
    )
    .option(
      '--sidecar',
      'also write sidecars beside each video (<video name>.edl by default)',
      false,
    )
    .option(
      '--sidecar-formats <list>',
      `sidecars to write, comma-separated: ${Object.keys(SIDECAR_KINDS).join(', ')} (implies --sidecar)`,
      commanderParser(parseSidecarKinds),
    )
    .option(
      '--edl-action <list>',
      'EDL action per segment kind, e.g. intro=3,credits=0',
      commanderParser(parseEdlActions),
    )
    .option('--refine', REFINE_HELP, false)
    .option('--threads <n>', 'ONNX Runtime threads per operator', wholeNumberAtLeast(1), 2)
    .option(
      '--passes <n>',
      '2 (keyframes first, then every frame near the boundaries; falls back to 1 where that would not pay) or 1 (every frame)',
      commanderParser(parsePasses),
      DEFAULT_PASSES,
    )
    .option(
      '--lock-duration <seconds>',
      'a job whose worker stops renewing its lock this long (killed, machine lost) goes back to the queue',
      positiveSeconds,
      30,
    )
    .option(
      '--stalled-interval <seconds>',
      'how often this worker looks for such jobs (default: the lock duration)',
      positiveSeconds,
    )
    .option(
      '--max-stalled <n>',
      'times a job may lose its worker (killed mid-job) and go back to the queue before it fails',
      wholeNumberAtLeast(0),
      2,
    )
    .action(async (opts: WorkerCliOptions, cmd: Command) => {
      const log = (line: string) => process.stderr.write(`${new Date().toISOString()} ${line}\n`);
      using interrupt = abortOnSignals({
        reason: (name) => new Error(name),
        onFirst: (name) => log(`${name}: finishing the jobs in flight, then exiting`),
        onSecond: (name) =>
          log(`${name} again: exiting now (the jobs in flight go back to the queue)`),
      });
      const { detect, output } = detectionOptionsFrom(opts);
      const redisUrl = redisUrlOf(opts.redis);
      await checkRedisReachable(redisUrl);
      let worker: QueueWorker;
      try {
        worker = await QueueWorker.start({
          ...decodeOptionsFrom(cmd),
          connection: redisConnection(redisUrl),
          concurrency: opts.concurrency,
          ...(opts.out !== undefined ? { outDir: opts.out } : {}),
          ...(output ? { output } : {}),
          ...detect,
          lockDurationMs: opts.lockDuration * 1000,
          ...(opts.stalledInterval !== undefined
            ? { stalledIntervalMs: opts.stalledInterval * 1000 }
            : {}),
          maxStalledCount: opts.maxStalled,
          onWarning: (m) => log(`warning: ${m}`),
          onEvent: log,
          signal: interrupt.signal,
        });
      } catch (err) {
        if (interrupt.signal.aborted && err instanceof IntrodetectError && err.code === 'ABORTED')
          return;
        throw err;
      }
      log(`worker ready (concurrency ${opts.concurrency})`);
      if (!interrupt.signal.aborted) {
        await new Promise((resolve) =>
          interrupt.signal.addEventListener('abort', resolve, { once: true }),
        );
      }
      await worker.close();
      log('worker stopped');
    });
}
