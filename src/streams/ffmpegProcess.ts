import type { Readable, Writable } from 'node:stream';
import { execa } from 'execa';

/** How an ffmpeg child ended. */
export interface FfmpegExit {
  exitCode: number | undefined;
  signal: string | undefined;
  /** True when we killed it (abort, unsubscribe, or `kill()`). */
  killed: boolean;
  /** The last lines of its stderr (bounded). */
  stderrTail: string;
}

export interface FfmpegChild {
  /** The child's stdio pipes by file descriptor number (1 = stdout, 3, 4 … extra outputs). */
  readonly pipes: ReadonlyMap<number, Readable>;
  /** Resolves when the child has exited (never rejects). */
  readonly exited: Promise<FfmpegExit>;
  /** Kills the child (SIGTERM, then SIGKILL after a short delay). Idempotent. */
  kill(): void;
  readonly pid: number | undefined;
}

export interface SpawnFfmpegOptions {
  /** Extra output pipes beyond stdout, e.g. [3] for `pipe:3`. */
  extraPipes?: number[];
  /** What ffmpeg reads on stdin: nothing, or a stream (input `-`). */
  stdin?: Readable | 'ignore';
  /**
   * Receives each informational line of stderr. Pass it with `-loglevel level+info`: lines
   * tagged `[info]` (or quieter) come here and stay out of `stderrTail`, which keeps the
   * warnings and errors (their `[level]` tag removed), as at `-loglevel warning`.
   */
  onInfo?: (line: string) => void;
  signal?: AbortSignal;
}

const STDERR_TAIL_BYTES = 4096;

/** `[context @ 0x…] [level] text` as ffmpeg prints it with `-loglevel level+…`. */
const LEVEL_TAG = /^((?:\[[^\]]+ @ 0x[0-9a-f]+\] )?)\[(\w+)\] /;
const QUIET_LEVELS = new Set(['info', 'verbose', 'debug', 'trace']);

/**
 * Keeps the last few kilobytes of a stream's text, so errors can quote ffmpeg. With `onInfo`,
 * the text is read line by line and informational lines go to `onInfo` instead.
 */
function tailOf(
  stream: Readable | null | undefined,
  onInfo: ((line: string) => void) | undefined,
): () => string {
  let tail = '';
  let partial = '';
  const keep = (text: string) => {
    tail = (tail + text).slice(-STDERR_TAIL_BYTES);
  };
  stream?.setEncoding('utf8');
  stream?.on('data', (chunk: string) => {
    if (!onInfo) {
      keep(chunk);
      return;
    }
    const lines = (partial + chunk).split(/\r?\n|\r/);
    partial = lines.pop() ?? '';
    for (const line of lines) {
      const m = LEVEL_TAG.exec(line);
      if (m && QUIET_LEVELS.has(m[2]!)) onInfo(line.slice(m[0].length));
      else keep(`${m ? m[1]! + line.slice(m[0].length) : line}\n`);
    }
  });
  return () => (tail + partial).trim();
}

/**
 * Spawns ffmpeg (or ffprobe) with piped outputs. The child is killed when `signal` aborts,
 * when `kill()` is called, or when this Node process exits (execa's `cleanup`), so no ffmpeg
 * is ever left behind. Outputs are not buffered: callers read (and pause) the pipes.
 */
export function spawnFfmpeg(
  bin: string,
  args: readonly string[],
  options: SpawnFfmpegOptions = {},
): FfmpegChild {
  const extra = options.extraPipes ?? [];
  const maxFd = Math.max(2, ...extra);
  const feed = options.stdin && options.stdin !== 'ignore' ? options.stdin : undefined;
  const stdio: Array<'pipe' | 'ignore'> = [feed ? 'pipe' : 'ignore', 'pipe', 'pipe'];
  for (let fd = 3; fd <= maxFd; fd++) stdio.push(extra.includes(fd) ? 'pipe' : 'ignore');

  let killed = false;
  const child = execa(bin, args, {
    stdio: stdio as never,
    buffer: false,
    reject: false,
    cleanup: true,
    forceKillAfterDelay: 2000,
    stripFinalNewline: false,
    encoding: 'buffer',
    ...(options.signal ? { cancelSignal: options.signal } : {}),
  });
  const stderrTail = tailOf(child.stderr, options.onInfo);
  const childStdin = child.stdin as Writable | null;
  if (feed && childStdin) {
    // ffmpeg may stop reading early (it has seen enough, or was killed): that is not an error.
    childStdin.on('error', () => undefined);
    feed.pipe(childStdin);
  }

  const pipes = new Map<number, Readable>();
  if (child.stdout) pipes.set(1, child.stdout);
  for (const fd of extra) {
    const s = child.stdio[fd] as Readable | null | undefined;
    if (s) pipes.set(fd, s);
  }

  const exited: Promise<FfmpegExit> = child.then(
    (result) => ({
      exitCode: result.exitCode,
      signal: result.signal,
      killed: killed || result.isCanceled === true || result.isTerminated === true,
      stderrTail: stderrTail(),
    }),
    (error: unknown) => ({
      exitCode: undefined,
      signal: undefined,
      killed,
      stderrTail: `${stderrTail()}\n${String(error)}`.trim(),
    }),
  );

  return {
    pipes,
    exited,
    pid: child.pid,
    kill() {
      if (killed) return;
      killed = true;
      // Stop reading first, so a paused pipe cannot keep ffmpeg blocked on write.
      for (const p of pipes.values()) p.destroy();
      if (feed && childStdin) feed.unpipe(childStdin);
      child.kill();
    },
  };
}
