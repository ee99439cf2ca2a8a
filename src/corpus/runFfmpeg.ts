import { execa, type ExecaError } from 'execa';
import { AbortedError, FfmpegFailedError } from '../errors.js';

function tail(text: unknown, lines = 12): string {
  return typeof text === 'string' ? text.trim().split('\n').slice(-lines).join('\n') : '';
}

/**
 * Runs a media tool (ffmpeg, espeak-ng, flite) to completion. Aborting kills it and throws
 * AbortedError; a failure throws FfmpegFailedError with the tail of stderr.
 */
export async function runTool(
  bin: string,
  args: readonly string[],
  what: string,
  options: { signal?: AbortSignal } = {},
): Promise<void> {
  if (options.signal?.aborted) throw new AbortedError({ cause: options.signal.reason });
  try {
    await execa(bin, args, {
      stdin: 'ignore',
      stdout: 'ignore',
      ...(options.signal ? { cancelSignal: options.signal } : {}),
    });
  } catch (err) {
    if (options.signal?.aborted) throw new AbortedError({ cause: err });
    const e = err as ExecaError;
    const stderr = tail(e.stderr);
    throw new FfmpegFailedError(
      `${bin} failed while rendering ${what}: ${stderr.split('\n').pop() ?? e.shortMessage}. Set INTRODETECT_DEBUG=1 to see its stderr.`,
      {
        ...(e.exitCode !== undefined ? { exitStatus: e.exitCode } : {}),
        ...(e.signal !== undefined ? { signal: e.signal } : {}),
        stderr: `${bin} ${args.join(' ')}\n${stderr}`,
        cause: err,
      },
    );
  }
}

/** ffmpeg with the quiet, non-interactive, overwrite flags every corpus render uses. */
export async function runFfmpeg(
  ffmpeg: string,
  args: readonly string[],
  what: string,
  options: { signal?: AbortSignal } = {},
): Promise<void> {
  await runTool(ffmpeg, ['-hide_banner', '-nostdin', '-v', 'error', '-y', ...args], what, options);
}
