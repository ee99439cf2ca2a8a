import { execFileSync } from 'node:child_process';

/** Reading a render back: small grey frames and the sound's level, from ffmpeg. */

/** One frame at `t` seconds, as 64×36 grey levels. */
export function greyFrame(file: string, t: number): Uint8Array {
  const args = ['-v', 'error', '-ss', String(t), '-i', file, '-frames:v', '1'];
  return new Uint8Array(
    execFileSync('ffmpeg', [...args, '-vf', 'scale=64:36,format=gray', '-f', 'rawvideo', '-']),
  );
}

/** Mean absolute difference of two frames' grey levels. */
export function frameDistance(a: Uint8Array, b: Uint8Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += Math.abs(a[i]! - b[i]!);
  return sum / a.length;
}

/** RMS level (0..1) of the sound over [t, t + seconds), or of all of it. */
export function soundLevel(file: string, t = 0, seconds?: number): number {
  const span = ['-ss', String(t), ...(seconds !== undefined ? ['-t', String(seconds)] : [])];
  const pcm = execFileSync(
    'ffmpeg',
    ['-v', 'error', ...span, '-i', file, '-ac', '1', '-ar', '8000', '-f', 's16le', '-'],
    { maxBuffer: 1 << 22 },
  );
  const samples = new Int16Array(pcm.buffer, pcm.byteOffset, pcm.length >> 1);
  let sum = 0;
  for (const s of samples) sum += (s / 32768) ** 2;
  return Math.sqrt(sum / Math.max(1, samples.length));
}
