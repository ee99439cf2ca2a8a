import type { Command } from 'commander';
import { checkRedisReachable, redisConnection, redisUrlOf } from '../../queue/connection.js';
import { enqueueSeasons, KEEP_COMPLETED, KEEP_FAILED, planSeasons } from '../../queue/enqueue.js';
import {
  drainQueue,
  formatQueueStatus,
  queueStatus,
  retryFailed,
} from '../../queue/queueStatus.js';
import { parseExtensions } from '../../watch/mediaFiles.js';
import { commanderParser, wholeNumberAtLeast } from '../options.js';

const seconds = commanderParser((v: string) => {
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) throw new Error(`"${v}" is not a number of seconds >= 0.`);
  return n;
});

const REDIS_HELP = 'Redis server, e.g. redis://127.0.0.1:6379 (default $INTRODETECT_REDIS)';

/** The connection of `--redis`, checked to answer (a wrong address fails fast). */
async function redisOf(opts: { redis?: string }) {
  const url = redisUrlOf(opts.redis);
  await checkRedisReachable(url);
  return redisConnection(url);
}

export function registerQueue(program: Command): void {
  const queue = program
    .command('queue')
    .description(
      'The job queue on Redis (BullMQ) that `introdetect worker` processes on any number of machines.',
    );

  queue
    .command('add')
    .description(
      'Add video files and folders (searched recursively; each folder of videos is a season, joined by the series step) as jobs. A file version already in the queue is not added again; a changed file is.',
    )
    .argument('<path...>', 'files or folders, as the workers will see them')
    .option('--redis <url>', REDIS_HELP)
    .option(
      '-o, --out <dir>',
      'results under this folder, mirroring each folder given (default: next to each file)',
    )
    .option('--attempts <n>', 'runs per episode before it fails for good', wholeNumberAtLeast(1), 3)
    .option(
      '--retry-delay <seconds>',
      'wait before the first retry; doubles each time',
      seconds,
      30,
    )
    .option(
      '--keep-completed <n>',
      `finished jobs kept in Redis, the most recent (at most ${KEEP_COMPLETED.age / 86_400} days); the done file versions are kept apart, so adding again still skips them`,
      wholeNumberAtLeast(0),
      KEEP_COMPLETED.count,
    )
    .option(
      '--keep-failed <n>',
      `failed jobs kept in Redis, the most recent (at most ${KEEP_FAILED.age / 86_400} days); one removed is tried again when its file is added again`,
      wholeNumberAtLeast(0),
      KEEP_FAILED.count,
    )
    .option('--extensions <list>', 'video extensions to pick up in folders (default: as watch)')
    .action(
      async (
        paths: string[],
        opts: {
          redis?: string;
          out?: string;
          attempts: number;
          retryDelay: number;
          keepCompleted: number;
          keepFailed: number;
          extensions?: string;
        },
      ) => {
        const seasons = await planSeasons(
          paths,
          ...(opts.extensions !== undefined ? [parseExtensions(opts.extensions)] : []),
        );
        const summary = await enqueueSeasons(seasons, {
          connection: await redisOf(opts),
          ...(opts.out !== undefined ? { outDir: opts.out } : {}),
          attempts: opts.attempts,
          backoffMs: opts.retryDelay * 1000,
          keepCompleted: { ...KEEP_COMPLETED, count: opts.keepCompleted },
          keepFailed: { ...KEEP_FAILED, count: opts.keepFailed },
        });
        process.stdout.write(
          `added ${summary.added} episode(s) in ${summary.seasons} season(s); ${summary.skipped} already queued or done\n`,
        );
      },
    );

  queue
    .command('status')
    .description('Jobs per state, throughput, ETA and the failed jobs with their error codes.')
    .option('--redis <url>', REDIS_HELP)
    .option('--json', 'print the status as JSON', false)
    .action(async (opts: { redis?: string; json: boolean }) => {
      const status = await queueStatus(await redisOf(opts));
      process.stdout.write(
        opts.json ? `${JSON.stringify(status, null, 2)}\n` : formatQueueStatus(status),
      );
    });

  queue
    .command('retry-failed')
    .description('Move every failed job back to the queue (after fixing its cause).')
    .option('--redis <url>', REDIS_HELP)
    .action(async (opts: { redis?: string }) => {
      const n = await retryFailed(await redisOf(opts));
      process.stdout.write(`retrying ${n} failed job(s)\n`);
    });

  queue
    .command('drain')
    .description('Remove the jobs not started yet; jobs in flight finish.')
    .option('--redis <url>', REDIS_HELP)
    .action(async (opts: { redis?: string }) => {
      const n = await drainQueue(await redisOf(opts));
      process.stdout.write(`removed ${n} waiting job(s)\n`);
    });
}
