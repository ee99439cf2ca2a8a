import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderLogo } from '../../src/corpus/renderLogo.js';
import type { RenderContext } from '../../src/corpus/renderContext.js';
import type { StingDesign } from '../../src/corpus/types.js';
import { locateFfmpeg } from '../../src/streams/locateFfmpeg.js';
import { probe } from '../../src/streams/probe.js';
import { scratch } from '../helpers/clips.js';
import { frameDistance, greyFrame, soundLevel } from '../helpers/renderedMedia.js';
import { SHARED_MEDIA } from '../helpers/sharedMedia.js';

/**
 * Studio stings of `--stings all` (issue 12), rendered by ffmpeg and read back: each studio's
 * sting looks and sounds its own, and none is the one sting all series shared before.
 */

const dir = scratch('introdetect-stings-');
const SECONDS = 4;

const chord: StingDesign = {
  studio: 'Hollow Engine Films',
  card: { source: 'mandelbrot', colorA: '#ff9f1c', colorB: '#6a4c93' },
  font: 'serif-bold',
  fontColor: '#ffd23f',
  motion: 'slide',
  sound: { kind: 'chord', root: 180, decay: 0.8 },
};
const whoosh: StingDesign = {
  studio: 'Quiet Tide Television',
  card: { source: 'gradients', colorA: '#e63946', colorB: '#2a9d8f' },
  font: 'sans-bold',
  fontColor: 'white',
  motion: 'fade',
  sound: { kind: 'whoosh', color: 'pink' },
};
const music: StingDesign = {
  studio: 'Paper Archive Pictures',
  card: { source: 'life', colorA: '#3a86ff', colorB: '#0b132b' },
  font: 'mono',
  fontColor: '#7fffd4',
  motion: 'rise',
  sound: { kind: 'music', file: 'music/big_buck_bunny_intro.mp3', offset: 2 },
};

describe('studio stings, rendered', () => {
  const files = {
    shared: dir.path('shared.mkv'),
    chord: dir.path('chord.mkv'),
    whoosh: dir.path('whoosh.mkv'),
    music: dir.path('music.mkv'),
  };

  beforeAll(async () => {
    const ctx: RenderContext = {
      ffmpeg: locateFfmpeg({}).ffmpeg,
      mediaRoot: SHARED_MEDIA,
      cacheDir: dir.path('cache'),
      width: 320,
      height: 180,
      fps: 25,
    };
    await Promise.all([
      renderLogo(ctx, SECONDS, files.shared),
      renderLogo(ctx, SECONDS, files.chord, chord),
      renderLogo(ctx, SECONDS, files.whoosh, whoosh),
      renderLogo(ctx, SECONDS, files.music, music),
    ]);
  }, 120_000);

  afterAll(() => dir.cleanup());

  it('each lasts what the plan says and is heard', async () => {
    for (const file of Object.values(files)) {
      expect((await probe(file)).duration).toBeCloseTo(SECONDS, 0);
      expect(soundLevel(file)).toBeGreaterThan(0.01);
    }
  });

  it("each studio's sting looks unlike the others and unlike the shared one", () => {
    const at = (f: string) => greyFrame(f, 2);
    const all = [files.shared, files.chord, files.whoosh, files.music].map(at);
    for (let i = 0; i < all.length; i++)
      for (let j = i + 1; j < all.length; j++)
        expect(frameDistance(all[i]!, all[j]!)).toBeGreaterThan(15);
  });
});
