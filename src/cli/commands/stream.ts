import type { Command } from 'commander';
import { AbortedError, InvalidArgumentError } from '../../errors.js';
import { EpisodeModel } from '../../fusion/episodeModel.js';
import { defaultStreamModelDir, MODES, parseMode, type Mode } from '../../fusion/modelConfig.js';
import { parseProvider, PROVIDER_NAMES, type Provider } from '../../fusion/onnxBackend.js';
import { readChannelsConfig } from '../../live/channelConfig.js';
import { ChannelRunner } from '../../live/channelRunner.js';
import { STREAM_DEFAULTS } from '../../live/detectStream.js';
import type { ChannelSpec } from '../../live/liveChannel.js';
import { startLiveServer } from '../../live/liveServer.js';
import { formatStreamEvent, STREAM_FORMATS, type StreamFormat } from '../../live/streamEvent.js';
import { createLogger, LOG_FORMATS, type LogFormat } from '../../util/logger.js';
import { abortOnSignals } from '../abortOnSignals.js';
import { commanderParser, decodeOptionsFrom, wholeNumberAtLeast } from '../options.js';

interface StreamCliOptions {
  config?: string;
  name: string;
  mode?: Mode;
  models?: string;
  provider: Provider;
  format: StreamFormat;
  logFormat: LogFormat;
  lookahead?: number;
  window: number;
  minRun: number;
  recapMemory: number;
  maxRetries: number;
  retryDelay: number;
  restartDelay: number;
  threads: number;
  inferenceWorkers: number;
  webhook?: string;
  webhookSecret?: string;
  hlsOut?: string;
  serve?: number;
  host: string;
}

const cli = commanderParser;
const wholeNumber = wholeNumberAtLeast;

const choice =
  <T extends string>(what: string, valid: readonly T[]) =>
  (v: string): T => {
    if ((valid as readonly string[]).includes(v)) return v as T;
    throw new InvalidArgumentError(`Unknown ${what} "${v}". Valid: ${valid.join(', ')}.`);
  };

