import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Shot, TextFont } from './types.js';

/** Sample rate and layout of every intermediate part. */
const PART_RATE = 48000;

/** Escapes a value for a filter option (paths, colours) inside a filtergraph. */
export function esc(value: string): string {
  return value
    .replace(/\\/g, '\\\\')
    .replace(/:/g, '\\:')
    .replace(/'/g, "\\'")
    .replace(/,/g, '\\,');
}

const FONT_DIR = '/usr/share/fonts/truetype/dejavu';
const FONT_FILES: Record<TextFont, string> = {
  'sans-bold': 'DejaVuSans-Bold.ttf',
  'serif-bold': 'DejaVuSerif-Bold.ttf',
  mono: 'DejaVuSansMono.ttf',
  'sans-condensed': 'DejaVuSansCondensed.ttf',
  'sans-light': 'DejaVuSans-ExtraLight.ttf',
};

/**
 * `fontfile=…` for the plan's pool font (an absolute path, drawn by poolFontFor from the pool's
 * fonts/ of the corpus's use) when it exists; else the DejaVu file of the style (Debian
 * fonts-dejavu-core), else a fontconfig name.
 */
export function fontOption(font: TextFont, poolFont?: string): string {
  if (poolFont !== undefined && existsSync(poolFont)) return `fontfile=${esc(poolFont)}`;
  const file = join(FONT_DIR, FONT_FILES[font]);
  return existsSync(file)
    ? `fontfile=${esc(file)}`
    : `font=${font.startsWith('serif') ? 'Serif' : 'Sans'}`;
}

/** The even whole number at or above `n` (chroma-subsampled sizes and offsets). */
export const even = (n: number): number => 2 * Math.ceil(n / 2);

/** Input arguments for footage or music: the file looped forever, entered at its offset. */
export function loopedInput(mediaRoot: string, src: { file: string; offset: number }): string[] {
  return ['-stream_loop', '-1', '-ss', String(src.offset), '-i', join(mediaRoot, src.file)];
}

/** Filter chain turning input `index` into exactly `shot.seconds * fps` frames of W×H. */
function shotChain(
  index: number,
  shot: Shot,
  w: number,
  h: number,
  fps: number,
  out: string,
): string {
  const zw = even(w * shot.zoom);
  const zh = even(h * shot.zoom);
  const g = shot.grade;
  return [
    `[${index}:v]setpts=(PTS-STARTPTS)/${shot.speed}`,
    `fps=${fps}`,
    `scale=${zw}:${zh}:force_original_aspect_ratio=increase`,
    `crop=${w}:${h}:(iw-${w})*${shot.cropX}:(ih-${h})*${shot.cropY}`,
    ...(shot.hflip ? ['hflip'] : []),
    `eq=brightness=${g.brightness}:contrast=${g.contrast}:saturation=${g.saturation}`,
    `hue=h=${g.hue}`,
    'setsar=1',
    'format=yuv420p',
    `trim=end_frame=${Math.round(shot.seconds * fps)}`,
    `setpts=PTS-STARTPTS[${out}]`,
  ].join(',');
}

/** Concatenates shots given as inputs `first…` into label `out`. */
export function shotsGraph(
  first: number,
  shots: readonly Shot[],
  w: number,
  h: number,
  fps: number,
  out: string,
): string[] {
  const chains = shots.map((s, i) => shotChain(first + i, s, w, h, fps, `sh${i}`));
  const labels = shots.map((_, i) => `[sh${i}]`).join('');
  return [...chains, `${labels}concat=n=${shots.length}:v=1:a=0[${out}]`];
}

/**
 * Normalises an audio input to the part format, with gain and delay; `trim` first keeps only
 * `seconds` of it from `from` (a line carried into a recap, cut with its shot).
 */
export function audioChain(
  index: number,
  gainDb: number,
  delaySeconds: number,
  out: string,
  trim?: { from?: number; seconds?: number },
): string {
  const ms = Math.round(delaySeconds * 1000);
  const cut = [
    ...(trim?.from !== undefined ? [`start=${trim.from}`] : []),
    ...(trim?.seconds !== undefined ? [`duration=${trim.seconds}`] : []),
  ];
  const head = cut.length > 0 ? `atrim=${cut.join(':')},asetpts=PTS-STARTPTS,` : '';
  return `[${index}:a]${head}aresample=${PART_RATE},aformat=sample_fmts=fltp:channel_layouts=stereo,volume=${gainDb}dB${ms > 0 ? `,adelay=${ms}:all=1` : ''}[${out}]`;
}

/**
 * Mixes labels into `out` and lowers the mix by `db` from `from` to `to` seconds: the bed under
 * a narrator.
 */
export function duckedMix(
  labels: readonly string[],
  from: number,
  to: number,
  db: number,
  out: string,
): string {
  const mix =
    labels.length === 1
      ? `[${labels[0]}]`
      : `${labels.map((l) => `[${l}]`).join('')}amix=inputs=${labels.length}:normalize=0:duration=longest,`;
  return `${mix}volume=volume=${db}dB:enable='between(t,${from},${to})'[${out}]`;
}

/** Mixes labels and cuts to exactly `seconds` of audio. */
export function mixTo(labels: readonly string[], seconds: number, out: string): string {
  const end = `apad,atrim=end_sample=${Math.round(seconds * PART_RATE)},asetpts=N/SR/TB[${out}]`;
  if (labels.length === 1) return `[${labels[0]}]${end}`;
  return `${labels.map((l) => `[${l}]`).join('')}amix=inputs=${labels.length}:normalize=0:duration=longest,${end}`;
}

/** Encoder arguments of every intermediate part (fast, near-lossless, PCM audio, Matroska). */
export function partOutputArgs(fps: number, crf = 16): string[] {
  return [
    '-map',
    '[v]',
    '-map',
    '[a]',
    '-c:v',
    'libx264',
    '-preset',
    'ultrafast',
    '-crf',
    String(crf),
    '-pix_fmt',
    'yuv420p',
    '-g',
    String(fps * 2),
    '-c:a',
    'pcm_s16le',
    '-ar',
    String(PART_RATE),
    '-ac',
    '2',
    '-f',
    'matroska',
  ];
}
