import { rm, writeFile } from 'node:fs/promises';
import { esc, fontOption, mixTo, partOutputArgs } from './filters.js';
import type { RenderContext } from './renderContext.js';
import { runFfmpeg } from './runFfmpeg.js';

/** The studio sting every series shares: name on a moving gradient over a decaying chord. */
const LOGO_TEXT = 'NORTHWIND PICTURES';

export async function renderLogo(ctx: RenderContext, seconds: number, out: string): Promise<void> {
  const { width: w, height: h, fps } = ctx;
  const textFiles: string[] = [];
  const textFile = `${out}.logo.txt`;
  textFiles.push(textFile);
  await writeFile(textFile, LOGO_TEXT);
  const chord =
    '0.25*sin(2*PI*220*t)*exp(-1.2*t)+0.2*sin(2*PI*277.2*t)*exp(-t)+0.2*sin(2*PI*329.6*t)*exp(-0.8*t)+0.1*sin(2*PI*440*t)*exp(-1.5*t)';
  const graph = [
    `[0:v]format=yuv420p,drawtext=${fontOption('serif-bold')}:textfile=${esc(textFile)}:fontsize=${Math.round(h / 10)}:fontcolor=white:x=(w-tw)/2:y=(h-th)/2:alpha='min(1,t/0.8)',setsar=1,trim=end_frame=${seconds * fps},setpts=PTS-STARTPTS[v]`,
    `[1:a]aformat=sample_fmts=fltp:channel_layouts=stereo[c]`,
    mixTo(['c'], seconds, 'a'),
  ];
  try {
    await runFfmpeg(
      ctx.ffmpeg,
      [
        '-f',
        'lavfi',
        '-i',
        `gradients=s=${w}x${h}:r=${fps}:c0=#0b132b:c1=#3a506b:c2=#1c2541:nb_colors=3:speed=0.05:seed=1`,
        '-f',
        'lavfi',
        '-i',
        `aevalsrc=${esc(chord)}:s=48000:c=stereo`,
        '-filter_complex',
        graph.join(';'),
        ...partOutputArgs(fps),
        out,
      ],
      'studio logo',
      ctx.signal ? { signal: ctx.signal } : {},
    );
  } finally {
    await Promise.all(textFiles.map((f) => rm(f, { force: true })));
  }
}
