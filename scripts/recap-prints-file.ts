/**
 * The file `scripts/recap-prints.ts` writes per episode and `scripts/recap-measure.ts` reads:
 * the episode's result detected alone and the print of every second it decoded, as float32.
 */
import { readFileSync } from 'node:fs';
import type { DetectionResult } from '../src/fusion/detectionResult.js';
import type { SecondPrint } from '../src/series/secondPrint.js';

const MAGIC = 'RCPR';

export function encodePrints(result: DetectionResult, seconds: Map<number, SecondPrint>): Buffer {
  const order = [...seconds.keys()].sort((a, b) => a - b);
  const first = seconds.get(order[0]!)!;
  const dims = [first.video.length, first.audio?.length ?? 0, first.audioLate?.length ?? 0];
  const header = Buffer.from(JSON.stringify({ result, seconds: order, dims }));
  const per = dims[0]! + dims[1]! + dims[2]!;
  const data = new Float32Array(order.length * per);
  order.forEach((s, k) => {
    const p = seconds.get(s)!;
    data.set(p.video, k * per);
    if (p.audio) data.set(p.audio, k * per + dims[0]!);
    if (p.audioLate) data.set(p.audioLate, k * per + dims[0]! + dims[1]!);
  });
  const length = Buffer.alloc(4);
  length.writeUInt32LE(header.length);
  return Buffer.concat([Buffer.from(MAGIC), length, header, Buffer.from(data.buffer)]);
}

/** One printed episode back: its result alone and the prints by second of the file. */
export function decodePrints(path: string): {
  result: DetectionResult;
  seconds: Map<number, SecondPrint>;
} {
  const buf = readFileSync(path);
  if (buf.subarray(0, 4).toString() !== MAGIC) throw new Error(`${path}: not a prints file`);
  const n = buf.readUInt32LE(4);
  const header = JSON.parse(buf.subarray(8, 8 + n).toString()) as {
    result: DetectionResult;
    seconds: number[];
    dims: [number, number, number];
  };
  const [v, a, l] = header.dims;
  const per = v + a + l;
  const data = new Float32Array(buf.buffer.slice(buf.byteOffset + 8 + n));
  const seconds = new Map<number, SecondPrint>();
  header.seconds.forEach((s, k) => {
    const at = k * per;
    seconds.set(s, {
      video: data.slice(at, at + v),
      audio: a > 0 ? data.slice(at + v, at + v + a) : null,
      audioLate: l > 0 ? data.slice(at + v + a, at + per) : null,
    });
  });
  return { result: header.result, seconds };
}

/** The 1-fps frames (square RGB, `size` a side) by second: 8-byte header, then second + frame. */
export function encodeFrames(frames: Map<number, Uint8Array>, size: number): Buffer {
  const order = [...frames.keys()].sort((a, b) => a - b);
  const bytes = size * size * 3;
  const out = Buffer.alloc(8 + order.length * (4 + bytes));
  out.writeUInt32LE(size, 0);
  out.writeUInt32LE(order.length, 4);
  order.forEach((t, k) => {
    const at = 8 + k * (4 + bytes);
    out.writeUInt32LE(t, at);
    out.set(frames.get(t)!, at + 4);
  });
  return out;
}

export function decodeFrames(path: string): { size: number; frames: Map<number, Uint8Array> } {
  const buf = readFileSync(path);
  const size = buf.readUInt32LE(0);
  const count = buf.readUInt32LE(4);
  const bytes = size * size * 3;
  const frames = new Map<number, Uint8Array>();
  for (let k = 0; k < count; k++) {
    const at = 8 + k * (4 + bytes);
    frames.set(buf.readUInt32LE(at), new Uint8Array(buf.buffer, buf.byteOffset + at + 4, bytes));
  }
  return { size, frames };
}
