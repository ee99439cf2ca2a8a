import { createWriteStream, type WriteStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { once } from 'node:events';

export type NpyDtype = '|u1' | '<f4';

/** Bytes reserved for the header, so it can be rewritten in place with the final row count. */
const HEADER_BYTES = 128;

function header(dtype: NpyDtype, shape: readonly number[]): Buffer {
  const dims = shape.length === 1 ? `${shape[0]},` : shape.join(', ');
  const dict = `{'descr': '${dtype}', 'fortran_order': False, 'shape': (${dims}), }`;
  const magic = Buffer.from([0x93, ...Buffer.from('NUMPY'), 1, 0]);
  const body = dict.padEnd(HEADER_BYTES - magic.length - 2 - 1, ' ') + '\n';
  const len = Buffer.alloc(2);
  len.writeUInt16LE(body.length);
  return Buffer.concat([magic, len, Buffer.from(body, 'latin1')]);
}

/**
 * Streams rows into a NumPy .npy file (format 1.0) without knowing their number in advance:
 * a fixed-size header is written first and rewritten on `close()` with the final shape.
 * `write` resolves when the OS has taken the data, so callers get backpressure.
 */
export class NpyWriter {
  readonly #stream: WriteStream;
  readonly #path: string;
  #rows = 0;

  private constructor(
    path: string,
    readonly dtype: NpyDtype,
    readonly rowShape: readonly number[],
  ) {
    this.#path = path;
    this.#stream = createWriteStream(path);
    this.#stream.write(header(dtype, [0, ...rowShape]));
  }

  static create(path: string, dtype: NpyDtype, rowShape: readonly number[]): NpyWriter {
    return new NpyWriter(path, dtype, rowShape);
  }

  get rows(): number {
    return this.#rows;
  }

  /** Appends whole rows (the array's length must be a multiple of one row). */
  async write(data: Uint8Array | Float32Array): Promise<void> {
    const rowLen = this.rowShape.reduce((a, b) => a * b, 1);
    if (data.length % rowLen !== 0)
      throw new RangeError(`npy: ${data.length} values is not a whole number of rows of ${rowLen}`);
    this.#rows += data.length / rowLen;
    const bytes = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
    if (!this.#stream.write(Buffer.from(bytes))) await once(this.#stream, 'drain');
  }

  async close(): Promise<void> {
    this.#stream.end();
    await once(this.#stream, 'finish');
    const fh = await open(this.#path, 'r+');
    try {
      await fh.write(header(this.dtype, [this.#rows, ...this.rowShape]), 0, HEADER_BYTES, 0);
    } finally {
      await fh.close();
    }
  }
}
