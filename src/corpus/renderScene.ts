import { rm, writeFile } from 'node:fs/promises';
import {
  audioChain,
  duckedMix,
  esc,
  fontOption,
  mixTo,
  partOutputArgs,
  loopedInput,
  shotsGraph,
} from './filters.js';
import type { RenderContext } from './renderContext.js';
import { runFfmpeg } from './runFfmpeg.js';
import { speechFile } from './tts.js';
import type { ScenePart } from './types.js';

/** Seed of a scene's ambience noise (plus the part's start), so renders are repeatable. */
export const NOISE_SEED = 7;

/**
 * Renders a footage scene (cold open, recap, body, post-credits, preview, mid-credits) to an
 * intermediate file; a narrator's part ducks the rest of its sound while the narrator speaks.
 */
export async function renderScene(ctx: RenderContext, part: ScenePart, out: string): Promise<void> {
  const { width: w, height: h, fps } = ctx;
  const textFiles: string[] = [];
  const args: string[] = [];
  let inputs = 0;
  for (const shot of part.shots) {
    args.push(...loopedInput(ctx.mediaRoot, shot));
    inputs++;
  }
  const graph = shotsGraph(0, part.shots, w, h, fps, part.caption ? 'body' : 'v');
  if (part.caption) {
    const textFile = `${out}.caption.txt`;
    textFiles.push(textFile);
    await writeFile(textFile, part.caption);
    graph.push(
      `[body]drawtext=${fontOption('sans-bold')}:textfile=${esc(textFile)}:fontsize=${Math.round(h / 14)}:fontcolor=white:borderw=2:bordercolor=black:x=(w-tw)/2:y=h-2*th:enable='lt(t,3)'[v]`,
    );
  }
  const audio: string[] = [];
  for (const [i, cue] of part.speech.entries()) {
    if (cue.at >= part.duration) continue;
    args.push(
      '-i',
      await speechFile(
        cue.source,
        ctx.mediaRoot,
        ctx.cacheDir,
        ctx.signal ? { signal: ctx.signal } : {},
      ),
    );
    const trim =
      cue.from !== undefined || cue.seconds !== undefined
        ? {
            ...(cue.from !== undefined ? { from: cue.from } : {}),
            ...(cue.seconds !== undefined ? { seconds: cue.seconds } : {}),
          }
        : undefined;
    graph.push(audioChain(inputs++, cue.gainDb, cue.at, `sp${i}`, trim));
    audio.push(`sp${i}`);
  }
  if (part.music) {
    args.push(...loopedInput(ctx.mediaRoot, part.music));
    graph.push(audioChain(inputs++, part.music.gainDb, 0, 'mus'));
    audio.push('mus');
  }
  args.push(
    '-f',
    'lavfi',
    '-i',
    `anoisesrc=color=${part.ambient.color}:amplitude=0.5:sample_rate=48000:seed=${NOISE_SEED + part.start}`,
  );
  graph.push(audioChain(inputs++, part.ambient.gainDb, 0, 'amb'));
  audio.push('amb');
  const vo = part.voiceOver;
  if (vo && vo.cue.at < part.duration) {
    args.push(
      '-i',
      await speechFile(
        vo.cue.source,
        ctx.mediaRoot,
        ctx.cacheDir,
        ctx.signal ? { signal: ctx.signal } : {},
      ),
    );
    graph.push(audioChain(inputs++, vo.cue.gainDb, vo.cue.at, 'vo'));
    graph.push(duckedMix(audio, vo.cue.at, vo.until, vo.duckDb, 'bed'));
    graph.push(mixTo(['bed', 'vo'], part.duration, 'a'));
  } else graph.push(mixTo(audio, part.duration, 'a'));
  try {
    await runFfmpeg(
      ctx.ffmpeg,
      [...args, '-filter_complex', graph.join(';'), ...partOutputArgs(fps), out],
      `${part.kind} scene`,
      ctx.signal ? { signal: ctx.signal } : {},
    );
  } finally {
    await Promise.all(textFiles.map((f) => rm(f, { force: true })));
  }
}
