import type { Command } from 'commander';
import { lastValueFrom, tap } from 'rxjs';
import { AbortedError, InvalidArgumentError } from '../../errors.js';
import { MODES, parseMode, type Mode } from '../../fusion/modelConfig.js';
import { parseProvider, PROVIDER_NAMES, type Provider } from '../../fusion/onnxBackend.js';
import { detectStream, STREAM_DEFAULTS } from '../../live/detectStream.js';
import type { StreamNotice } from '../../live/reconnectingSamples.js';
import { formatStreamEvent, STREAM_FORMATS, type StreamFormat } from '../../live/streamEvent.js';
import { abortOnSignals } from '../abortOnSignals.js';
import { commanderParser, decodeOptionsFrom, wholeNumberAtLeast } from '../options.js';

interface StreamCliOptions {
  mode?: Mode;
  models?: string;
  provider: Provider;
  format: StreamFormat;
  lookahead: number;
  window: number;
  minRun: number;
  maxRetries: number;
  retryDelay: number;
  threads: number;
}

const cli = commanderParser;

const wholeNumber = wholeNumberAtLeast;

const parseFormat = (v: string): StreamFormat => {
  if ((STREAM_FORMATS as readonly string[]).includes(v)) return v as StreamFormat;
  throw new InvalidArgumentError(`Unknown format "${v}". Valid: ${STREAM_FORMATS.join(', ')}.`);
};

export function registerStream(program: Command): void {
  program
    .command('stream')
    .description(
      'Watch a live or HLS stream (or MPEG-TS on stdin, "-") and print intro/credits events as soon as they are decided (JSON Lines).',
    )
    .argument(
      '<input>',
      'HLS playlist URL (live, event or VOD), http(s) stream, file, or - for stdin',
    )
    .option(
      '--mode <mode>',
      `${MODES.join(' | ')} (default: the model folder's, else fused)`,
      cli(parseMode),
    )
    .option('--models <dir>', 'model folder (default: models/<mode>/ in the package)')
    .option('--format <format>', `output: ${STREAM_FORMATS.join(' | ')}`, cli(parseFormat), 'jsonl')
    .option(
      '--lookahead <s>',
      'future seconds each second waits for before it is decided (latency vs accuracy)',
      wholeNumber(0),
      STREAM_DEFAULTS.lookahead,
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
      '--max-retries <n>',
      'consecutive failed reconnects before giving up (exit status 9)',
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
      '--provider <provider>',
      `ONNX Runtime device: ${PROVIDER_NAMES.join(' | ')}`,
      cli(parseProvider),
      'cpu',
    )
    .option('--threads <n>', 'ONNX Runtime threads per operator', wholeNumber(1), 2)
    .action(async (input: string, opts: StreamCliOptions, cmd: Command) => {
      using interrupt = abortOnSignals();
      const say = (m: string) => process.stderr.write(`introdetect: stream: ${m}\n`);
      let analysed = 0;
      let events = 0;
      try {
        await lastValueFrom(
          detectStream(input, {
            ...decodeOptionsFrom(cmd),
            ...(opts.mode ? { mode: opts.mode } : {}),
            ...(opts.models ? { modelDir: opts.models } : {}),
            provider: opts.provider,
            intraOpThreads: opts.threads,
            lookahead: opts.lookahead,
            window: opts.window,
            minRun: opts.minRun,
            maxRetries: opts.maxRetries,
            retryDelayMs: opts.retryDelay,
            onNotice: (n) => say(describeNotice(n, opts.maxRetries)),
            onWarning: (m) => say(`warning: ${m}`),
            onDecided: (d) => (analysed = d.t + 1),
            signal: interrupt.signal,
          }).pipe(
            tap((ev) => {
              events++;
              process.stdout.write(formatStreamEvent(ev, opts.format));
            }),
          ),
          { defaultValue: undefined },
        );
        say(`input ended: ${analysed} s analysed, ${events} event(s)`);
      } catch (err) {
        // Ctrl-C on a live stream is the normal way to stop it: exit 130 quietly.
        if (interrupt.signal.aborted) throw new AbortedError({ cause: err });
        throw err;
      }
    });
}

function describeNotice(n: StreamNotice, maxRetries: number): string {
  switch (n.kind) {
    case 'lost':
      return `input lost at ${n.streamTime} s [${n.error.code}]; reconnecting in ${(n.delayMs / 1000).toFixed(1)} s (attempt ${n.attempt}/${maxRetries})${process.env.INTRODETECT_DEBUG ? `\n${n.error.message}\n${n.error.stderr ?? ''}` : ''}`;
    case 'reconnected':
      return `reconnected after ${n.attempt} attempt(s); stream time continues at ${n.streamTime} s`;
    case 'gave-up':
      return `giving up after ${n.attempts} failed reconnect(s) at ${n.streamTime} s (last: ${firstLine(n.error.message)} [${n.error.code}])`;
    case 'ended-early':
      return `input ended at ${n.streamTime} s (${firstLine(n.error.message)})`;
  }
}

function firstLine(s: string): string {
  return s.split('\n')[0] ?? s;
}
