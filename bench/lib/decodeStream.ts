/** Our decode stream alone (no features): the "decode" share of detect's time. */
import { performance } from 'node:perf_hooks';
import { lastValueFrom, tap } from 'rxjs';
import type { Span } from '../../src/fusion/detectEpisode.js';
import { decode } from '../../src/streams/decode.js';
import type { MediaInfo } from '../../src/streams/probe.js';
import type { Setup } from './setups.js';

/**
 * Our decode stream alone over the spans (frames + PCM events consumed, no features): wall
 * seconds, and the frames when `keep` (to compare decoder options).
 */
export async function decodeStream(
  file: string,
  spans: readonly Span[],
  audio: boolean,
  info: MediaInfo,
  setup: Setup,
  keep = false,
): Promise<{ seconds: number; frames: Uint8Array[] }> {
  const { skipLoopFilter, inputOptions } = setup;
  const frames: Uint8Array[] = [];
  const t0 = performance.now();
  for (const s of spans) {
    await lastValueFrom(
      decode(file, {
        from: s.from,
        to: s.to,
        audio,
        frameSize: 64,
        info,
        skipLoopFilter,
        ...(inputOptions.length ? { inputOptions } : {}),
      }).pipe(tap((e) => keep && e.kind === 'frame' && frames.push(e.rgb))),
      { defaultValue: undefined },
    );
  }
  return { seconds: (performance.now() - t0) / 1000, frames };
}

/** Mean and max |a − b| over the bytes of two frame lists (0–255), over the common frames. */
export function frameDiff(
  a: readonly Uint8Array[],
  b: readonly Uint8Array[],
): { mean: number; max: number } {
  let sum = 0;
  let n = 0;
  let max = 0;
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const x = a[i]!;
    const y = b[i]!;
    for (let j = 0; j < x.length; j++) {
      const d = Math.abs(x[j]! - y[j]!);
      sum += d;
      if (d > max) max = d;
    }
    n += x.length;
  }
  return { mean: n ? sum / n : 0, max };
}
