import { filter, lastValueFrom, tap } from 'rxjs';
import { TruncatedMediaError } from '../errors.js';
import { decode, type DecodeOptions } from '../streams/decode.js';
import type { Window } from './exactWindows.js';

/**
 * Every second's frame of `window`, decoded exactly (all frames, video only), in time order:
 * frame i is the picture on screen at second `window.from + i`. Windows are a few seconds long,
 * so the frames are collected, not streamed.
 *
 * A window lies inside a span the first pass has already decoded to its end, so a decode that
 * ends as "truncated" here says nothing of the file: after a seek into HEVC with open GOPs
 * (as in MPEG-TS), the decoder's complaints about the references before the seek point are the
 * last words of its log, which reads like damage. The frames that came are kept (the seconds
 * after them keep their first-pass pictures); any other failure is thrown.
 */
export async function exactFrames(
  input: string,
  window: Window,
  options: Omit<DecodeOptions, 'from' | 'to' | 'audio' | 'video' | 'keyframesOnly'>,
): Promise<Uint8Array[]> {
  const frames: Uint8Array[] = [];
  try {
    await lastValueFrom(
      decode(input, { ...options, from: window.from, to: window.to, audio: false }).pipe(
        filter((e) => e.kind === 'frame'),
        tap((e) => frames.push(e.rgb)),
      ),
      { defaultValue: undefined },
    );
  } catch (err) {
    if (!(err instanceof TruncatedMediaError)) throw err;
  }
  return frames;
}
