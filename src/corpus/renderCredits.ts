import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  audioChain,
  esc,
  even,
  fontOption,
  mixTo,
  partOutputArgs,
  loopedInput,
  shotsGraph,
} from './filters.js';
import type { RenderContext } from './renderContext.js';
import { NOISE_SEED } from './renderScene.js';
import { runFfmpeg } from './runFfmpeg.js';
import { SCENE_FADE_SECONDS } from './creditLooks.js';
import type { CreditsPart } from './types.js';

/** Share of the frame a squeezed picture keeps, each way. */
const SQUEEZE = 0.6;

/** Groups credit lines into cards at blank lines. */
function creditCards(lines: readonly string[]): string[][] {
  const cards: string[][] = [[]];
  for (const line of lines) {
    if (line === '') cards.push([]);
    else cards[cards.length - 1]?.push(line);
  }
  return cards.filter((c) => c.length > 0);
}

/**
 * End credits: scrolling text or cards, over black or darkened footage, with the credits music;
 * with a look (`creditLooks: 'all'`), also over the final scene playing on, beside a squeezed
 * picture, or ending on the music alone over black.
 */
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
  const look = part.look ?? { layout: 'full', tail: 0 };
  // The text rolls until the tail: the music alone over black after the last line.
  const textEnd = d - look.tail;
  const tailFade = look.tail > 0 ? `,fade=t=out:st=${Math.max(0, textEnd - 1)}:d=1` : '';
  if (part.background && part.background.length > 0) {
    for (const shot of part.background) {
      args.push(...loopedInput(ctx.mediaRoot, shot));
      inputs++;
    }
    graph.push(...shotsGraph(0, part.background, w, h, fps, 'bg0'));
    if (look.layout === 'squeeze') {
      const sw = even(w * SQUEEZE);
      const sh = even(h * SQUEEZE);
      const x = look.side === 'right' ? w - sw - even(w * 0.04) : even(w * 0.04);
      graph.push(
        `[bg0]scale=${sw}:${sh},pad=${w}:${h}:${x}:${even((h - sh) / 2)}:black${tailFade}[bg]`,
      );
    } else if (look.layout === 'overScene') {
      // The final scene plays on as it was; the text is what tells the credits have begun.
      graph.push(`[bg0]null${tailFade}[bg]`);
    } else graph.push(`[bg0]eq=brightness=-0.3:saturation=0.5${tailFade}[bg]`);
  } else {
    args.push('-f', 'lavfi', '-i', `color=c=black:s=${w}x${h}:r=${fps}`);
    graph.push(
      `[${inputs++}:v]format=yuv420p,setsar=1,trim=end_frame=${d * fps},setpts=PTS-STARTPTS[bg]`,
    );
  }
  // A squeezed picture leaves a column beside it for smaller text, centred in that column.
  const columnWidth = `w*${(1 - SQUEEZE - 0.04).toFixed(2)}`;
  const columnX = look.side === 'right' ? '0' : `w*${(SQUEEZE + 0.04).toFixed(2)}`;
  const centred = look.layout === 'squeeze' ? `x=${columnX}+(${columnWidth}-tw)/2` : 'x=(w-tw)/2';
  const size = Math.round(h / (look.layout === 'squeeze' ? 26 : 18));
  const font = fontOption(part.font, part.fontFile && join(ctx.mediaRoot, part.fontFile));
  const texts: string[] = [];
  const shadow = look.layout === 'overScene' ? ':borderw=2:bordercolor=black' : '';
  if (part.style === 'scroll') {
    const file = `${out}.credits.txt`;
    textFiles.push(file);
    await writeFile(file, part.lines.map((l) => (l === '' ? ' ' : l)).join('\n'));
    const textHeight = part.lines.length * size * 1.4;
    const speed = ((h + textHeight) / textEnd).toFixed(3);
    texts.push(
      `drawtext=${font}:textfile=${esc(file)}:fontsize=${size}:line_spacing=${Math.round(size * 0.4)}:fontcolor=white${shadow}:${centred}:y='h-t*${speed}'${look.tail > 0 ? `:enable='lt(t,${textEnd})'` : ''}`,
    );
  } else {
    const cards = creditCards(part.lines);
    const each = textEnd / cards.length;
    for (const [i, card] of cards.entries()) {
      const file = `${out}.card${i}.txt`;
      textFiles.push(file);
      await writeFile(file, card.join('\n'));
      texts.push(
        `drawtext=${font}:textfile=${esc(file)}:fontsize=${Math.round(size * 1.3)}:line_spacing=${Math.round(size * 0.5)}:fontcolor=white${shadow}:${centred}:y=(h-th)/2:enable='between(t,${(i * each).toFixed(2)},${((i + 1) * each - 0.2).toFixed(2)})'`,
      );
    }
  }
  graph.push(`[bg]${texts.join(',')},format=yuv420p[v]`);
  args.push(...loopedInput(ctx.mediaRoot, part.music));
  graph.push(audioChain(inputs++, part.music.gainDb, 0, 'm0'));
  // Over the final scene, the music rises as the scene's ambience falls away.
  const ambient = look.layout === 'overScene' ? look.sceneAmbient : undefined;
  const rise = ambient ? SCENE_FADE_SECONDS : 1;
  graph.push(`[m0]afade=t=in:d=${rise},afade=t=out:st=${Math.max(0, d - 1.5)}:d=1.5[m]`);
  const beds = ['m'];
  if (ambient) {
    args.push(
      '-f',
      'lavfi',
      '-i',
      `anoisesrc=color=${ambient.color}:amplitude=0.5:sample_rate=48000:seed=${NOISE_SEED + part.start}`,
    );
    graph.push(audioChain(inputs++, ambient.gainDb, 0, 'amb0'));
    graph.push(`[amb0]afade=t=out:d=${SCENE_FADE_SECONDS}[amb]`);
    beds.push('amb');
  }
  graph.push(mixTo(beds, d, 'a'));
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
