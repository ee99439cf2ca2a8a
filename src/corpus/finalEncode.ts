import { writeFile } from 'node:fs/promises';
import { runFfmpeg } from './runFfmpeg.js';
import type { OutputFormat } from './types.js';

const MUXER: Record<OutputFormat['container'], string> = {
  mp4: 'mp4',
  mkv: 'matroska',
  ts: 'mpegts',
};

/** Video filter converting the integer render rate to the delivery rate. */
function rateFilter(format: OutputFormat): string {
  switch (format.frameRate) {
    case '23.976':
      return 'fps=24000/1001';
    case '29.97':
      return 'fps=30000/1001';
    case '25':
      return 'null';
    case 'vfr':
      // Drops every third frame during half of each 12-s cycle: 29.97 and ~20 fps alternate.
      return `fps=30000/1001,select='not(lt(mod(t\\,12)\\,6)*eq(mod(n\\,3)\\,1))'`;
  }
}

function videoCodecArgs(format: OutputFormat): string[] {
  switch (format.videoCodec) {
    case 'h264':
      return [
        '-c:v',
        'libx264',
        '-preset',
        'veryfast',
        '-crf',
        String(format.quality),
        '-pix_fmt',
        'yuv420p',
      ];
    case 'hevc':
      return [
        '-c:v',
        'libx265',
        '-preset',
        'ultrafast',
        '-crf',
        String(format.quality),
        '-pix_fmt',
        'yuv420p',
        '-x265-params',
        'log-level=error',
        ...(format.container === 'mp4' ? ['-tag:v', 'hvc1'] : []),
      ];
    case 'vp9':
      return [
        '-c:v',
        'libvpx-vp9',
        '-deadline',
        'realtime',
        '-cpu-used',
        '8',
        '-row-mt',
        '1',
        '-b:v',
        `${format.quality}k`,
        '-pix_fmt',
        'yuv420p',
      ];
  }
}

function audioCodecArgs(format: OutputFormat): string[] {
  const codec = {
    aac: ['-c:a', 'aac', '-b:a', '128k'],
    opus: ['-c:a', 'libopus', '-b:a', '96k'],
    ac3: ['-c:a', 'ac3', '-b:a', '192k'],
  }[format.audioCodec];
  return [...codec, '-ar', String(format.sampleRate), '-ac', '2'];
}

/**
 * Concatenates the rendered parts (all the same size, rate and audio layout) and encodes the
 * episode in its delivery format: codec, container, frame rate, sample rate, loudness.
 */
export async function finalEncode(
  ffmpeg: string,
  parts: readonly string[],
  format: OutputFormat,
  listFile: string,
  out: string,
  options: { signal?: AbortSignal } = {},
): Promise<void> {
  await writeFile(listFile, parts.map((p) => `file '${p.replace(/'/g, "'\\''")}'\n`).join(''));
  await runFfmpeg(
    ffmpeg,
    [
      '-f',
      'concat',
      '-safe',
      '0',
      '-i',
      listFile,
      '-filter_complex',
      `[0:v]${rateFilter(format)}[v];[0:a]volume=${format.gainDb}dB,aresample=${format.sampleRate}[a]`,
      '-map',
      '[v]',
      '-map',
      '[a]',
      ...(format.frameRate === 'vfr' ? ['-fps_mode', 'vfr'] : []),
      ...videoCodecArgs(format),
      ...audioCodecArgs(format),
      ...(format.container === 'mp4' ? ['-movflags', '+faststart'] : []),
      '-f',
      MUXER[format.container],
      out,
    ],
    'final encode',
    options,
  );
}
