import { describe, expect, it } from 'vitest';
import { type DecodeArgsOptions, decodeArgs } from '../../src/streams/decodeArgs.js';
import {
  classifyDecodeEnd,
  heldFramesTarget,
  type DecodeTally,
} from '../../src/streams/decodeEnd.js';
import { lastFrameCount } from '../../src/streams/keyframeCheck.js';
import type { MediaInfo } from '../../src/streams/probe.js';

const base: DecodeArgsOptions = {
  frameSize: 64,
  video: true,
  audio: true,
  from: 0,
  to: undefined,
  readTimeoutMs: 30_000,
};

describe('decodeArgs', () => {
  it('puts seeking and extra input options before -i, and both outputs after', () => {
    const args = decodeArgs('http://x/live.m3u8', {
      ...base,
      from: 12,
      to: 42,
      inputOptions: ['-live_start_index', '-1'],
    });
    const i = args.indexOf('-i');
    expect(args.slice(0, i)).toEqual(
      expect.arrayContaining([
        '-ss',
        '12.000',
        '-t',
        '30.000',
        '-live_start_index',
        '-1',
        '-rw_timeout',
        '30000000',
      ]),
    );
    expect(args.slice(i)).toEqual(expect.arrayContaining(['pipe:1', 'pipe:3']));
  });

  it('samples the frame on screen at each second and resamples audio by timestamp', () => {
    const args = decodeArgs('in.mkv', base);
    expect(args[args.indexOf('-vf') + 1]).toBe(
      'fps=1:round=up:start_time=0,scale=64:64:flags=area,format=rgb24',
    );
    expect(args[args.indexOf('-af') + 1]).toBe('aresample=16000:async=1');
  });

  it('pads late audio with adelay, never with first_pts (which re-pads after a sample-rate change)', () => {
    const af = (d: number) => {
      const args = decodeArgs('in.mkv', { ...base, audioDelay: d });
      return args[args.indexOf('-af') + 1];
    };
    expect(af(3)).toBe('adelay=3000:all=1,aresample=16000:async=1');
    expect(af(0)).not.toMatch(/first_pts|adelay/);
  });

  it('skips the deblocking filter only when asked, and only for video', () => {
    const args = decodeArgs('in.mkv', { ...base, skipLoopFilter: true });
    const i = args.indexOf('-skip_loop_filter');
    expect(args[i + 1]).toBe('all');
    expect(i).toBeLessThan(args.indexOf('-i'));
    expect(decodeArgs('in.mkv', base)).not.toContain('-skip_loop_filter');
    expect(decodeArgs('in.mkv', { ...base, video: false, skipLoopFilter: true })).not.toContain(
      '-skip_loop_filter',
    );
  });

  it('decodes keyframes only when asked: the demuxer drops non-key video packets, the decoder skips non-key frames', () => {
    const args = decodeArgs('in.mp4', { ...base, keyframesOnly: true });
    const i = args.indexOf('-i');
    expect(args.slice(0, i).join(' ')).toContain(
      '-discard:v nokey -skip_frame nokey -thread_type slice',
    );
    expect(decodeArgs('in.mp4', base)).not.toContain('-skip_frame');
    expect(decodeArgs('in.mp4', { ...base, video: false, keyframesOnly: true })).not.toContain(
      '-skip_frame',
    );
  });

  it('maps only what is asked for, and requires it (a missing stream fails, never maps nothing)', () => {
    const maps = (args: string[]) => args.filter((_, i) => args[i - 1] === '-map');
    expect(maps(decodeArgs('in.mkv', base))).toEqual(['0:v:0', '0:a:0']);
    expect(maps(decodeArgs('in.mkv', { ...base, video: false }))).toEqual(['0:a:0']);
    expect(decodeArgs('in.mkv', { ...base, audio: false })).not.toContain('pipe:3');
    expect(decodeArgs('-', base)).toContain('pipe:0');
  });
});

describe('keyframes-only decodes', () => {
  const info = { duration: 100.5 } as MediaInfo;
  const tally = (over: Partial<DecodeTally>): DecodeTally => ({
    input: 'in.mp4',
    info,
    from: 0,
    to: undefined,
    video: true,
    audio: true,
    frames: 90,
    samples: 100 * 16_000,
    ...over,
  });

  it('hold the last keyframe until the audio ends, or the span or file does', () => {
    expect(heldFramesTarget(tally({}))).toBe(100);
    expect(heldFramesTarget(tally({ audio: false, samples: 0 }))).toBe(100);
    expect(heldFramesTarget(tally({ from: 40, to: 70, frames: 25, samples: 30 * 16_000 }))).toBe(
      30,
    );
    expect(
      heldFramesTarget(tally({ audio: false, samples: 0, frames: 25, from: 40, to: 70 })),
    ).toBe(30);
  });

  it('never deliver fewer frames than decoded, and add none when the length is unknown', () => {
    expect(heldFramesTarget(tally({ frames: 101 }))).toBe(101);
    expect(heldFramesTarget(tally({ info: undefined, audio: false, samples: 0 }))).toBe(90);
  });

  // HEVC with open GOPs in MP4 (eval-v2's s04): with the non-key frames skipped, the decoder
  // logs "Duplicate POC" and "Invalid data found" at keyframes, up to the very end of the log.
  const skippedFramesLog = [
    '[hevc @ 0x5565] Duplicate POC in a sequence: -136.',
    'Error while decoding stream #0:0: Invalid data found when processing input',
    '    Last message repeated 1 times',
  ].join('\n');
  const exited = { exitCode: 0, signal: undefined, killed: false, stderrTail: skippedFramesLog };

  it('are not taken for a damaged file by the decoder’s complaints when the sound is whole', () => {
    const whole = tally({ keyframesOnly: true, frames: 100 });
    expect(classifyDecodeEnd(exited, whole)).toEqual({
      delivered: true,
      seconds: 100,
      error: undefined,
    });
    // The same log after a decode of every frame still means a damaged end…
    expect(classifyDecodeEnd(exited, { ...whole, keyframesOnly: false }).error?.code).toBe(
      'TRUNCATED_MEDIA',
    );
    // …and so does sound that stops short in a keyframes-only decode (MPEG-TS: its duration
    // is no promise, so the log is all there is to tell).
    const ts = { duration: 100.5, formatName: 'mpegts' } as MediaInfo;
    const cut = tally({ info: ts, keyframesOnly: true, frames: 60, samples: 60 * 16_000 });
    expect(classifyDecodeEnd(exited, cut).error?.code).toBe('TRUNCATED_MEDIA');
  });

  it("count the frames from ffmpeg's last -progress block", () => {
    expect(lastFrameCount('frame=1\nfps=0.0\nprogress=continue\nframe=6\nprogress=end\n')).toBe(6);
    expect(lastFrameCount('progress=end\n')).toBeUndefined();
  });
});
