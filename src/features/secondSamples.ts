import type { Observable } from 'rxjs';
import { decode, type DecodeOptions } from '../streams/decode.js';
import { joinSeconds, type JoinSecondsOptions, type SecondSample } from './joinSeconds.js';

export interface SecondSamplesOptions extends DecodeOptions {
  /** See JoinSecondsOptions.audioFuture (default 5 s: whole windows). */
  audioFuture?: number;
}

/**
 * The front end in one call: one ffmpeg process for `input`, turned into one SecondSample per
 * second of the (optionally `from`/`to`-limited) timeline. Unsubscribe or abort to stop ffmpeg.
 */
export function secondSamples(
  input: string,
  options: SecondSamplesOptions = {},
): Observable<SecondSample> {
  const { audioFuture, ...decodeOptions } = options;
  const join: JoinSecondsOptions = {
    ...(options.demand ? { demand: options.demand } : {}),
    ...(audioFuture !== undefined ? { audioFuture } : {}),
  };
  return decode(input, decodeOptions).pipe(joinSeconds(join));
}
