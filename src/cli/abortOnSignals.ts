/** Ctrl-C and SIGTERM, turned into an `AbortSignal` for the library call a command makes. */

const SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM'];

export interface AbortOnSignalsOptions {
  /** What the signal aborts with (default: `new Error('interrupted')`). */
  reason?: (name: NodeJS.Signals) => Error;
  /** Called on the first signal, before the abort (e.g. to log that the command is stopping). */
  onFirst?: (name: NodeJS.Signals) => void;
  /** Called on a second signal, just before the process exits. */
  onSecond?: (name: NodeJS.Signals) => void;
}

/** The signal of a command, and how to stop listening (`using`, or `dispose()`). */
export interface SignalScope extends Disposable {
  readonly signal: AbortSignal;
  dispose(): void;
}

/**
 * Listens for SIGINT and SIGTERM until disposed. The first aborts the returned signal: the
 * command stops what it is doing, kills its ffmpeg children and fails with `ABORTED` (exit
 * 130), or ends cleanly if stopping is its normal end (`watch`). A second one exits at once
 * with status 130, for when the first takes too long.
 *
 * The listener stays for the whole command: were it removed on the first signal, execa's
 * exit handler, then the only SIGINT listener left, would re-raise the signal and end the
 * process before the abort is handled.
 *
 * ```ts
 * using interrupt = abortOnSignals();
 * await detectSeries(files, { signal: interrupt.signal });
 * ```
 */
export function abortOnSignals(options: AbortOnSignalsOptions = {}): SignalScope {
  const { reason = () => new Error('interrupted'), onFirst, onSecond } = options;
  const controller = new AbortController();
  const onSignal = (name: NodeJS.Signals) => {
    if (!controller.signal.aborted) {
      onFirst?.(name);
      controller.abort(reason(name));
    } else {
      onSecond?.(name);
      process.exit(130);
    }
  };
  for (const name of SIGNALS) process.on(name, onSignal);
  const dispose = () => {
    for (const name of SIGNALS) process.off(name, onSignal);
  };
  return { signal: controller.signal, dispose, [Symbol.dispose]: dispose };
}
