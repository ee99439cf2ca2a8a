import { filter, lastValueFrom, map, toArray } from 'rxjs';
import { decode, type DecodeOptions } from '../streams/decode.js';
import type { Window } from './exactWindows.js';

/**
 * Every second's frame of `window`, decoded exactly (all frames, video only), in time order:
 * frame i is the picture on screen at second `window.from + i`. Windows are a few seconds long,
 * so the frames are collected, not streamed.
 */
export function exactFrames(
  input: string,
  window: Window,
  options: Omit<DecodeOptions, 'from' | 'to' | 'audio' | 'video' | 'keyframesOnly'>,
): Promise<Uint8Array[]> {
  return lastValueFrom(
    decode(input, { ...options, from: window.from, to: window.to, audio: false }).pipe(
      filter((e) => e.kind === 'frame'),
      map((e) => e.rgb),
      toArray(),
    ),
  );
}
