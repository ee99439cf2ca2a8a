/**
 * Lossless backpressure between a push source (ffmpeg's pipes) and an asynchronous consumer.
 *
 * The stage that emits an item calls `take()`; the consumer calls `release()` once it has
 * finished with it. While `limit` items are outstanding the demand is `saturated`, and the
 * decoder pauses ffmpeg's pipes (ffmpeg then blocks on write, so nothing piles up in memory);
 * it resumes when the consumer releases. Synchronous consumers need no Demand: they block the
 * pipe reader by themselves.
 */
export class Demand {
  readonly limit: number;
  #outstanding = 0;
  #listeners = new Set<() => void>();

  constructor(limit: number) {
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError('Demand limit must be >= 1');
    this.limit = limit;
  }

  get outstanding(): number {
    return this.#outstanding;
  }

  get saturated(): boolean {
    return this.#outstanding >= this.limit;
  }

  take(n = 1): void {
    this.#outstanding += n;
  }

  release(n = 1): void {
    const was = this.saturated;
    this.#outstanding = Math.max(0, this.#outstanding - n);
    if (was && !this.saturated) for (const fn of [...this.#listeners]) fn();
  }

  /** Calls `fn` each time the demand goes from saturated to not; returns an unsubscribe. */
  onReady(fn: () => void): () => void {
    this.#listeners.add(fn);
    return () => this.#listeners.delete(fn);
  }
}
