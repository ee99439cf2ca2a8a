/**
 * Decode benchmark (not a test): how fast does the per-second stream run compared with
 * ffmpeg alone decoding the same span? Prints media-seconds per wall-second for both, their
 * ratio, and peak memory; then the frame-scaling choice (ffmpeg's scaler vs sharp).
 *
 *   npm run bench:decode                # 20-minute 720p H.264 + AAC file, made once in .cache/bench
 *   npm run bench:decode -- FILE        # any file
 */
import { execFileSync } from 'node:child_process';
import { cpus } from 'node:os';
import { performance } from 'node:perf_hooks';
import { lastValueFrom, tap } from 'rxjs';
import sharp from 'sharp';
import { secondSamples } from '../src/features/secondSamples.js';
import { probe } from '../src/streams/probe.js';
import { synthetic720p } from './lib/episodes.js';
import { QUIET } from './lib/ffmpegArgs.js';
import { f1, f2, table } from './lib/format.js';
import { timed } from './lib/timed.js';

async function main() {
  const file = process.argv[2] ?? synthetic720p();
  const info = await probe(file);
  const span = Math.floor(info.duration ?? 0);
  console.log(`file: ${file}`);
  console.log(
    `media: ${span} s, ${info.video?.codec} ${info.video?.width}×${info.video?.height}, audio ${info.audio?.codec ?? 'none'}; machine: ${cpus().length} cores`,
  );

  // 1. ffmpeg alone, decoding video and audio of the same span, output discarded.
  const base = await timed('ffmpeg', [
    ...QUIET,
    ...['-i', file, '-map', '0:v:0', '-map', '0:a:0?', '-f', 'null', '-'],
  ]);

  // 2. our stream: frames + log-mel windows per second, consumed.
  const rssBefore = process.memoryUsage().rss;
  let seconds = 0;
  let peakRss = rssBefore;
  const t0 = performance.now();
  await lastValueFrom(
    secondSamples(file).pipe(
      tap(() => {
        seconds++;
        if (seconds % 30 === 0) peakRss = Math.max(peakRss, process.memoryUsage().rss);
      }),
    ),
  );
  const streamWall = (performance.now() - t0) / 1000;

  console.log();
  table(
    ['pipeline', 'media s / wall s', 'wall s', 'peak RSS MiB'],
    [
      [
        'ffmpeg -f null (decode only)',
        f1(span / base.seconds),
        f1(base.seconds),
        `${base.peakMiB.toFixed(0)} (ffmpeg)`,
      ],
      [
        'introdetect stream (frames + mel)',
        f1(seconds / streamWall),
        f1(streamWall),
        `${(peakRss / 2 ** 20).toFixed(0)} (node)`,
      ],
    ],
  );
  console.log(
    `stream / ffmpeg-decode time ratio: ${f2(streamWall / base.seconds)}× (seconds delivered: ${seconds})`,
  );

  // 3. Scaling frames to the model size: ffmpeg's scaler inside the decode vs full frames + sharp.
  const n = Math.min(120, span);
  /** 1-fps RGB frames of the first n seconds, through the video filter `vf`, to `out`. */
  const rgbFrames = (vf: string, out: string) => [
    ...QUIET,
    ...['-t', String(n), '-i', file, '-an'],
    ...['-vf', vf, '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-y', out],
  ];
  const scaledByFfmpeg = await timed(
    'ffmpeg',
    rgbFrames('fps=1:round=up,scale=64:64:flags=area', '/dev/null'),
  );
  const w = info.video?.width ?? 0;
  const h = info.video?.height ?? 0;
  const full = execFileSync('ffmpeg', rgbFrames('fps=1:round=up', '-'), { maxBuffer: 2 ** 31 });
  const t1 = performance.now();
  const frameBytes = w * h * 3;
  for (let i = 0; i + frameBytes <= full.length; i += frameBytes) {
    await sharp(full.subarray(i, i + frameBytes), { raw: { width: w, height: h, channels: 3 } })
      .resize(64, 64, { fit: 'fill' })
      .raw()
      .toBuffer();
  }
  const sharpSeconds = (performance.now() - t1) / 1000;
  const fullDecode = await timed('ffmpeg', rgbFrames('fps=1:round=up', '/dev/null'));
  console.log(
    `\nscaling ${n} frames ${w}×${h} → 64×64: ffmpeg scale filter in the decode ${scaledByFfmpeg.seconds.toFixed(2)} s in all; ` +
      `full-size frames out of ffmpeg ${fullDecode.seconds.toFixed(2)} s + sharp resize ${sharpSeconds.toFixed(2)} s ` +
      `(${((fullDecode.seconds + sharpSeconds) / scaledByFfmpeg.seconds).toFixed(2)}× the ffmpeg-only path)`,
  );
}

await main();
