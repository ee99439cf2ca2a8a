/**
 * Cutting ffmpeg's output pipes into whole items: the pipe hands over bytes in chunks of any
 * size, so a frame or a float sample may straddle two chunks.
 */

/** Splits a byte stream into fixed-size records (raw RGB frames) without copying more than needed. */
export class RecordFramer {
  #pending: Buffer = Buffer.alloc(0);
  constructor(readonly size: number) {}

  /** Adds a chunk; calls `emit` for each record it completes, in order. */
  push(chunk: Buffer, emit: (record: Uint8Array) => void): void {
    let buf = this.#pending.length ? Buffer.concat([this.#pending, chunk]) : chunk;
    while (buf.length >= this.size) {
      emit(new Uint8Array(buf.subarray(0, this.size))); // copy: the pipe reuses nothing, but a view would pin the chunk
      buf = buf.subarray(this.size);
    }
    this.#pending = Buffer.from(buf);
  }
}

/**
 * Splits a byte stream of float32 samples (ffmpeg's `f32le`, read in the platform's byte order)
 * into whole samples; a sample cut by a chunk boundary is completed by the next chunk.
 */
export class Float32Framer {
  #rest: Buffer = Buffer.alloc(0);

  /** Adds a chunk; returns the samples it completes, or undefined when it completes none. */
  push(chunk: Buffer): Float32Array | undefined {
    const buf = this.#rest.length ? Buffer.concat([this.#rest, chunk]) : chunk;
    const whole = buf.length - (buf.length % 4);
    this.#rest = Buffer.from(buf.subarray(whole));
    if (whole === 0) return undefined;
    const out = new Float32Array(whole / 4);
    new Uint8Array(out.buffer).set(buf.subarray(0, whole));
    return out;
  }
}
