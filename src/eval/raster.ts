/** An RGB colour with optional opacity (0–1) for blending. */
export interface Rgba {
  r: number;
  g: number;
  b: number;
  a?: number;
}

/** A raw RGBA pixel buffer with the few drawing primitives the eval plots need. */
export class Raster {
  readonly data: Buffer;

  constructor(
    readonly width: number,
    readonly height: number,
    background: Rgba = { r: 255, g: 255, b: 255 },
  ) {
    this.data = Buffer.alloc(width * height * 4);
    this.fillRect(0, 0, width, height, { ...background, a: 1 });
  }

  /** Blends one pixel (integer coordinates; outside the raster is ignored). */
  plot(x: number, y: number, c: Rgba): void {
    const xi = Math.round(x);
    const yi = Math.round(y);
    if (xi < 0 || yi < 0 || xi >= this.width || yi >= this.height) return;
    const i = (yi * this.width + xi) * 4;
    const a = c.a ?? 1;
    const d = this.data;
    d[i] = Math.round(c.r * a + d[i]! * (1 - a));
    d[i + 1] = Math.round(c.g * a + d[i + 1]! * (1 - a));
    d[i + 2] = Math.round(c.b * a + d[i + 2]! * (1 - a));
    d[i + 3] = 255;
  }

  /** Fills [x0, x1) × [y0, y1), rounded to whole pixels (at least one pixel wide). */
  fillRect(x0: number, y0: number, x1: number, y1: number, c: Rgba): void {
    const xa = Math.max(0, Math.round(x0));
    const xb = Math.min(this.width, Math.max(xa + 1, Math.round(x1)));
    const ya = Math.max(0, Math.round(y0));
    const yb = Math.min(this.height, Math.max(ya + 1, Math.round(y1)));
    for (let y = ya; y < yb; y++) for (let x = xa; x < xb; x++) this.plot(x, y, c);
  }

  /** A one-pixel line (Bresenham). */
  line(x0: number, y0: number, x1: number, y1: number, c: Rgba): void {
    let x = Math.round(x0);
    let y = Math.round(y0);
    const xe = Math.round(x1);
    const ye = Math.round(y1);
    const dx = Math.abs(xe - x);
    const dy = -Math.abs(ye - y);
    const sx = x < xe ? 1 : -1;
    const sy = y < ye ? 1 : -1;
    let err = dx + dy;
    for (;;) {
      this.plot(x, y, c);
      if (x === xe && y === ye) return;
      const e2 = 2 * err;
      if (e2 >= dy) {
        err += dy;
        x += sx;
      }
      if (e2 <= dx) {
        err += dx;
        y += sy;
      }
    }
  }

  /** A dashed horizontal line from x0 to x1 at y. */
  dashedHLine(x0: number, x1: number, y: number, c: Rgba, dash = 6): void {
    for (let x = Math.round(x0); x <= x1; x++)
      if (Math.floor((x - x0) / dash) % 2 === 0) this.plot(x, y, c);
  }
}
