import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  audioChain,
  esc,
  fontOption,
  mixTo,
  partOutputArgs,
  loopedInput,
  shotsGraph,
} from './filters.js';
import type { RenderContext } from './renderContext.js';
import { runFfmpeg } from './runFfmpeg.js';
import type { IntroDesign } from './types.js';

/** The lavfi source behind a title card (or a studio sting). */
export function cardSource(
  card: NonNullable<IntroDesign['card']>,
  w: number,
  h: number,
  fps: number,
): string {
  const size = `s=${w}x${h}:r=${fps}`;
  const a = esc(card.colorA);
  const b = esc(card.colorB);
  switch (card.source) {
    case 'mandelbrot':
      return `mandelbrot=${size}:maxiter=256:end_scale=0.5`;
    case 'life':
      return `life=${size}:mold=10:ratio=0.2:seed=11:life_color=${a}:death_color=${b}:mold_color=${a}`;
    case 'cellauto':
      return `cellauto=${size}:rule=30:scroll=1:seed=5`;
    case 'gradients':
      return `gradients=${size}:c0=${a}:c1=${b}:speed=0.03:seed=3`;
    case 'testsrc2':
      return `testsrc2=${size}`;
    case 'noise':
      return `color=c=${a}:${size}`;
  }
}

/** Filters after a card's source that finish its look (film grain, an inverted automaton). */
export function cardLook(card: NonNullable<IntroDesign['card']>): string {
  return card.source === 'noise'
    ? ',noise=alls=25:allf=t,vignette'
    : card.source === 'cellauto'
      ? `,negate,eq=saturation=0`
      : '';
}

/** drawtext for a title, with its motion (static, fade in, rise into place). */
function titleFilter(
  design: Pick<IntroDesign, 'font' | 'fontColor' | 'titleMotion'>,
  textFile: string,
  w: number,
  h: number,
  poolFont?: string,
): string {
  const size = Math.round(Math.min(h / 7, (w * 1.5) / Math.max(8, 20)));
  const y = design.titleMotion === 'rise' ? `'(h-th)/2+(h/3)*max(0,1-t/2)'` : '(h-th)/2';
  const alpha = design.titleMotion === 'fade' ? `:alpha='min(1,t/1.5)'` : '';
  return `drawtext=${fontOption(design.font, poolFont)}:textfile=${esc(textFile)}:fontsize=${size}:fontcolor=${esc(design.fontColor)}:borderw=3:bordercolor=black@0.6:x=(w-tw)/2:y=${y}${alpha}`;
}

/**
 * Renders a series' intro once: its montage or title card, the title, and the theme excerpt
 * (`duration` s of the theme track from `offset`, 0.25 s fades at both ends).
 */
export async function renderIntro(
  ctx: RenderContext,
  design: IntroDesign,
  out: string,
): Promise<void> {
  const { width: w, height: h, fps } = ctx;
  const textFiles: string[] = [];
  const d = design.duration;
  const args: string[] = [];
  const graph: string[] = [];
  let inputs = 0;
  if (design.style === 'montage' && design.shots.length > 0) {
    for (const shot of design.shots) {
      args.push(...loopedInput(ctx.mediaRoot, shot));
      inputs++;
    }
    graph.push(...shotsGraph(0, design.shots, w, h, fps, 'bg'));
  } else {
    const card = design.card ?? {
      source: 'gradients' as const,
      colorA: '#1d3557',
      colorB: '#e63946',
    };
    args.push('-f', 'lavfi', '-i', cardSource(card, w, h, fps));
    const look = cardLook(card);
    graph.push(
      `[${inputs++}:v]format=yuv420p${look},setsar=1,trim=end_frame=${d * fps},setpts=PTS-STARTPTS[bg]`,
    );
  }
  const textFile = `${out}.title.txt`;
  textFiles.push(textFile);
  await writeFile(textFile, design.title);
  graph.push(
    `[bg]${titleFilter(design, textFile, w, h, design.fontFile && join(ctx.mediaRoot, design.fontFile))},format=yuv420p[v]`,
  );
  args.push(
    '-ss',
    String(design.theme.offset),
    '-t',
    String(d),
    '-i',
    join(ctx.mediaRoot, design.theme.file),
  );
  graph.push(audioChain(inputs++, 0, 0, 'th0'));
  graph.push(`[th0]afade=t=in:d=0.25,afade=t=out:st=${d - 0.25}:d=0.25[th]`);
  graph.push(mixTo(['th'], d, 'a'));
  try {
    await runFfmpeg(
      ctx.ffmpeg,
      [...args, '-filter_complex', graph.join(';'), ...partOutputArgs(fps), out],
      `intro "${design.title}"`,
      ctx.signal ? { signal: ctx.signal } : {},
    );
  } finally {
    await Promise.all(textFiles.map((f) => rm(f, { force: true })));
  }
}
