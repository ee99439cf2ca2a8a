import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { drawCreditsLook, shotPlayedOn } from '../../src/corpus/creditLooks.js';
import { renderCredits } from '../../src/corpus/renderCredits.js';
import type { RenderContext } from '../../src/corpus/renderContext.js';
import { renderScene } from '../../src/corpus/renderScene.js';
import { Rng } from '../../src/corpus/rng.js';
import type { CreditsLook, CreditsPart, ScenePart, Shot } from '../../src/corpus/types.js';
import { locateFfmpeg } from '../../src/streams/locateFfmpeg.js';
import { scratch } from '../helpers/clips.js';
import { frameDistance, greyFrame, soundLevel } from '../helpers/renderedMedia.js';
import { SHARED_MEDIA } from '../helpers/sharedMedia.js';

/**
 * The credits looks of `--credit-looks all` (issue 12), rendered by ffmpeg from the shared
 * media and read back: credits over the final scene continue its picture undimmed, a squeezed
 * picture leaves black bands and a text column, and an instrumental tail is black with music.
 */

const W = 320;
const H = 180;
const FPS = 25;
const dir = scratch('introdetect-credit-looks-');

const shot: Shot = {
  file: 'video/bbb_60s_640x360.mp4',
  offset: 20,
  seconds: 4,
  speed: 1,
  zoom: 1,
  cropX: 0.5,
  cropY: 0.5,
  hflip: false,
  grade: { brightness: 0, contrast: 1, saturation: 1, hue: 0 },
};

const finalScene: ScenePart = {
  kind: 'body',
  start: 0,
  duration: 4,
  shots: [shot],
  speech: [],
  ambient: { color: 'pink', gainDb: -30 },
  music: null,
  caption: null,
};

function credits(seconds: number, look: CreditsLook | undefined, background: Shot[]): CreditsPart {
  return {
    kind: 'credits',
    start: 4,
    duration: seconds,
    style: 'scroll',
    background,
    music: { file: 'music/big_buck_bunny_intro.mp3', offset: 0, gainDb: 0 },
    lines: ['THE SERIES', '', 'Directed by', 'A. Person', '', 'Written by', 'B. Person'],
    font: 'sans-bold',
    ...(look ? { look } : {}),
  };
}

/** The brightest grey level in columns [x0, 64) of a 64×36 frame. */
function brightest(f: Uint8Array, x0: number): number {
  let max = 0;
  for (let i = 0; i < f.length; i++) if (i % 64 >= x0) max = Math.max(max, f[i]!);
  return max;
}

/** Mean grey level of the columns [x0, x1) and rows [y0, y1) of a 64×36 frame. */
function mean(f: Uint8Array, x0 = 0, x1 = 64, y0 = 0, y1 = 36): number {
  let sum = 0;
  for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) sum += f[y * 64 + x]!;
  return sum / ((x1 - x0) * (y1 - y0));
}

describe('credits looks, rendered', () => {
  let ctx: RenderContext;
  const files = {
    scene: dir.path('scene.mkv'),
    full: dir.path('full.mkv'),
    overScene: dir.path('over-scene.mkv'),
    squeeze: dir.path('squeeze.mkv'),
  };

  beforeAll(async () => {
    ctx = {
      ffmpeg: locateFfmpeg({}).ffmpeg,
      mediaRoot: SHARED_MEDIA,
      cacheDir: dir.path('cache'),
      width: W,
      height: H,
      fps: FPS,
    };
    const played = shotPlayedOn(finalScene, 15);
    await Promise.all([
      renderScene(ctx, finalScene, files.scene),
      renderCredits(ctx, credits(15, undefined, played), files.full),
      renderCredits(
        ctx,
        credits(15, { layout: 'overScene', sceneAmbient: finalScene.ambient, tail: 5 }, played),
        files.overScene,
      ),
      renderCredits(
        ctx,
        credits(15, { layout: 'squeeze', side: 'left', tail: 0 }, played),
        files.squeeze,
      ),
    ]);
  }, 120_000);

  afterAll(() => dir.cleanup());

  it('over the final scene: the picture goes on from the scene, undimmed', () => {
    const lastOfScene = greyFrame(files.scene, 4 - 1 / FPS);
    const over = greyFrame(files.overScene, 0);
    const dimmed = greyFrame(files.full, 0);
    expect(frameDistance(over, lastOfScene)).toBeLessThan(8);
    // Full-frame credits over footage dim it: the same picture, far darker.
    expect(mean(over) - mean(dimmed)).toBeGreaterThan(15);
  });

  it('an instrumental tail: black after the last line, the music still playing', () => {
    expect(mean(greyFrame(files.overScene, 3))).toBeGreaterThan(20);
    expect(mean(greyFrame(files.overScene, 11.5))).toBeLessThan(3);
    expect(mean(greyFrame(files.overScene, 14))).toBeLessThan(3);
    expect(soundLevel(files.overScene, 11, 3)).toBeGreaterThan(0.01);
  });

  it('squeezed: the picture shrunk to one side, black above and below it, text beside it', () => {
    const f = greyFrame(files.squeeze, 7);
    // The picture: 60 % each way, 4 % in from the left edge, centred vertically.
    expect(mean(f, 4, 38, 9, 27)).toBeGreaterThan(30);
    expect(mean(f, 0, 64, 0, 6)).toBeLessThan(3);
    expect(mean(f, 0, 64, 31, 36)).toBeLessThan(3);
    // The column right of it holds only the text: mostly black, some white.
    const column = Array.from(f.filter((_, i) => i % 64 >= 43));
    expect(column.filter((v) => v < 20).length / column.length).toBeGreaterThan(0.6);
    const times = Array.from({ length: 14 }, (_, k) => k + 0.5);
    expect(
      Math.max(...times.map((t) => brightest(greyFrame(files.squeeze, t), 43))),
    ).toBeGreaterThan(100);
  });

  it('a look is drawn for what precedes the credits: over the scene only after a body scene', () => {
    const series = { layout: 'overScene' as const, side: 'left' as const, tailChance: 0 };
    const rng = new Rng(1);
    expect(drawCreditsLook(rng, series, 60, finalScene, true).layout).toBe('overScene');
    expect(drawCreditsLook(rng, series, 60, { ...finalScene, kind: 'preview' }, true).layout).toBe(
      'full',
    );
    expect(drawCreditsLook(rng, series, 60, undefined, true).tail).toBe(0);
  });
});
