import { createHash } from 'node:crypto';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { FfmpegFailedError } from '../errors.js';
import { locateFfmpeg, type LocateFfmpegOptions } from '../streams/locateFfmpeg.js';
import { probe } from '../streams/probe.js';
import { pathExists } from '../util/atomicFile.js';

/** Containers and codecs every current browser's `<video>` plays. */
const PLAYABLE = {
  containers: ['mov,mp4,m4a,3gp,3g2,mj2', 'webm', 'matroska,webm'],
  video: ['h264', 'vp8', 'vp9', 'av1'],
  audio: ['aac', 'mp3', 'opus', 'vorbis'],
};

/** Longest proxy clip, seconds. */
export const MAX_CLIP_SECONDS = 120;

/**
 * Still pictures and proxy clips of library files, made by ffmpeg on demand and cached on
 * disk (`cacheDir`), keyed by the file's path, size and mtime: a replaced file gets new ones.
 * Arguments go to ffmpeg as an argument list, never through a shell.
 */
export class Previews {
  readonly cacheDir: string;
  readonly #ffmpeg: LocateFfmpegOptions;
  readonly #inFlight = new Map<string, Promise<string>>();

  constructor(cacheDir: string, ffmpeg: LocateFfmpegOptions = {}) {
    this.cacheDir = cacheDir;
    this.#ffmpeg = ffmpeg;
  }

  /** True when a browser can play the file as it is (else ask for `clip`s). */
  async playable(path: string): Promise<boolean> {
    try {
      const info = await probe(path, this.#ffmpeg);
      // Matroska holding H.264 is still refused: Chrome plays WebM-flavoured Matroska only.
      const webm = info.formatName.includes('webm');
      return (
        PLAYABLE.containers.includes(info.formatName) &&
        info.video !== undefined &&
        PLAYABLE.video.includes(info.video.codec) &&
        (!webm || info.video.codec !== 'h264') &&
        (info.audio === undefined || PLAYABLE.audio.includes(info.audio.codec))
      );
    } catch {
      return false;
    }
  }

  /** A small JPEG (160 px wide) of the frame at second `t`. */
  thumbnail(path: string, t: number): Promise<string> {
    const at = Math.max(0, Math.round(t * 10) / 10);
    return this.#cached(path, `thumb-${at}`, '.jpg', (out) => [
      ...['-ss', String(at), '-i', path, '-frames:v', '1'],
      ...['-vf', 'scale=160:-2', '-q:v', '5', '-f', 'image2', '-c:v', 'mjpeg', out],
    ]);
  }

  /** An H.264/AAC MP4 of `duration` seconds from `start`, at most 360 lines high. */
  clip(path: string, start: number, duration: number): Promise<string> {
    const from = Math.max(0, Math.floor(start));
    const seconds = Math.min(MAX_CLIP_SECONDS, Math.max(1, Math.ceil(duration)));
    return this.#cached(path, `clip-${from}-${seconds}`, '.mp4', (out) => [
      ...['-ss', String(from), '-i', path, '-t', String(seconds)],
      ...['-map', '0:v:0', '-map', '0:a:0?', '-vf', "scale=-2:'min(360,ih)'"],
      ...['-c:v', 'libx264', '-preset', 'veryfast', '-crf', '28', '-pix_fmt', 'yuv420p'],
      ...['-c:a', 'aac', '-b:a', '96k', '-ac', '2', '-movflags', '+faststart', '-f', 'mp4', out],
    ]);
  }

  async #cached(
    path: string,
    what: string,
    extension: string,
    args: (out: string) => string[],
  ): Promise<string> {
    const st = await stat(path);
    const id = createHash('sha1')
      .update(`${path}\0${st.size}\0${st.mtimeMs}\0${what}`)
      .digest('hex')
      .slice(0, 20);
    const out = join(this.cacheDir, `${id}${extension}`);
    if (await pathExists(out)) return out;
    const running = this.#inFlight.get(out);
    if (running) return running;
    const made = (async () => {
      await mkdir(this.cacheDir, { recursive: true });
      const tmp = join(this.cacheDir, `.${id}.partial${extension}`);
      const { ffmpeg } = locateFfmpeg(this.#ffmpeg);
      const run = await execa(
        ffmpeg,
        ['-hide_banner', '-loglevel', 'error', '-nostdin', '-y', ...args(tmp)],
        {
          reject: false,
          timeout: 120_000,
        },
      );
      if (run.exitCode !== 0 || !(await pathExists(tmp))) {
        await rm(tmp, { force: true });
        throw new FfmpegFailedError(`ffmpeg could not make a preview of ${path}.`, {
          ...(run.exitCode !== undefined ? { exitStatus: run.exitCode } : {}),
          stderr: String(run.stderr).slice(-2000),
        });
      }
      await rename(tmp, out);
      return out;
    })().finally(() => this.#inFlight.delete(out));
    this.#inFlight.set(out, made);
    return made;
  }
}