export function registerStream(program: Command): void {
  program
    .command('stream')
    .description(
      'Watch live or HLS streams (or MPEG-TS on stdin, "-") and print intro/credits events, placed on the media timeline, as soon as they are decided (JSON Lines). One input, or many channels with --config.',
    )
    .argument(
      '[input]',
      'HLS playlist URL (live, event or VOD), http(s)/udp stream, file, or - for stdin',
    )
    .option(
      '--config <file>',
      'channels file (YAML or JSON): many streams in one process, sharing the models; SIGHUP reloads it',
    )
    .option('--name <name>', 'channel name in logs and /channels (one input)', 'stream')
    .option(
      '--mode <mode>',
      `${MODES.join(' | ')} (default: the model folder's, else fused)`,
      cli(parseMode),
    )
    .option(
      '--models <dir>',
      'model folder (default: models/live/ for fused where the package has it, else models/<mode>/)',
    )
    .option(
      '--format <format>',
      `events on stdout: ${STREAM_FORMATS.join(' | ')}`,
      cli(choice('format', STREAM_FORMATS)),
      'jsonl',
    )
    .option(
      '--log-format <format>',
      `messages on stderr: ${LOG_FORMATS.join(' | ')}`,
      cli(choice('log format', LOG_FORMATS)),
      'text',
    )
    .option(
      '--lookahead <s>',
      `future seconds each second waits for before it is decided (latency vs accuracy; default: the model's, else ${STREAM_DEFAULTS.lookahead})`,
      wholeNumber(0),
    )
    .option(
      '--window <s>',
      'seconds of context the sequence model sees (memory and CPU per run)',
      wholeNumber(10),
      STREAM_DEFAULTS.window,
    )
    .option(
      '--min-run <s>',
      "seconds an intro or credits run must last before it is announced (at least the model's minimum length)",
      wholeNumber(0),
      STREAM_DEFAULTS.minRun,
    )
    .option(
      '--recap-memory <s>',
      'seconds of the stream kept to find recaps in (7200 = 2 h, 1 KiB per second): a stretch before an intro that shows footage aired earlier (outside intros and credits) is told as recap.start / recap.end; 0, the default, turns recaps off',
      wholeNumber(0),
      STREAM_DEFAULTS.recapMemory,
    )
    .option(
      '--max-retries <n>',
      'consecutive failed reconnects before giving up (exit status 9; with --config the channel restarts after --restart-delay)',
      wholeNumber(0),
      STREAM_DEFAULTS.maxRetries,
    )
    .option(
      '--retry-delay <ms>',
      'first reconnect delay, doubled each failure (max 30 s)',
      wholeNumber(0),
      STREAM_DEFAULTS.retryDelayMs,
    )
    .option(
      '--restart-delay <ms>',
      'with --config: restart a channel that gave up this much later',
      wholeNumber(0),
      30_000,
    )
    .option('--webhook <url>', 'POST each event as JSON to this URL (retried with backoff)')
    .option(
      '--webhook-secret <secret>',
      'sign webhook bodies (HMAC-SHA256 header X-Introdetect-Signature); or INTRODETECT_WEBHOOK_SECRET',
    )
    .option(
      '--hls-out <dir>',
      'write <dir>/<name>.m3u8: the live playlist with EXT-X-DATERANGE skip ranges (HLS inputs)',
    )
    .option(
      '--serve <port>',
      'HTTP: /health, /channels, /channels/<name>/live.m3u8',
      wholeNumber(0),
    )
    .option('--host <host>', 'interface for --serve', '127.0.0.1')
    .option(
      '--provider <provider>',
      `ONNX Runtime device: ${PROVIDER_NAMES.join(' | ')}`,
      cli(parseProvider),
      'cpu',
    )
    .option('--threads <n>', 'ONNX Runtime threads per operator', wholeNumber(1), 2)
    .option(
      '--inference-workers <n>',
      'model worker threads shared by all channels',
      wholeNumber(1),
      1,
    )
    .action(async (input: string | undefined, opts: StreamCliOptions, cmd: Command) => {
      if ((input === undefined) === (opts.config === undefined)) {
        throw new InvalidArgumentError(
          'stream: give one input (URL, file or -) or --config FILE with a channels list, not both.',
        );
      }
      using interrupt = abortOnSignals();
      const multi = opts.config !== undefined;
      const log = createLogger({
        format: opts.logFormat,
        prefix: 'introdetect: stream',
        channelInText: multi,
      });
      const specsOf = async (): Promise<ChannelSpec[]> =>
        opts.config !== undefined ? readChannelsConfig(opts.config) : [singleSpec(input!, opts)];
      const specs = await specsOf();

      const dir = opts.models ?? defaultStreamModelDir(opts.mode ?? 'fused');
      const models = await Promise.all(
        Array.from({ length: opts.inferenceWorkers }, () =>
          EpisodeModel.load(dir, {
            ...(opts.mode ? { mode: opts.mode } : {}),
            provider: opts.provider,
            intraOpThreads: opts.threads,
            onWarning: (m) => log.warn(m),
            signal: interrupt.signal,
          }),
        ),
      );
      const runner = new ChannelRunner({
        ...decodeOptionsFrom(cmd),
        models,
        log,
        republish: opts.serve !== undefined,
        ...(multi ? { restartDelayMs: opts.restartDelay } : {}),
        // One input: the lines stay as they were before channels (no `channel` field).
        onEvent: (ev) =>
          process.stdout.write(
            formatStreamEvent(multi ? ev : { ...ev, channel: undefined }, opts.format),
          ),
      });
      const onHangup = () => {
        void specsOf().then(
          (next) => {
            const r = runner.apply(next);
            log.info(
              `reloaded ${opts.config}: ${r.started.length} started, ${r.stopped.length} stopped, ${r.kept.length} unchanged`,
              { notice: 'reloaded', ...r },
            );
          },
          (err: unknown) =>
            log.error(`reload failed, keeping the running channels: ${String(err)}`, {
              notice: 'reload-failed',
            }),
        );
      };
      const onAbort = () => void runner.stop();
      interrupt.signal.addEventListener('abort', onAbort, { once: true });
      if (multi) process.on('SIGHUP', onHangup);
      let server: Awaited<ReturnType<typeof startLiveServer>> | undefined;
      try {
        runner.apply(specs);
        if (opts.serve !== undefined) {
          server = await startLiveServer(runner, { port: opts.serve, host: opts.host });
          log.info(`serving ${server.url}/health and ${server.url}/channels`, {
            notice: 'serving',
            url: server.url,
          });
        }
        await runner.done();
        // Ctrl-C on a live stream is the normal way to stop it: exit 130 quietly.
        if (interrupt.signal.aborted) throw new AbortedError();
      } catch (err) {
        if (interrupt.signal.aborted) throw new AbortedError({ cause: err });
        throw err;
      } finally {
        process.off('SIGHUP', onHangup);
        interrupt.signal.removeEventListener('abort', onAbort);
        await runner.stop();
        await server?.close();
        await Promise.all(models.map((m) => m.dispose()));
      }
    });
}

/** The one channel of `stream INPUT`, from the flags. */
function singleSpec(input: string, opts: StreamCliOptions): ChannelSpec {
  const secret = opts.webhookSecret ?? process.env.INTRODETECT_WEBHOOK_SECRET;
  return {
    name: opts.name,
    input,
    ...(opts.lookahead !== undefined ? { lookahead: opts.lookahead } : {}),
    window: opts.window,
    minRun: opts.minRun,
    recapMemory: opts.recapMemory,
    maxRetries: opts.maxRetries,
    retryDelayMs: opts.retryDelay,
    ...(opts.webhook !== undefined
      ? { webhook: { url: opts.webhook, ...(secret ? { secret } : {}) } }
      : {}),
    ...(opts.hlsOut !== undefined ? { hlsOut: opts.hlsOut } : {}),
  };
}
