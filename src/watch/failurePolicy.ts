import { IntrodetectError, type ErrorCode } from '../errors.js';

export interface RetryPolicy {
  /** Processing runs per file version before it is failed for good (default 3). */
  maxAttempts: number;
  /** Wait before the first retry, ms; doubles each time (default 30 s). */
  baseDelayMs: number;
  /** Upper bound of the wait, ms (default 1 h). */
  maxDelayMs: number;
}

export const DEFAULT_RETRY: Readonly<RetryPolicy> = Object.freeze({
  maxAttempts: 3,
  baseDelayMs: 30_000,
  maxDelayMs: 3_600_000,
});

/** The file itself is the problem: retrying the same bytes cannot help. */
const PERMANENT: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  'NOT_MEDIA',
  'NO_VIDEO_STREAM',
  'NO_AUDIO_STREAM',
  'INVALID_ARGUMENT',
]);

/** The setup is the problem: every file would fail the same way, so the watcher stops. */
const FATAL: ReadonlySet<ErrorCode> = new Set<ErrorCode>(['FFMPEG_NOT_FOUND', 'MODEL_NOT_FOUND']);

export type FailureKind = 'permanent' | 'fatal' | 'transient';

export function classifyFailure(err: unknown): FailureKind {
  if (err instanceof IntrodetectError) {
    if (FATAL.has(err.code)) return 'fatal';
    if (PERMANENT.has(err.code)) return 'permanent';
  }
  return 'transient';
}

/** Wait before retry number `attempts` (1 = after the first failed run): base·2^(n−1), capped. */
export function retryDelayMs(attempts: number, policy: RetryPolicy): number {
  const n = Math.max(1, attempts);
  return Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.min(n - 1, 30));
}

/** One line for logs and the state file. */
export function describeError(err: unknown): { message: string; code: string | null } {
  if (err instanceof IntrodetectError) return { message: err.message, code: err.code };
  if (err instanceof Error) return { message: err.message, code: null };
  return { message: String(err), code: null };
}
