import { sameSignature, type FileSignature } from './fileSignature.js';

interface Observation {
  signature: FileSignature;
  since: number;
}

/**
 * Decides when a file has stopped changing: it is settled once the same signature (size,
 * mtime, inode) has been observed for at least `settleMs`. A file still being copied keeps
 * changing size or mtime, so its clock restarts on every observation that differs.
 */
export class StabilityTracker {
  readonly #settleMs: number;
  readonly #seen = new Map<string, Observation>();

  constructor(settleMs: number) {
    this.#settleMs = settleMs;
  }

  /** Records an observation made at `now` (ms); true when the file has settled. */
  observe(key: string, signature: FileSignature, now: number): boolean {
    const prev = this.#seen.get(key);
    if (!prev || !sameSignature(prev.signature, signature)) {
      this.#seen.set(key, { signature, since: now });
      return this.#settleMs <= 0;
    }
    return now - prev.since >= this.#settleMs;
  }

  /** Ms until `key` settles if it stays unchanged (0 when settled, undefined when unknown). */
  remaining(key: string, now: number): number | undefined {
    const prev = this.#seen.get(key);
    return prev ? Math.max(0, this.#settleMs - (now - prev.since)) : undefined;
  }

  forget(key: string): void {
    this.#seen.delete(key);
  }

  /** Drops every key not in `keys` (files that disappeared), so memory follows the tree. */
  retain(keys: ReadonlySet<string>): void {
    for (const key of this.#seen.keys()) if (!keys.has(key)) this.#seen.delete(key);
  }

  get size(): number {
    return this.#seen.size;
  }
}
