import {
  FfmpegFailedError,
  InputNotFoundError,
  type IntrodetectError,
  NotMediaError,
  StreamDroppedError,
  TruncatedMediaError,
} from '../errors.js';

/** http(s), HLS over http, and the other network protocols ffmpeg reads. */
export function isRemote(input: string): boolean {
  return /^(https?|rtmp|rtsp|srt|udp|tcp):\/\//i.test(input);
}

const NOT_FOUND = [
  /No such file or directory/i,
  /Server returned 4\d\d/i,
  /404 Not Found/i,
  /Connection refused/i,
  /Failed to resolve hostname/i,
  /Name or service not known/i,
];
const NOT_MEDIA = [
  /Invalid data found when processing input/i,
  /moov atom not found/i,
  /could not find codec parameters/i,
  /Unknown input format/i,
  /EBML header parsing failed/i,
];
const NETWORK = [
  /Connection reset/i,
  /Connection timed out/i,
  /I\/O error/i,
  /End of file/i,
  /timed out/i,
];

/**
 * Turns an ffmpeg/ffprobe failure into the typed error a user can act on. `secondsDecoded`
 * says how far decoding got: a failure after some output is truncation (files) or a
 * dropped stream (network inputs), not "not media".
 */
export function classifyFfmpegFailure(
  input: string,
  stderr: string,
  ctx: { secondsDecoded: number; probing?: boolean; exitStatus?: number; signal?: string },
): IntrodetectError {
  const opts = { stderr };
  if (ctx.secondsDecoded === 0) {
    if (NOT_FOUND.some((re) => re.test(stderr))) return new InputNotFoundError(input, opts);
    if (NOT_MEDIA.some((re) => re.test(stderr)) || ctx.probing)
      return new NotMediaError(input, opts);
  } else if (isRemote(input)) {
    return new StreamDroppedError(input, ctx.secondsDecoded, opts);
  } else {
    return new TruncatedMediaError(input, ctx.secondsDecoded, opts);
  }
  if (isRemote(input) && NETWORK.some((re) => re.test(stderr))) {
    return new StreamDroppedError(input, ctx.secondsDecoded, opts);
  }
  const lastLine = stderr.split('\n').filter(Boolean).pop() ?? 'no message';
  return new FfmpegFailedError(`ffmpeg failed on ${input}: ${lastLine}`, {
    stderr,
    ...(ctx.exitStatus !== undefined ? { exitStatus: ctx.exitStatus } : {}),
    ...(ctx.signal !== undefined ? { signal: ctx.signal } : {}),
  });
}
