/** What the watcher reports, one event per line of log. `key` is the path under the root. */
export type WatchEvent =
  | { type: 'started'; root: string; state: string; files: number }
  | { type: 'recovered'; key: string; was: 'processing' | 'committing' }
  | { type: 'picked'; key: string; attempt: number }
  | { type: 'done'; key: string; elapsedMs: number; results: readonly string[] }
  | {
      type: 'failed';
      key: string;
      reason: string;
      code: string | null;
      attempt: number;
      /** Undefined: failed for good (until the file changes). */
      retryInMs: number | undefined;
    }
  | { type: 'interrupted'; key: string }
  | { type: 'vanished'; key: string }
  | { type: 'stopping'; reason: string }
  | { type: 'idle'; done: number; failed: number };

const seconds = (ms: number) => `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;

/** `picked Show/S1/ep1.mkv`, `failed bad.mp4: … [NOT_MEDIA], retry in 30 s` … */
export function formatWatchEvent(event: WatchEvent): string {
  switch (event.type) {
    case 'started':
      return `watching ${event.root} (state ${event.state}, ${event.files} known files)`;
    case 'recovered':
      return event.was === 'processing'
        ? `interrupted earlier, redoing ${event.key}`
        : `finishing results written before a crash: ${event.key}`;
    case 'picked':
      return `picked ${event.key}${event.attempt > 1 ? ` (attempt ${event.attempt})` : ''}`;
    case 'done':
      return `done ${event.key} in ${seconds(event.elapsedMs)} → ${event.results.join(', ')}`;
    case 'failed':
      return `failed ${event.key}: ${event.reason}${event.code ? ` [${event.code}]` : ''}, ${
        event.retryInMs === undefined
          ? 'not retrying (until the file changes)'
          : `retry in ${seconds(event.retryInMs)}`
      }`;
    case 'interrupted':
      return `interrupted ${event.key} (back to pending)`;
    case 'vanished':
      return `vanished ${event.key} (removed before it was processed)`;
    case 'stopping':
      return `stopping: ${event.reason}`;
    case 'idle':
      return `finished: ${event.done} done, ${event.failed} failed`;
  }
}
