/** ffmpeg alone on detect's spans: the decode limit detect is measured against. */
import type { Span } from '../../src/fusion/detectEpisode.js';
import { decodeArgs, KEYFRAMES_ONLY, PCM_FD } from '../../src/streams/decodeArgs.js';
import { QUIET, seekArgs } from './ffmpegArgs.js';
import type { Setup } from './setups.js';
import { timed, type Run } from './timed.js';

/** ffmpeg alone: decode the streams detect uses over span `s`, discard the frames. */
export function ffmpegNull(
  file: string,
  s: Span,
  audio: boolean,
  inputOptions: readonly string[],
): Promise<Run> {
  return timed('ffmpeg', [
    ...QUIET,
    ...seekArgs(s),
    ...inputOptions,
    ...['-i', file, '-map', '0:v:0', ...(audio ? ['-map', '0:a:0'] : []), '-f', 'null', '-'],
  ]);
}

/** ffmpeg with detect's own arguments (filters included) over span `s`, outputs to /dev/null. */
export function ffmpegDetectArgs(
  file: string,
  s: Span,
  audio: boolean,
  setup: Setup,
): Promise<Run> {
  const args = decodeArgs(file, {
    frameSize: 64,
    video: true,
    audio,
    from: s.from,
    to: s.to,
    readTimeoutMs: 30_000,
    skipLoopFilter: setup.skipLoopFilter,
    inputOptions: setup.inputOptions,
  }).map((a) => (a === 'pipe:1' || a === `pipe:${PCM_FD}` ? '/dev/null' : a));
  return timed('ffmpeg', ['-y', ...args]);
}

/** ffmpeg alone: the video's keyframes only over span `s` (a first pass's picture), discarded. */
export function ffmpegKeyframes(file: string, s: Span): Promise<Run> {
  return timed('ffmpeg', [
    ...QUIET,
    ...seekArgs(s),
    ...KEYFRAMES_ONLY,
    ...['-i', file, '-map', '0:v:0', '-f', 'null', '-'],
  ]);
}

/** ffmpeg alone: the audio only over span `s`, discarded. */
export function ffmpegAudioOnly(file: string, s: Span): Promise<Run> {
  return timed('ffmpeg', [
    ...QUIET,
    ...seekArgs(s),
    '-i',
    file,
    '-map',
    '0:a:0',
    '-f',
    'null',
    '-',
  ]);
}
