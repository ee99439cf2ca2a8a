import { describe, expect, it } from 'vitest';
import type { BoundaryCues, FrameCue } from '../../src/refine/boundaryCues.js';
import { placeOf } from '../../src/refine/refineResult.js';
import { snapBoundary } from '../../src/refine/snapBoundary.js';

const FPS = 25;

/** Cues of [from, to) at 25 fps: `picture(t)` gives a frame's luma, `sound(t)` its level. */
function cues(
  from: number,
  to: number,
  picture: (t: number) => number,
  sound: (t: number) => number = () => -20,
): BoundaryCues {
  const frames: FrameCue[] = [];
  for (let i = 0; from + i / FPS < to - 1e-9; i++) {
    const t = from + i / FPS;
    const luma = picture(t);
    const prev = frames.at(-1);
    frames.push({
      t,
      luma,
      dark: luma < 0.05 ? 1 : 0,
      change: prev ? Math.abs(luma - prev.luma) : 0,
    });
  }
  const audioDb: number[] = [];
  for (let t = from; t < to - 1e-9; t += 0.02) audioDb.push(sound(t));
  return { from, to, frames, audioDb, audioStep: 0.02 };
}

/** A picture that drifts a little every frame (motion), with a jump of `step` at `cut`. */
const shots =
  (cut: number, step = 0.3) =>
  (t: number) =>
    0.4 + 0.01 * Math.sin(t * 7) + (t >= cut - 1e-6 ? step : 0);

describe('snapBoundary: a boundary found on whole seconds moves to the frame', () => {
  it('moves to the shot cut where the truth is expected (about half a second before the whole second)', () => {
    expect(snapBoundary(6, cues(4, 7, shots(5.36)))).toEqual({ time: 5.36, cue: 'cut' });
    expect(snapBoundary(5, cues(3, 6, shots(5.36)))).toEqual({ time: 5.36, cue: 'cut' });
  });

  it('of two cuts within reach, takes the clearer one unless it is much farther away', () => {
    const two = (t: number) => shots(4.8, 0.1)(t) + (t >= 5.6 - 1e-6 ? 0.35 : 0);
    expect(snapBoundary(6, cues(4, 7, two)).time).toBe(5.6);
    const equal = (t: number) => shots(4.2, 0.3)(t) + (t >= 5.6 - 1e-6 ? 0.3 : 0);
    expect(snapBoundary(6, cues(4, 7, equal)).time).toBe(5.6);
  });

  it('moves to the edge of a black stretch where no cut stands out', () => {
    // A fade from picture down to dark grey over 1 s, black from 5.2 s.
    const fade = (t: number) => (t < 4.2 ? 0.5 : t < 5.2 - 1e-6 ? 0.06 + 0.44 * (5.2 - t) : 0.01);
    expect(snapBoundary(6, cues(4, 7, fade))).toEqual({ time: 5.2, cue: 'black' });
  });

  it('falls back to the edge of a silence when the picture runs on unchanged', () => {
    const still = () => 0.5;
    const music = (t: number) => (t < 5.44 - 1e-6 ? -90 : -18);
    expect(snapBoundary(6, cues(4, 7, still, music))).toEqual({ time: 5.44, cue: 'silence' });
  });

  it('stays on the whole second when nothing changes within reach', () => {
    expect(
      snapBoundary(
        6,
        cues(4, 7, () => 0.5),
      ),
    ).toEqual({ time: 6, cue: 'none' });
    // A cut 2.4 s from where the truth is expected is out of reach.
    expect(snapBoundary(8, cues(5, 9, shots(5.1)))).toEqual({ time: 8, cue: 'none' });
  });

  it('ignores picture noise: a frame change counts as a cut only well above the usual', () => {
    const noisy = (t: number) => 0.4 + 0.05 * Math.sin(t * 157);
    expect(snapBoundary(6, cues(4, 7, noisy)).cue).toBe('none');
  });
});

describe('placeOf: a part once its boundaries have moved', () => {
  it('moves both ends of a part as its boundaries moved; an unmoved end stays', () => {
    const place = placeOf(new Map([[4, 3.48]]));
    expect(place({ start: 4, end: 14 })).toEqual({ start: 3.48, end: 14 });
  });

  it('keeps the whole seconds of a part that would come out empty or inside out', () => {
    // A 1-s part whose two ends snapped to the one cut between them…
    expect(
      placeOf(
        new Map([
          [13, 13.72],
          [14, 13.72],
        ]),
      )({ start: 13, end: 14 }),
    ).toEqual({ start: 13, end: 14 });
    // …or past each other.
    expect(
      placeOf(
        new Map([
          [20, 20.9],
          [21, 20.2],
        ]),
      )({ start: 20, end: 21 }),
    ).toEqual({ start: 20, end: 21 });
  });
});
