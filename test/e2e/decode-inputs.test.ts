import { execFile } from 'node:child_process';
import { createReadStream, mkdirSync, readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { channelMean, collect, ffmpeg, scratch } from '../helpers/clips.js';
import { serveFolder, type LocalServer } from '../helpers/server.js';

const run = promisify(execFile);
const tmp = scratch();
const CLI = ['dist/cli/main.js'];

/** 20 s, H.264 + AAC in MPEG-TS: red brightness = 10·t so seconds can be told apart. */
function makeClip(): string {
  const out = tmp.path('clip.ts');
  ffmpeg(
    '-f',
    'lavfi',
    '-i',
    "color=black:size=160x90:rate=25:duration=20,format=rgb24,geq=r='10*T':g=0:b=0",
    '-f',
    'lavfi',
    '-i',
    'sine=frequency=440:duration=20',
    '-c:v',
    'libx264',
    '-preset',
    'ultrafast',
    '-g',
    '25',
    '-c:a',
    'aac',
    out,
  );
  return out;
}

function npyShape(path: string): number[] {
  const header = readFileSync(path).subarray(10, 128).toString('latin1');
  const m = /'shape': \(([^)]*)\)/.exec(header);
  return (m?.[1] ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map(Number);
}

describe('inputs: file, HTTP URL, HLS playlist, standard input', () => {
  let clip: string;
  let server: LocalServer;
  beforeAll(async () => {
    clip = makeClip();
    mkdirSync(tmp.path('hls'));
    ffmpeg(
      '-i',
      clip,
      '-c',
      'copy',
      '-f',
      'hls',
      '-hls_time',
      '4',
      '-hls_playlist_type',
      'vod',
      tmp.path('hls/index.m3u8'),
    );
    server = await serveFolder(tmp.dir);
  });
  afterAll(async () => {
    await server.close();
    tmp.cleanup();
  });

  const expectSeconds = (seconds: { t: number; frame: Uint8Array; mel: Float32Array | null }[]) => {
    expect(seconds).toHaveLength(20);
    for (const s of [seconds[0]!, seconds[10]!, seconds[19]!]) {
      expect(channelMean(s.frame, 0)).toBeGreaterThan(10 * s.t - 6);
      expect(channelMean(s.frame, 0)).toBeLessThan(10 * s.t + 6);
      expect(s.mel).toHaveLength(500 * 64);
    }
  };

  it('reads a local file', async () => expectSeconds(await collect(clip)));
  it('reads an HTTP URL', async () => expectSeconds(await collect(server.url('clip.ts'))));
  it('reads an HLS playlist over HTTP', async () =>
    expectSeconds(await collect(server.url('hls/index.m3u8'))));
  it('reads standard input ("-")', async () =>
    expectSeconds(await collect('-', { stdin: createReadStream(clip) })));

  it('decodes only the span between --from and --to', async () => {
    const seconds = await collect(clip, { from: 5, to: 12 });
    expect(seconds.map((s) => s.t)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    // second 0 of the span is input time 5 s
    expect(channelMean(seconds[0]!.frame, 0)).toBeGreaterThan(44);
    expect(channelMean(seconds[0]!.frame, 0)).toBeLessThan(56);
  });

  it.each([
    ['a file', () => clip],
    ['a URL', () => server.url('clip.ts')],
    ['an HLS playlist', () => server.url('hls/index.m3u8')],
  ])('`introdetect features` dumps %s', async (_name, input) => {
    const out = tmp.path(`dump-${_name.replace(/\W/g, '')}`);
    const { stdout } = await run('node', [...CLI, 'features', input(), '--out', out]);
    expect(stdout).toContain('20 seconds');
    expect(npyShape(`${out}/frames.npy`)).toEqual([20, 64, 64, 3]);
    expect(npyShape(`${out}/mel.npy`)).toEqual([19 * 50 + 500, 64]);
    const meta = JSON.parse(readFileSync(`${out}/meta.json`, 'utf8')) as {
      seconds: number;
      mel: { rows: number };
    };
    expect(meta.seconds).toBe(20);
    expect(meta.mel.rows).toBe(1450);
  });

  it('`introdetect features -` reads standard input', async () => {
    const out = tmp.path('dump-stdin');
    const { stdout } = await run('sh', ['-c', `node ${CLI[0]} features - --out ${out} < ${clip}`]);
    expect(stdout).toContain('20 seconds');
    expect(npyShape(`${out}/frames.npy`)).toEqual([20, 64, 64, 3]);
  });
});
