import type { OutputFormat } from './types.js';
import { renderFps } from './formatPlan.js';

/** What every part renderer needs: tools, folders, the frame size and rate, cancellation. */
export interface RenderContext {
  ffmpeg: string;
  mediaRoot: string;
  /** Shared cache (intros, logo, speech synthesis), reused across episodes and builds. */
  cacheDir: string;
  width: number;
  height: number;
  /** Integer frame rate of the intermediate parts. */
  fps: number;
  signal?: AbortSignal;
}

export function contextFor(
  base: Omit<RenderContext, 'width' | 'height' | 'fps'>,
  format: OutputFormat,
): RenderContext {
  return { ...base, width: format.width, height: format.height, fps: renderFps(format.frameRate) };
}
