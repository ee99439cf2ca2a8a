import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';

/** `length` pseudo-random bytes (xorshift32 from `seed`): the same garbage on every run. */
export function seededBytes(length: number, seed = 0x9e3779b9): Buffer {
  const out = Buffer.alloc(length);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    out[i] = x & 0xff;
  }
  return out;
}

/** Writes the first `fraction` of `src` to `dst` (a download cut short). */
export function cutFile(src: string, dst: string, fraction: number): string {
  const whole = readFileSync(src);
  writeFileSync(dst, whole.subarray(0, Math.floor(whole.length * fraction)));
  return dst;
}

/** Writes `srcs` back to back into `dst`, byte for byte (`cat a b > dst`). */
export function catFiles(dst: string, ...srcs: string[]): string {
  writeFileSync(dst, Buffer.concat(srcs.map((s) => readFileSync(s))));
  return dst;
}

export interface ProbedStream {
  codec_type?: string;
  codec_name?: string;
  pix_fmt?: string;
  width?: number;
  height?: number;
  channels?: number;
  side_data_list?: Array<{ side_data_type?: string; rotation?: number }>;
  disposition?: { attached_pic?: number };
}

/** ffprobe's view of a file's streams, to check that a generated input is what it claims. */
export function probeStreams(file: string): ProbedStream[] {
  const out = execFileSync(
    'ffprobe',
    ['-v', 'error', '-print_format', 'json', '-show_streams', file],
    { encoding: 'utf8' },
  );
  return (JSON.parse(out) as { streams?: ProbedStream[] }).streams ?? [];
}

/** What ffmpeg reports at level `error` while decoding all of `file` ('' for a clean file). */
export function decodeErrors(file: string): string {
  const r = spawnSync(
    'ffmpeg',
    ['-hide_banner', '-nostdin', '-v', 'error', '-i', file, '-f', 'null', '-'],
    {
      encoding: 'utf8',
    },
  );
  return `${r.stderr}${r.status === 0 ? '' : `exit ${r.status}`}`.trim();
}
