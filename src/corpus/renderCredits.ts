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
import type { CreditsPart } from './types.js';

/** Groups credit lines into cards at blank lines. */
function creditCards(lines: readonly string[]): string[][] {
  const cards: string[][] = [[]];
  for (const line of lines) {
    if (line === '') cards.push([]);
    else cards[cards.length - 1]?.push(line);
  }
  return cards.filter((c) => c.length > 0);
}

/** End credits: scrolling text or cards, over black or darkened footage, with the credits music. */
export async function renderCredits(
  ctx: RenderContext,
  part: CreditsPart,
  out: string,
): Promise<void> {
  const { width: w, height: h, fps } = ctx;
  const textFiles: string[] = [];
  const d = part.duration;
  const args: string[] = [];
  const graph: string[] = [];
  let inputs = 0;
  if (part.background && part.background.length > 0) {
    for (const shot of part.background) {
      args.push(...loopedInput(ctx.mediaRoot, shot));
      inputs++;
    }
    graph.push(...shotsGraph(0, part.background, w, h, fps, 'bg0'));
    graph.push('[bg0]eq=brightness=-0.3:saturation=0.5[bg]');
  } else {
    args.push('-f', 'lavfi', '-i', `color=c=black:s=${w}x${h}:r=${fps}`);
    graph.push(
      `[${inputs++}:v]format=yuv420p,setsar=1,trim=end_frame=${d * fps},setpts=PTS-STARTPTS[bg]`,
    );
  }
  const size = Math.round(h / 18);
  const font = fontOption(part.font, part.fontFile && join(ctx.mediaRoot, part.fontFile));
  const texts: string[] = [];
  if (part.style === 'scroll') {
    const file = `${out}.credits.txt`;
    textFiles.push(file);
    await writeFile(file, part.lines.map((l) => (l === '' ? ' ' : l)).join('\n'));
    const textHeight = part.lines.length * size * 1.4;
    const speed = ((h + textHeight) / d).toFixed(3);
    texts.push(
      `drawtext=${font}:textfile=${esc(file)}:fontsize=${size}:line_spacing=${Math.round(size * 0.4)}:fontcolor=white:x=(w-tw)/2:y='h-t*${speed}'`,
    );
  } else {
    const cards = creditCards(part.lines);
    const each = d / cards.length;
    for (const [i, card] of cards.entries()) {
      const file = `${out}.card${i}.txt`;
      textFiles.push(file);
      await writeFile(file, card.join('\n'));
      texts.push(
        `drawtext=${font}:textfile=${esc(file)}:fontsize=${Math.round(size * 1.3)}:line_spacing=${Math.round(size * 0.5)}:fontcolor=white:x=(w-tw)/2:y=(h-th)/2:enable='between(t,${(i * each).toFixed(2)},${((i + 1) * each - 0.2).toFixed(2)})'`,
      );
    }
  }
  graph.push(`[bg]${texts.join(',')},format=yuv420p[v]`);
  args.push(...loopedInput(ctx.mediaRoot, part.music));
  graph.push(audioChain(inputs++, part.music.gainDb, 0, 'm0'));
  graph.push(`[m0]afade=t=in:d=1,afade=t=out:st=${Math.max(0, d - 1.5)}:d=1.5[m]`);
  graph.push(mixTo(['m'], d, 'a'));
  try {
    await runFfmpeg(
      ctx.ffmpeg,
      [...args, '-filter_complex', graph.join(';'), ...partOutputArgs(fps), out],
      'end credits',
      ctx.signal ? { signal: ctx.signal } : {},
    );
  } finally {
    await Promise.all(textFiles.map((f) => rm(f, { force: true })));
  }
}
