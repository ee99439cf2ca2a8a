import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { audioChain, esc, fontOption, loopedInput, mixTo, partOutputArgs } from './filters.js';
import { cardLook, cardSource } from './renderIntro.js';
import type { RenderContext } from './renderContext.js';
import { runFfmpeg } from './runFfmpeg.js';
import type { StingDesign } from './types.js';

/** The studio sting every series shares: name on a moving gradient over a decaying chord. */
const LOGO_TEXT = 'NORTHWIND PICTURES';

/**
 * Renders the studio sting: the one every series shares, or a studio's own (`design`, from a
 * `stings: 'all'` corpus).
 */
export async function renderLogo(
  ctx: RenderContext,
  seconds: number,
  out: string,
  design?: StingDesign,
): Promise<void> {
  if (design) return renderSting(ctx, seconds, out, design);
  const { width: w, height: h, fps } = ctx;
  const textFile = `${out}.logo.txt`;
  await writeFile(textFile, LOGO_TEXT);
  const chord =
    '0.25*sin(2*PI*220*t)*exp(-1.2*t)+0.2*sin(2*PI*277.2*t)*exp(-t)+0.2*sin(2*PI*329.6*t)*exp(-0.8*t)+0.1*sin(2*PI*440*t)*exp(-1.5*t)';
  await renderCard(ctx, out, {
    background: `gradients=s=${w}x${h}:r=${fps}:c0=#0b132b:c1=#3a506b:c2=#1c2541:nb_colors=3:speed=0.05:seed=1`,
    audio: ['-f', 'lavfi', '-i', `aevalsrc=${esc(chord)}:s=48000:c=stereo`],
    graph: [
      `[0:v]format=yuv420p,drawtext=${fontOption('serif-bold')}:textfile=${esc(textFile)}:fontsize=${Math.round(h / 10)}:fontcolor=white:x=(w-tw)/2:y=(h-th)/2:alpha='min(1,t/0.8)',setsar=1,trim=end_frame=${seconds * fps},setpts=PTS-STARTPTS[v]`,
      `[1:a]aformat=sample_fmts=fltp:channel_layouts=stereo[c]`,
      mixTo(['c'], seconds, 'a'),
    ],
    textFile,
    what: 'studio logo',
  });
}

/**
 * Renders a name card: a lavfi `background` (input 0) and the `audio` input's arguments
 * (input 1) through `graph` to `out`; the card's text file is removed afterwards.
 */
async function renderCard(
  ctx: RenderContext,
  out: string,
  card: { background: string; audio: string[]; graph: string[]; textFile: string; what: string },
): Promise<void> {
  try {
    await runFfmpeg(
      ctx.ffmpeg,
      [
        '-f',
        'lavfi',
        '-i',
        card.background,
        ...card.audio,
        '-filter_complex',
        card.graph.join(';'),
        ...partOutputArgs(ctx.fps),
        out,
      ],
      card.what,
      ctx.signal ? { signal: ctx.signal } : {},
    );
  } finally {
    await rm(card.textFile, { force: true });
  }
}

/** The sound of a sting: a decaying chord on its root, a swelling whoosh, or music (input 1). */
function stingSound(
  design: StingDesign,
  seconds: number,
  mediaRoot: string,
): { input: string[]; chain: string } {
  const sound = design.sound;
  const fadeOut = `afade=t=out:st=${Math.max(0, seconds - 0.6)}:d=0.6`;
  if (sound.kind === 'music')
    return {
      input: loopedInput(mediaRoot, sound),
      chain: `${audioChain(1, -3, 0, 's0')};[s0]afade=t=in:d=0.3,${fadeOut}[s]`,
    };
  if (sound.kind === 'whoosh')
    return {
      input: [
        '-f',
        'lavfi',
        '-i',
        `anoisesrc=color=${sound.color}:amplitude=0.6:sample_rate=48000:seed=3`,
      ],
      chain: `${audioChain(1, -6, 0, 's0')};[s0]lowpass=f=1800,afade=t=in:d=${(seconds / 2).toFixed(2)}:curve=exp,${fadeOut}[s]`,
    };
  const r = sound.root;
  const k = sound.decay;
  const chord = [
    `0.25*sin(2*PI*${r}*t)*exp(-${k}*t)`,
    `0.2*sin(2*PI*${(r * 1.26).toFixed(1)}*t)*exp(-${(k * 0.9).toFixed(2)}*t)`,
    `0.2*sin(2*PI*${(r * 1.5).toFixed(1)}*t)*exp(-${(k * 0.7).toFixed(2)}*t)`,
    `0.1*sin(2*PI*${(r * 2).toFixed(1)}*t)*exp(-${(k * 1.3).toFixed(2)}*t)`,
  ].join('+');
  return {
    input: ['-f', 'lavfi', '-i', `aevalsrc=${esc(chord)}:s=48000:c=stereo`],
    chain: `[1:a]aformat=sample_fmts=fltp:channel_layouts=stereo[s]`,
  };
}

/** A studio's own sting: its name coming in over a generated background, with its sound. */
async function renderSting(
  ctx: RenderContext,
  seconds: number,
  out: string,
  design: StingDesign,
): Promise<void> {
  const { width: w, height: h, fps } = ctx;
  const textFile = `${out}.sting.txt`;
  await writeFile(textFile, design.studio);
  const font = fontOption(design.font, design.fontFile && join(ctx.mediaRoot, design.fontFile));
  const motion =
    design.motion === 'slide'
      ? `x='(w-tw)/2-(w/2)*max(0,1-t/0.8)':y=(h-th)/2`
      : design.motion === 'rise'
        ? `x=(w-tw)/2:y='(h-th)/2+(h/4)*max(0,1-t/0.8)'`
        : `x=(w-tw)/2:y=(h-th)/2:alpha='min(1,t/0.8)'`;
  const size = Math.round(Math.min(h / 10, (w * 1.6) / Math.max(12, design.studio.length)));
  const sound = stingSound(design, seconds, ctx.mediaRoot);
  await renderCard(ctx, out, {
    background: cardSource(design.card, w, h, fps),
    audio: sound.input,
    graph: [
      `[0:v]format=yuv420p${cardLook(design.card)},drawtext=${font}:textfile=${esc(textFile)}:fontsize=${size}:fontcolor=${esc(design.fontColor)}:borderw=2:bordercolor=black@0.5:${motion},setsar=1,trim=end_frame=${seconds * fps},setpts=PTS-STARTPTS[v]`,
      sound.chain,
      mixTo(['s'], seconds, 'a'),
    ],
    textFile,
    what: `sting "${design.studio}"`,
  });
}
