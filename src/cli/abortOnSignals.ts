/** Ctrl-C and SIGTERM, turned into an `AbortSignal` for the library call a command makes. */

const SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM'];

export interface AbortOnSignalsOptions {
  /** What the signal aborts with (default: `new Error('interrupted')`). */
  reason?: (name: NodeJS.Signals) => Error;
  /** Called on the first signal, before the abort (e.g. to log that the command is stopping). */
  onFirst?: (name: NodeJS.Signals) => void;
  /**
   * Given, a second signal calls it and ends the process at once with status 130 (for a command
   * whose stop takes a while: the watcher). Without it, each signal is caught once; the next
   * one of the same kind gets Node's own handling (the process dies of it).
   */
  onSecond?: (name: NodeJS.Signals) => void;
}

/** The signal of a command, and how to stop listening (`using`, or `dispose()`). */
export interface SignalScope extends Disposable {
  readonly signal: AbortSignal;
  dispose(): void;
}

/**
 * Listens for SIGINT and SIGTERM until disposed: the first aborts the returned signal.
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
    } else if (onSecond) {
      onSecond(name);
      process.exit(130);
    }
  };
  for (const name of SIGNALS) {
    if (onSecond) process.on(name, onSignal);
    else process.once(name, onSignal);
  }
  const dispose = () => {
    for (const name of SIGNALS) process.off(name, onSignal);
  };
  return { signal: controller.signal, dispose, [Symbol.dispose]: dispose };
}
