import { type ChildProcess, spawn } from 'node:child_process';
import {
  cpSync,
  createReadStream,
  existsSync,
  mkdirSync,
  readFileSync,
  writeFileSync,
} from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, normalize } from 'node:path';
import { Parser, type ParsedManifest } from 'm3u8-parser';
import { expect } from 'vitest';
import { ffmpeg } from './clips.js';

export interface LiveFolderServer {
  url: (path: string) => string;
  /** Takes the server down (connections cut, new ones reset) or back up. */
  setDown: (down: boolean) => void;
  close: () => Promise<void>;
}

/** A local HTTP server for one folder that can be taken down (connections cut) and back up. */
export async function serveLive(root: string): Promise<LiveFolderServer> {
  let down = false;
  const server: Server = createServer((req, res) => {
    if (down) {
      req.socket.destroy();
      return;
    }
    const path = normalize(join(root, new URL(req.url ?? '/', 'http://x').pathname));
    if (!existsSync(path)) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, {
      'content-type': path.endsWith('.m3u8') ? 'application/vnd.apple.mpegurl' : 'video/mp2t',
    });
    createReadStream(path).pipe(res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: (p) => `http://127.0.0.1:${port}/${p}`,
    setDown: (d) => {
      down = d;
      if (d) server.closeAllConnections();
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export interface PublishOptions {
  /** Segments kept in the playlist (default 6; older ones are deleted). */
  listSize?: number;
  /** Write EXT-X-PROGRAM-DATE-TIME before each segment. */
  programDateTime?: boolean;
  /** Segments the playlist must list before this resolves (default 2). */
  waitForSegments?: number;
  /**
   * Keep the clip's own timestamps in the segments (`-copyts`), even those ffmpeg reads as
   * negative (just below the 33-bit wrap); by default ffmpeg restarts them near 1.4 s.
   */
  keepTimestamps?: boolean;
  /**
   * The segments' container (default MPEG-TS); fMP4 writes `init.mp4` (EXT-X-MAP) and `.m4s`
   * segments, the clip's AAC turned from ADTS to MP4's form.
   */
  segmentType?: 'mpegts' | 'fmp4';
}

/**
 * ffmpeg `-re` publishing `clip` (MPEG-TS, copied) into `dir/live.m3u8` as a live HLS
 * playlist of 2-s segments (MPEG-TS or fMP4); resolves once it lists a few segments.
 */
export async function publishLive(
  clip: string,
  dir: string,
  options: PublishOptions = {},
): Promise<ChildProcess> {
  mkdirSync(dir, { recursive: true });
  const flags = ['delete_segments', ...(options.programDateTime ? ['program_date_time'] : [])];
  const fmp4 = options.segmentType === 'fmp4';
  const child = spawn(
    'ffmpeg',
    [
      ...['-hide_banner', '-loglevel', 'error', '-re', '-i', clip, '-c', 'copy'],
      ...(options.keepTimestamps ? ['-copyts', '-avoid_negative_ts', 'disabled'] : []),
      ...(options.keepTimestamps ? ['-hls_ts_options', 'avoid_negative_ts=disabled'] : []),
      ...(fmp4 ? ['-bsf:a', 'aac_adtstoasc', '-hls_segment_type', 'fmp4'] : []),
      ...['-f', 'hls', '-hls_time', '2', '-hls_list_size', String(options.listSize ?? 6)],
      ...['-hls_flags', flags.join('+'), join(dir, 'live.m3u8')],
    ],
    { stdio: 'ignore' },
  );
  const playlist = join(dir, 'live.m3u8');
  const wanted = options.waitForSegments ?? 2;
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (
      existsSync(playlist) &&
      (readFileSync(playlist, 'utf8').match(fmp4 ? /\.m4s$/gm : /\.ts$/gm) ?? []).length >= wanted
    )
      return child;
    await new Promise((r) => setTimeout(r, 200));
  }
  child.kill();
  throw new Error('the live HLS publisher wrote no playlist');
}

/**
 * A "episode" as MPEG-TS (`seconds` long, ≥ 21): cold open 0–8 s, intro 8–20 s (bars + a
 * tune), episode after; a keyframe every second. `ptsOffset` stamps it that many seconds
 * later (ffmpeg's `-output_ts_offset`; the muxer adds its own 1.4 s).
 */
export function liveEpisodeTs(out: string, seconds: number, ptsOffset = 0): void {
  const parts: Array<[string, string, number]> = [
    ['testsrc2', '0.1*sin(2*PI*220*t)', 8],
    ['smptebars', '0.4*sin(2*PI*440*t)*(0.6+0.4*sin(2*PI*2*t))', 12],
    ['testsrc', '0.1*sin(2*PI*330*t)', seconds - 20],
  ];
  const inputs = parts.flatMap(([v, a, d]) => [
    ...['-f', 'lavfi', '-i', `${v}=size=160x120:rate=25:duration=${d}`],
    ...['-f', 'lavfi', '-i', `aevalsrc='${a}':s=44100:d=${d}`],
  ]);
  const labels = parts.map((_, i) => `[${2 * i}:v]format=yuv420p[v${i}];`).join('');
  const concat = parts.map((_, i) => `[v${i}][${2 * i + 1}:a]`).join('');
  ffmpeg(
    ...inputs,
    '-filter_complex',
    `${labels}${concat}concat=n=${parts.length}:v=1:a=1[v][a]`,
    ...['-map', '[v]', '-map', '[a]', '-c:a', 'aac', '-c:v', 'libx264', '-preset', 'ultrafast'],
    ...['-g', '25', '-output_ts_offset', String(ptsOffset), '-f', 'mpegts', out],
  );
}

/**
 * The random-weight fixture model with a rigged decision: an intro threshold of 0 makes every
 * second positive, so a stream is one "intro" from its first to its last second — the
 * start/end mechanics become checkable. Returns the model folder (inside `dir`).
 */
export function riggedStreamModel(dir: string): string {
  const models = join(dir, 'tiny-fused');
  cpSync('test/fixtures/models/tiny-fused', models, { recursive: true });
  const config = JSON.parse(readFileSync(join(models, 'model.json'), 'utf8')) as object;
  const decision = { intro: { threshold: 0 }, credits: { threshold: 0.999 } };
  writeFileSync(join(models, 'model.json'), JSON.stringify({ ...config, decision }));
  return models;
}

/**
 * A playlist read back with m3u8-parser (video.js; another parser than any of ours); fails
 * the spec on any warning it raises.
 */
export function readPlaylistBack(text: string): ParsedManifest {
  const parser = new Parser();
  const warnings: string[] = [];
  parser.on('warn', (w) => warnings.push(w.message));
  parser.push(text);
  parser.end();
  expect(warnings).toEqual([]);
  return parser.manifest;
}
