import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { AbortedError } from '../errors.js';
import { pathExists, writeOnce } from '../util/atomicFile.js';
import { finalEncode } from './finalEncode.js';
import { applyIntroVariant } from './introVariant.js';
import type { RenderContext } from './renderContext.js';
import { renderCredits } from './renderCredits.js';
import { renderScene } from './renderScene.js';
import type { EpisodePlan, Part, StingDesign } from './types.js';

/** Cached renders shared by episodes: the series' openings and the studio logo. */
export interface SharedRenders {
  /** Opening 1 is the series' intro, 2 its second opening. */
  intro(ctx: RenderContext, series: string, opening: 1 | 2): Promise<string>;
  /** The shared studio sting, or a studio's own (`design`). */
  logo(ctx: RenderContext, seconds: number, design?: StingDesign): Promise<string>;
}

export interface BuildEpisodeOptions {
  outDir: string;
  /** Folder for this episode's intermediate parts (removed once the episode is done). */
  workDir: string;
  shared: SharedRenders;
  onPart?: (index: number, part: Part) => void;
}

async function renderPart(
  ctx: RenderContext,
  ep: EpisodePlan,
  i: number,
  part: Part,
  o: BuildEpisodeOptions,
): Promise<string> {
  const file = join(o.workDir, `part-${String(i).padStart(2, '0')}-${part.kind}.mkv`);
  switch (part.kind) {
    case 'logo':
      return o.shared.logo(ctx, part.duration, part.design);
    case 'intro': {
      const cached = await o.shared.intro(ctx, ep.series, part.opening ?? 1);
      if (part.variant === 'exact') return cached;
      await writeOnce(file, (tmp) =>
        applyIntroVariant(ctx, cached, part.variant, part.duration, tmp).then(() => undefined),
      );
      return file;
    }
    case 'credits':
      await writeOnce(file, (tmp) => renderCredits(ctx, part, tmp));
      return file;
    default:
      await writeOnce(file, (tmp) => renderScene(ctx, part, tmp));
      return file;
  }
}

/**
 * Renders one episode: each part to an intermediate file (kept if already there), then one
 * final encode to a temporary name renamed to `OUT/<series>/<id>.<ext>`. Returns false when
 * the episode was already complete.
 */
export async function buildEpisode(
  ctx: RenderContext,
  ep: EpisodePlan,
  o: BuildEpisodeOptions,
): Promise<boolean> {
  const target = join(o.outDir, ep.file);
  if (await pathExists(target)) return false;
  await mkdir(o.workDir, { recursive: true });
  const files: string[] = [];
  for (const [i, part] of ep.parts.entries()) {
    if (ctx.signal?.aborted) throw new AbortedError({ cause: ctx.signal.reason });
    o.onPart?.(i, part);
    files.push(await renderPart(ctx, ep, i, part, o));
  }
  await writeOnce(target, (tmp) =>
    finalEncode(
      ctx.ffmpeg,
      files,
      ep.format,
      join(o.workDir, 'concat.txt'),
      tmp,
      ctx.signal ? { signal: ctx.signal } : {},
    ),
  );
  await rm(o.workDir, { recursive: true, force: true });
  return true;
}
