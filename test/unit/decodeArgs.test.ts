import { describe, expect, it } from 'vitest';
import { type DecodeArgsOptions, decodeArgs } from '../../src/streams/decodeArgs.js';

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

  it('maps only what is asked for, and requires it (a missing stream fails, never maps nothing)', () => {
    const maps = (args: string[]) => args.filter((_, i) => args[i - 1] === '-map');
    expect(maps(decodeArgs('in.mkv', base))).toEqual(['0:v:0', '0:a:0']);
    expect(maps(decodeArgs('in.mkv', { ...base, video: false }))).toEqual(['0:a:0']);
    expect(decodeArgs('in.mkv', { ...base, audio: false })).not.toContain('pipe:3');
    expect(decodeArgs('-', base)).toContain('pipe:0');
  });
});
