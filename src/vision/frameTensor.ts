/**
 * Packs RGB24 frames (row-major H×W×3, as the decoder delivers them: ffmpeg has already
 * scaled them to the model's size) into the image encoder's input: float32 NCHW, values
 * rgb / 255. One pass over the bytes, no intermediate copies.
 */
export function frameTensor(frames: readonly Uint8Array[], size: number): Float32Array {
  const plane = size * size;
  const out = new Float32Array(frames.length * 3 * plane);
  const scale = 1 / 255;
  frames.forEach((rgb, n) => {
    if (rgb.length !== plane * 3) {
      throw new RangeError(
        `frame ${n} has ${rgb.length} bytes, expected ${plane * 3} (${size}×${size} RGB)`,
      );
    }
    const base = n * 3 * plane;
    for (let i = 0, p = 0; p < plane; p++, i += 3) {
      out[base + p] = rgb[i]! * scale;
      out[base + plane + p] = rgb[i + 1]! * scale;
      out[base + 2 * plane + p] = rgb[i + 2]! * scale;
    }
  });
  return out;
}
