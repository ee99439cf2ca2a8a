/**
 * A still photo as footage: a slow zoom or pan over it (ffmpeg zoompan), the way documentaries
 * film photographs. Each photo gives a few clips of different length and motion.
 */
import { hashString } from '../rng.js';
import { runFfmpeg } from '../runFfmpeg.js';

/** Shape of the clips cut from photos (640×360 H.264, like the shared footage). */
export const PHOTO_CLIPS = {
  width: 640,
  height: 360,
  fps: 25,
  crf: 22,
  /** Clips per photo, and the range of their lengths in seconds. */
  perPhoto: 2,
  minSeconds: 10,
  maxSeconds: 20,
  /** How far a zoom goes (1.3 = 30 % closer), and the zoom a pan holds. */
  zoom: 0.3,
} as const;

export type Motion = 'zoom-in' | 'zoom-out' | 'pan-right' | 'pan-left' | 'pan-down' | 'pan-up';
const MOTIONS: readonly Motion[] = [
  'zoom-in',
  'pan-right',
  'zoom-out',
  'pan-left',
  'pan-down',
  'pan-up',
];

export interface PhotoClip {
  seconds: number;
  motion: Motion;
  /** Where the zoom or the cross-axis of a pan sits, 0..1. */
  centreX: number;
  centreY: number;
}

/** The clip `index` of a photo, fixed by the photo's name (the same on every build). */
export function photoClip(photo: string, index: number): PhotoClip {
  const h = (salt: string): number => hashString(`${photo}#${index}#${salt}`);
  const c = PHOTO_CLIPS;
  return {
    seconds: c.minSeconds + (h('len') % (c.maxSeconds - c.minSeconds + 1)),
    // Consecutive clips of a photo move differently.
    motion: MOTIONS[(hashString(photo) + index * 3) % MOTIONS.length] ?? 'zoom-in',
    centreX: 0.2 + (h('x') % 61) / 100,
    centreY: 0.2 + (h('y') % 61) / 100,
  };
}

/** The zoompan expressions of a clip over a 1920×1080 cover of the photo. */
export function zoompanFilter(clip: PhotoClip): string {
  const c = PHOTO_CLIPS;
  const n = clip.seconds * c.fps;
  const p = `on/${n - 1}`;
  const z = c.zoom;
  const [zoom, x, y] = ((): [string, string, string] => {
    const cx = `(iw-iw/zoom)*${clip.centreX}`;
    const cy = `(ih-ih/zoom)*${clip.centreY}`;
    switch (clip.motion) {
      case 'zoom-in':
        return [`1+${z}*${p}`, cx, cy];
      case 'zoom-out':
        return [`${1 + z}-${z}*${p}`, cx, cy];
      case 'pan-right':
        return [`${1 + z}`, `(iw-iw/zoom)*${p}`, cy];
      case 'pan-left':
        return [`${1 + z}`, `(iw-iw/zoom)*(1-${p})`, cy];
      case 'pan-down':
        return [`${1 + z}`, cx, `(ih-ih/zoom)*${p}`];
      case 'pan-up':
        return [`${1 + z}`, cx, `(ih-ih/zoom)*(1-${p})`];
    }
  })();
  return [
    // Decoded and scaled once; zoompan repeats the one frame `n` times.
    'scale=1920:1080:force_original_aspect_ratio=increase',
    'crop=1920:1080',
    `zoompan=z='${zoom}':x='${x}':y='${y}':d=${n}:s=${c.width}x${c.height}:fps=${c.fps}`,
    'setsar=1',
    'format=yuv420p',
  ].join(',');
}

/** Renders one clip of `photo` to `out` (MP4, H.264, no audio). */
export async function renderPhotoClip(
  ffmpeg: string,
  photo: string,
  clip: PhotoClip,
  out: string,
  options: { signal?: AbortSignal } = {},
): Promise<void> {
  const c = PHOTO_CLIPS;
  await runFfmpeg(
    ffmpeg,
    [
      '-i',
      photo,
      '-vf',
      zoompanFilter(clip),
      '-frames:v',
      String(clip.seconds * c.fps),
      '-c:v',
      'libx264',
      '-preset',
      'veryfast',
      '-crf',
      String(c.crf),
      '-an',
      '-movflags',
      '+faststart',
      '-f',
      'mp4',
      out,
    ],
    `a ${clip.motion} clip of ${photo}`,
    options,
  );
}
