import type { Command } from 'commander';
import { dumpFeatures } from '../../features/dumpFeatures.js';
import { abortOnSignals } from '../abortOnSignals.js';
import { decodeOptionsFrom, parseSeconds } from '../options.js';

export function registerFeatures(program: Command): void {
  program
    .command('features')
    .description(
      'Dump the per-second frames and 10-s log-mel windows of INPUT (file, URL, HLS playlist, or - for stdin) as .npy files: the features the models are trained on.',
    )
    .argument('<input>', 'media file, http(s) URL, HLS playlist (.m3u8), or - for standard input')
    .requiredOption('-o, --out <dir>', 'output folder (frames.npy, mel.npy, meta.json)')
    .option('--from <seconds>', 'start of the span to decode (seconds or H:MM:SS)', parseSeconds)
    .option('--to <seconds>', 'end of the span to decode (seconds or H:MM:SS)', parseSeconds)
    .option('--no-audio', 'frames only (for inputs without sound / vision-only training)')
    .option('--frame-size <px>', 'side of the square frames', (v) => Number.parseInt(v, 10), 64)
    .action(
      async (
        input: string,
        opts: { out: string; from?: number; to?: number; audio: boolean; frameSize: number },
        cmd: Command,
      ) => {
        using interrupt = abortOnSignals();
        const tty = process.stderr.isTTY;
        const meta = await dumpFeatures(input, opts.out, {
          ...decodeOptionsFrom(cmd),
          ...(opts.from !== undefined ? { from: opts.from } : {}),
          ...(opts.to !== undefined ? { to: opts.to } : {}),
          audio: opts.audio,
          frameSize: opts.frameSize,
          signal: interrupt.signal,
          ...(tty ? { onProgress: (s: number) => process.stderr.write(`\r${s} s`) } : {}),
        });
        if (tty) process.stderr.write('\r');
        process.stdout.write(
          `${meta.seconds} seconds → ${opts.out} (frames ${meta.frame.size}×${meta.frame.size}${meta.mel ? `, mel ${meta.mel.rows}×${meta.mel.bands}` : ', no audio'})\n`,
        );
      },
    );
}
