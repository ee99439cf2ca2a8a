import sharp from 'sharp';
import type { Raster } from './raster.js';

/** Encodes a raster as PNG at `path`. */
export async function writePng(img: Raster, path: string): Promise<void> {
  await sharp(img.data, { raw: { width: img.width, height: img.height, channels: 4 } })
    .png()
    .toFile(path);
}
