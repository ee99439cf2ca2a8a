/** The longest wait between retries, anywhere (reconnects, webhook deliveries, playlist polls). */
export const MAX_BACKOFF_MS = 30_000;

/** Wait before retry `attempt` (1-based): base · 2^(attempt−1), capped at MAX_BACKOFF_MS. */
export function backoffDelay(attempt: number, baseMs: number): number {
  return Math.min(MAX_BACKOFF_MS, baseMs * 2 ** Math.max(0, attempt - 1));
}
