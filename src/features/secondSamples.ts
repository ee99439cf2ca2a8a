import type { Observable } from 'rxjs';
import { decode, type DecodeOptions } from '../streams/decode.js';
import { joinSeconds, type SecondSample } from './joinSeconds.js';

/**
 * The front end in one call: one ffmpeg process for `input`, turned into one SecondSample per
 * second of the (optionally `from`/`to`-limited) timeline. Unsubscribe or abort to stop ffmpeg.
 */
export function secondSamples(
  input: string,
  options: DecodeOptions = {},
): Observable<SecondSample> {
  return decode(input, options).pipe(joinSeconds(options.demand ? { demand: options.demand } : {}));
}
