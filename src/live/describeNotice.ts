import type { LogFields, LogLevel } from '../util/logger.js';
import type { StreamNotice } from './reconnectingSamples.js';

/** A connection notice as a log line: level, what a person reads, and fields for machines. */
export function describeNotice(
  n: StreamNotice,
  maxRetries: number,
  debug = false,
): { level: LogLevel; message: string; fields: LogFields } {
  switch (n.kind) {
    case 'lost':
      return {
        level: 'warn',
        message: `input lost at ${n.streamTime} s [${n.error.code}]; reconnecting in ${(n.delayMs / 1000).toFixed(1)} s (attempt ${n.attempt}/${maxRetries})${debug ? `\n${n.error.message}\n${n.error.stderr ?? ''}` : ''}`,
        fields: {
          notice: n.kind,
          streamTime: n.streamTime,
          code: n.error.code,
          attempt: n.attempt,
          delayMs: n.delayMs,
        },
      };
    case 'reconnected':
      return {
        level: 'info',
        message: `reconnected after ${n.attempt} attempt(s); stream time continues at ${n.streamTime} s`,
        fields: { notice: n.kind, streamTime: n.streamTime, attempt: n.attempt },
      };
    case 'gave-up':
      return {
        level: 'error',
        message: `giving up after ${n.attempts} failed reconnect(s) at ${n.streamTime} s (last: ${firstLine(n.error.message)} [${n.error.code}])`,
        fields: { notice: n.kind, streamTime: n.streamTime, code: n.error.code },
      };
    case 'ended-early':
      return {
        level: 'info',
        message: `input ended at ${n.streamTime} s (${firstLine(n.error.message)})`,
        fields: { notice: n.kind, streamTime: n.streamTime, code: n.error.code },
      };
  }
}

function firstLine(s: string): string {
  return s.split('\n')[0] ?? s;
}
