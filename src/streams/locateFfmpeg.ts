import { createRequire } from 'node:module';
import { execFileSync } from 'node:child_process';
import { FfmpegNotFoundError } from '../errors.js';

export interface FfmpegPaths {
  ffmpeg: string;
  ffprobe: string;
  /** Where the pair was found: `option`, `env`, `PATH` or `npm`. */
  source: 'option' | 'env' | 'PATH' | 'npm';
}

export interface LocateFfmpegOptions {
  /** Explicit ffmpeg binary (CLI: `--ffmpeg`). ffprobe is looked up beside it. */
  ffmpegPath?: string;
  ffprobePath?: string;
  env?: NodeJS.ProcessEnv;
}

/** Environment variables users can set instead of the CLI option. */
const FFMPEG_ENV = 'INTRODETECT_FFMPEG';
const FFPROBE_ENV = 'INTRODETECT_FFPROBE';

function works(bin: string): boolean {
  try {
    execFileSync(bin, ['-version'], { stdio: 'ignore', timeout: 10_000 });
    return true;
  } catch {
    return false;
  }
}

function siblingProbe(ffmpeg: string): string {
  return ffmpeg.replace(/ffmpeg(\.exe)?$/i, (_m, ext: string | undefined) => `ffprobe${ext ?? ''}`);
}

function npmShipped(): { ffmpeg: string; ffprobe: string } | undefined {
  const require = createRequire(import.meta.url);
  try {
    const ffmpeg = (require('@ffmpeg-installer/ffmpeg') as { path: string }).path;
    const ffprobe = (require('@ffprobe-installer/ffprobe') as { path: string }).path;
    return { ffmpeg, ffprobe };
  } catch {
    return undefined;
  }
}

const cache = new Map<string, FfmpegPaths>();

/**
 * Finds a working ffmpeg/ffprobe pair, in this order: the explicit option, the
 * INTRODETECT_FFMPEG / INTRODETECT_FFPROBE environment variables, `ffmpeg` on PATH, and the
 * static build shipped by the optional npm packages `@ffmpeg-installer/ffmpeg` and
 * `@ffprobe-installer/ffprobe`. Throws FfmpegNotFoundError naming every place it looked.
 */
export function locateFfmpeg(options: LocateFfmpegOptions = {}): FfmpegPaths {
  const env = options.env ?? process.env;
  const key = JSON.stringify([
    options.ffmpegPath,
    options.ffprobePath,
    env[FFMPEG_ENV],
    env[FFPROBE_ENV],
  ]);
  const hit = cache.get(key);
  if (hit) return hit;

  const tried: string[] = [];
  const candidates: Array<{ ffmpeg: string; ffprobe: string; source: FfmpegPaths['source'] }> = [];
  if (options.ffmpegPath) {
    candidates.push({
      ffmpeg: options.ffmpegPath,
      ffprobe: options.ffprobePath ?? siblingProbe(options.ffmpegPath),
      source: 'option',
    });
  } else {
    const fromEnv = env[FFMPEG_ENV];
    if (fromEnv) {
      candidates.push({
        ffmpeg: fromEnv,
        ffprobe: env[FFPROBE_ENV] ?? siblingProbe(fromEnv),
        source: 'env',
      });
    }
    candidates.push({ ffmpeg: 'ffmpeg', ffprobe: 'ffprobe', source: 'PATH' });
    const shipped = npmShipped();
    if (shipped) candidates.push({ ...shipped, source: 'npm' });
    else tried.push('npm package @ffmpeg-installer/ffmpeg (not installed)');
  }

  for (const c of candidates) {
    const ok = works(c.ffmpeg) && works(c.ffprobe);
    if (ok) {
      const found: FfmpegPaths = { ffmpeg: c.ffmpeg, ffprobe: c.ffprobe, source: c.source };
      cache.set(key, found);
      return found;
    }
    tried.unshift(`${c.source}: ${c.ffmpeg} / ${c.ffprobe}`);
  }
  throw new FfmpegNotFoundError(
    `ffmpeg/ffprobe not found or not working. Looked at: ${tried.join('; ')}. ` +
      `Install ffmpeg (Debian/Ubuntu: apt-get install ffmpeg), or point to yours with --ffmpeg PATH ` +
      `or ${FFMPEG_ENV}=PATH (ffprobe is taken from the same folder, or from ${FFPROBE_ENV}).`,
  );
}

/** Just the ffmpeg-locating fields of a larger options object (to pass on to probe/decode). */
export function ffmpegOptionsOf(options: LocateFfmpegOptions | undefined): LocateFfmpegOptions {
  return {
    ...(options?.ffmpegPath ? { ffmpegPath: options.ffmpegPath } : {}),
    ...(options?.ffprobePath ? { ffprobePath: options.ffprobePath } : {}),
    ...(options?.env ? { env: options.env } : {}),
  };
}
