import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { firstValueFrom, toArray } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IntrodetectError, TruncatedMediaError, StreamDroppedError } from '../../src/errors.js';
import { secondSamples } from '../../src/features/secondSamples.js';
import { exactFrames } from '../../src/fusion/exactFrames.js';
import { locateFfmpeg } from '../../src/streams/locateFfmpeg.js';
import type { SecondSample } from '../../src/features/joinSeconds.js';
import type { DecodeOptions } from '../../src/streams/decode.js';
import { ffmpeg, scratch, testClip } from '../helpers/clips.js';
import { serveFolder, type LocalServer } from '../helpers/server.js';

const tmp = scratch();
const run = promisify(execFile);

/** Collects what was delivered before the error, and the error. */
async function decodeUntilError(
  input: string,
  options: DecodeOptions = {},
): Promise<{ seconds: SecondSample[]; error: unknown }> {
  const seconds: SecondSample[] = [];
  return new Promise((resolve) => {
    secondSamples(input, options).subscribe({
      next: (s) => seconds.push(s),
      error: (error: unknown) => resolve({ seconds, error }),
      complete: () => resolve({ seconds, error: undefined }),
    });
  });
}

async function codeOf(input: string, options: DecodeOptions = {}): Promise<string | undefined> {
  const { error } = await decodeUntilError(input, options);
  return error instanceof IntrodetectError ? error.code : String(error);
}

describe('typed errors, each raised by a real bad input', () => {
  let server: LocalServer;
  beforeAll(async () => {
    testClip(tmp.path('good.mp4'), 30, { extra: ['-movflags', '+faststart'] });
    testClip(tmp.path('good.ts'), 30);
    ffmpeg('-f', 'lavfi', '-i', 'sine=duration=5', tmp.path('audio-only.m4a'));
    testClip(tmp.path('video-only.mp4'), 5, { audio: false });
    writeFileSync(tmp.path('empty.mp4'), '');
    writeFileSync(
      tmp.path('random.mp4'),
      Buffer.from(Array.from({ length: 65536 }, (_, i) => (i * 7919 + 13) % 251)),
    );
    const whole = readFileSync(tmp.path('good.ts'));
    writeFileSync(tmp.path('truncated.ts'), whole.subarray(0, Math.floor(whole.length / 2)));
    const mp4 = readFileSync(tmp.path('good.mp4'));
    writeFileSync(tmp.path('truncated.mp4'), mp4.subarray(0, Math.floor(mp4.length / 2)));
    server = await serveFolder(tmp.dir, { dropAfterBytes: Math.floor(whole.length / 2) });
  });
  afterAll(async () => {
    await server.close();
    tmp.cleanup();
  });

  it('FFMPEG_NOT_FOUND names every place it looked', () => {
    expect(() => locateFfmpeg({ ffmpegPath: '/nowhere/ffmpeg' })).toThrow(
      /\/nowhere\/ffmpeg.*INTRODETECT_FFMPEG/s,
    );
    expect(() => locateFfmpeg({ ffmpegPath: '/nowhere/ffmpeg' })).toThrowError(
      expect.objectContaining({ code: 'FFMPEG_NOT_FOUND' }) as Error,
    );
  });
  it('INPUT_NOT_FOUND for a missing file', async () =>
    expect(await codeOf(tmp.path('missing.mkv'))).toBe('INPUT_NOT_FOUND'));
  it('INPUT_NOT_FOUND for an HTTP 404', async () =>
    expect(await codeOf(server.url('missing.ts'))).toBe('INPUT_NOT_FOUND'));
  it('NOT_MEDIA for an empty file', async () =>
    expect(await codeOf(tmp.path('empty.mp4'))).toBe('NOT_MEDIA'));
  it('NOT_MEDIA for random bytes with a video extension', async () =>
    expect(await codeOf(tmp.path('random.mp4'))).toBe('NOT_MEDIA'));
  it('NO_VIDEO_STREAM for an audio-only file', async () =>
    expect(await codeOf(tmp.path('audio-only.m4a'))).toBe('NO_VIDEO_STREAM'));
  it('NO_AUDIO_STREAM for a silent-film file; vision-only still works', async () => {
    expect(await codeOf(tmp.path('video-only.mp4'))).toBe('NO_AUDIO_STREAM');
    const { seconds, error } = await decodeUntilError(tmp.path('video-only.mp4'), { audio: false });
    expect(error).toBeUndefined();
    expect(seconds).toHaveLength(5);
    expect(seconds[0]!.mel).toBeNull();
  });
  it('TRUNCATED_MEDIA for a file cut in half, after delivering the seconds before the cut', async () => {
    const { seconds, error } = await decodeUntilError(tmp.path('truncated.ts'));
    expect(error).toBeInstanceOf(TruncatedMediaError);
    expect(seconds.length).toBeGreaterThan(8);
    expect(seconds.length).toBeLessThan(22);
    expect((error as TruncatedMediaError).secondsDecoded).toBe(seconds.length);
  });
  it("two passes' exact windows keep the frames a window delivered when its decode ends like damage", async () => {
    // Decoded alone, a window over the cut ends TRUNCATED_MEDIA after its first seconds…
    const window = { from: 5, to: 25 };
    const { seconds, error } = await decodeUntilError(tmp.path('truncated.ts'), {
      ...window,
      audio: false,
    });
    expect(error).toBeInstanceOf(TruncatedMediaError);
    expect(seconds.length).toBeGreaterThan(3);
    // …and the exact pass keeps those frames instead of failing the whole detection (a
    // window lies inside what the first pass decoded: the "damage" is a seek's complaints).
    const frames = await exactFrames(tmp.path('truncated.ts'), window, { frameSize: 32 });
    expect(frames).toHaveLength(seconds.length);
    expect(frames[0]).toHaveLength(32 * 32 * 3);
  });
  it('a moov-at-start MP4 cut in half is reported as truncated too', async () => {
    const { seconds, error } = await decodeUntilError(tmp.path('truncated.mp4'));
    expect(error).toBeInstanceOf(TruncatedMediaError);
    expect(seconds.length).toBeGreaterThan(0);
  });
  it('STREAM_DROPPED when the server cuts the connection mid-way, after delivering what arrived', async () => {
    const { seconds, error } = await decodeUntilError(server.url('good.ts'));
    expect(error).toBeInstanceOf(StreamDroppedError);
    expect(seconds.length).toBeGreaterThan(8);
    expect(seconds.length).toBeLessThan(22);
  });
  it('completes normally on the intact files', async () => {
    expect(await firstValueFrom(secondSamples(tmp.path('good.ts')).pipe(toArray()))).toHaveLength(
      30,
    );
    expect(await firstValueFrom(secondSamples(tmp.path('good.mp4')).pipe(toArray()))).toHaveLength(
      30,
    );
  });
  it("the CLI prints the message and exits with the code's status", async () => {
    const failure = await run('node', [
      'dist/cli/main.js',
      'features',
      tmp.path('missing.mkv'),
      '--out',
      tmp.path('x'),
    ]).catch((e: unknown) => e);
    expect(failure).toMatchObject({ code: 4 });
    expect((failure as { stderr: string }).stderr).toMatch(
      /Input not found: .*missing\.mkv.*\[INPUT_NOT_FOUND\]/,
    );
  });
});
