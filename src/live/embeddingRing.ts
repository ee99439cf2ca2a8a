import type { Matrix } from '../fusion/episodeModel.js';

/**
 * The embeddings of the last `capacity` seconds of a stream, in one preallocated buffer
 * (a ring): memory is `capacity × dim` floats however long the stream runs. Rows are addressed
 * by absolute stream second; `start` is the oldest second still held, `end` one past the newest.
 */
export class EmbeddingRing {
  readonly capacity: number;
  readonly dim: number;
  readonly #data: Float32Array;
  #end = 0;

  constructor(capacity: number, dim: number) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new RangeError(`EmbeddingRing capacity must be an integer >= 1 (got ${capacity})`);
    }
    if (!Number.isInteger(dim) || dim < 1) {
      throw new RangeError(`EmbeddingRing dim must be an integer >= 1 (got ${dim})`);
    }
    this.capacity = capacity;
    this.dim = dim;
    this.#data = new Float32Array(capacity * dim);
  }

  get end(): number {
    return this.#end;
  }

  get start(): number {
    return Math.max(0, this.#end - this.capacity);
  }

  /** Appends the rows of `m` (the seconds after `end`), overwriting the oldest. */
  push(m: Matrix): void {
    if (m.rows > 0 && m.cols !== this.dim) {
      throw new RangeError(`embedding has ${m.cols} columns; the ring holds ${this.dim}`);
    }
    for (let r = 0; r < m.rows; r++) {
      const slot = (this.#end % this.capacity) * this.dim;
      this.#data.set(m.data.subarray(r * this.dim, (r + 1) * this.dim), slot);
      this.#end++;
    }
  }

  /** A copy of seconds [from, end) in time order, as a [end − from, dim] matrix. */
  window(from: number): Matrix {
    if (from < this.start || from > this.#end) {
      throw new RangeError(`seconds ${from}..${this.#end} are not all held (from ${this.start})`);
    }
    const rows = this.#end - from;
    const data = new Float32Array(rows * this.dim);
    for (let i = 0; i < rows; i++) {
      const slot = ((from + i) % this.capacity) * this.dim;
      data.set(this.#data.subarray(slot, slot + this.dim), i * this.dim);
    }
    return { data, rows, cols: this.dim };
  }
}
