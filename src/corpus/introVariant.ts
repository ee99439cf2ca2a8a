import { partOutputArgs } from './filters.js';
import type { RenderContext } from './renderContext.js';
import { runFfmpeg } from './runFfmpeg.js';
import type { IntroVariant } from './types.js';

/**
 * This episode's copy of the cached intro: the same length, with a faded first or last
 * second, or re-encoded with a slight grade. Returns the cached file itself for `exact`.
 */
export async function applyIntroVariant(
  ctx: RenderContext,
  cached: string,
  variant: IntroVariant,
  seconds: number,
  out: string,
): Promise<string> {
  if (variant === 'exact') return cached;
  const filters: Record<Exclude<IntroVariant, 'exact'>, [string, string]> = {
    'fade-in-first': ['fade=t=in:d=1', 'afade=t=in:d=1'],
    'fade-out-last': [`fade=t=out:st=${seconds - 1}:d=1`, `afade=t=out:st=${seconds - 1}:d=1`],
    reencode: ['eq=brightness=0.02:saturation=1.08', 'anull'],
  };
  const [vf, af] = filters[variant];
  await runFfmpeg(
    ctx.ffmpeg,
    [
      '-i',
      cached,
      '-filter_complex',
      `[0:v]${vf}[v];[0:a]${af}[a]`,
      // A re-encode is a visibly lossier copy; the fades keep the parts' quality.
      ...partOutputArgs(ctx.fps, variant === 'reencode' ? 26 : 16),
      out,
    ],
    `intro variant ${variant}`,
    ctx.signal ? { signal: ctx.signal } : {},
  );
  return out;
}
