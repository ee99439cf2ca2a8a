import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DetectionResult } from '../../src/fusion/detectionResult.js';
import { boundaryCues } from '../../src/refine/boundaryCues.js';
import { refineResult } from '../../src/refine/refineResult.js';
import { concatClip, ffmpeg, scratch } from '../helpers/clips.js';

// Boundaries to the frame (issue 12): a clip whose "intro" (testsrc2 under a tone) starts and
// ends between whole seconds, at frames of its 25 fps: 3.48 s (frame 87) and 13.72 s (frame
// 343). The 1-s decision can only say 4–14; refinement must find the frames.
const tmp = scratch('introdetect-refine-');
const INTRO = { start: 3.48, end: 13.72 };
const FRAME = 1 / 25;
let mp4: string;
let ts: string;

beforeAll(() => {
  mp4 = concatClip(tmp.path('episode.mp4'), [
    ['smptebars', 'anoisesrc=a=0.05:c=pink', INTRO.start],
    ['testsrc2', 'sine=f=660', INTRO.end - INTRO.start],
    ['rgbtestsrc', 'anoisesrc=a=0.05:c=brown', 20 - INTRO.end],
  ]);
  // The same episode in MPEG-TS as broadcast captures are: timestamps from 1.4 s, a keyframe
  // every 0.48 s (ffmpeg seeks such a file to the first keyframe after the time asked).
  ts = tmp.path('episode.ts');
  ffmpeg('-i', mp4, '-c:v', 'libx264', '-preset', 'ultrafast', '-g', '12', '-c:a', 'copy', ts);
}, 60_000);

afterAll(() => tmp.cleanup());

/** A result as detect gives it on whole seconds. */
function coarse(file: string, intro: { start: number; end: number }): DetectionResult {
  return {
    id: 'episode',
    file,
    duration: 20,
    mode: 'fused',
    intro: { ...intro, confidence: 0.9 },
    credits: null,
    probabilities: { intro: { from: 0, values: [] }, credits: { from: 15, values: [] } },
    threshold: { intro: 0.5, credits: 0.5 },
  };
}

describe('refineResult: boundaries from whole seconds to the frame', () => {
  it('decodes the frames around a boundary with their times on the file timeline', async () => {
    const cues = await boundaryCues(mp4, 2.5, 4.5);
    expect(cues.frames.length).toBeGreaterThanOrEqual(49);
    expect(cues.frames[0]!.t).toBeCloseTo(2.5, 1);
    const steps = cues.frames.slice(1).map((f, i) => f.t - cues.frames[i]!.t);
    for (const s of steps) expect(s).toBeCloseTo(FRAME, 3);
    // The cut into the intro is the frame that changes most.
    const cut = cues.frames.reduce((a, b) => (b.change > a.change ? b : a));
    expect(cut.t).toBeCloseTo(INTRO.start, 2);
    expect(cues.audioDb.length).toBeGreaterThan(90);
  });

  it.each([
    ['MP4', () => mp4],
    ['MPEG-TS', () => ts],
  ])('moves an intro found as 4–14 s to its frames, 3.48–13.72 s (%s)', async (_, file) => {
    const { result, boundaries } = await refineResult(coarse(file(), { start: 4, end: 14 }));
    expect(boundaries.map((b) => b.cue)).toEqual(['cut', 'cut']);
    // Within one frame (MPEG-TS: plus the audio's priming, which moves the file's start).
    expect(Math.abs(result.intro!.start - INTRO.start)).toBeLessThanOrEqual(FRAME * 2 + 1e-9);
    expect(Math.abs(result.intro!.end - INTRO.end)).toBeLessThanOrEqual(FRAME * 2 + 1e-9);
    expect(result.segments).toEqual([{ type: 'intro', ...result.intro }]);
  });

  it('finds the same frames from a decision on the other side of them (3–13 s)', async () => {
    const early = await refineResult(coarse(mp4, { start: 3, end: 13 }));
    expect(early.result.intro).toMatchObject({ start: INTRO.start, end: INTRO.end });
  });

  it('takes no cut farther than the reach (1.5 s) from where the truth is expected', async () => {
    // 5 s is 1.52 s after the cut into the intro: the 1-s decision was wrong by more than a
    // second there, and the steady test pattern around 5 s has nothing to snap to.
    const { result, boundaries } = await refineResult(coarse(mp4, { start: 5, end: 14 }));
    expect(result.intro!.start).toBe(5);
    expect(boundaries[0]).toMatchObject({ from: 5, to: 5, cue: 'none', kind: 'intro.start' });
  });

  it('reaches a cut a whole second before a decision that took in a silent second after the intro', async () => {
    // As in eval-v1's HEVC/MPEG-TS series: the intro's picture and music stop at 13.04 s (frame
    // 326), then 1.76 s of silence under the next shot; the decision says 14 s. The cut is 1.21 s
    // before where an intro's end is expected (14.25 s); a reach of 1 s saw only the sound's
    // return at 14.8 s and moved the end there, later still.
    const quiet = concatClip(tmp.path('quiet.mp4'), [
      ['smptebars', 'anoisesrc=a=0.05:c=pink', INTRO.start],
      ['testsrc2', 'sine=f=660', 13.04 - INTRO.start],
      ['rgbtestsrc', 'anullsrc=r=48000:cl=mono', 1.76],
      ['rgbtestsrc', 'anoisesrc=a=0.05:c=brown', 20 - 14.8],
    ]);
    const { result, boundaries } = await refineResult(coarse(quiet, { start: 4, end: 14 }));
    expect(boundaries.find((b) => b.from === 14)?.cue).toBe('cut');
    expect(Math.abs(result.intro!.end - 13.04)).toBeLessThanOrEqual(FRAME + 1e-9);
    const narrow = await refineResult(coarse(quiet, { start: 4, end: 14 }), { reach: 1 });
    expect(narrow.result.intro!.end).toBeGreaterThan(14.5);
  });

  it('ends a part that runs into the last second of the file where the file ends; a shared boundary moves for both parts', async () => {
    const found = coarse(mp4, { start: 4, end: 14 });
    const { result, boundaries } = await refineResult({
      ...found,
      credits: { start: 14, end: 20, confidence: 0.9 },
    });
    expect(boundaries.map((b) => b.from)).toEqual([4, 14]);
    expect(result.credits!.start).toBe(result.intro!.end);
    expect(Math.abs(result.credits!.start - INTRO.end)).toBeLessThanOrEqual(FRAME + 1e-9);
    expect(result.credits!.end).toBe(found.duration);
  });

  it('refines a boundary the credits share with another part as the credits’ start', async () => {
    const found = coarse(mp4, { start: 4, end: 9 });
    const { boundaries } = await refineResult({
      ...found,
      credits: { start: 14, end: 20, confidence: 0.9 },
      segments: [
        { type: 'intro', start: 4, end: 9, confidence: 0.9 },
        { type: 'preview', start: 10, end: 14, confidence: 0.5 },
        { type: 'credits', start: 14, end: 20, confidence: 0.9 },
      ],
    });
    // The preview comes first in time, but the credits' start is the one its centre was
    // measured for (half a second after the decided second).
    expect(boundaries.find((b) => b.from === 14)?.kind).toBe('credits.start');
    expect(boundaries.find((b) => b.from === 10)?.kind).toBe('preview.start');
  });

  it('keeps the whole seconds of a short part whose two ends would snap to the one cut inside it', async () => {
    // A 1-s recap around the cut out of the intro (13.72 s): both its ends are within reach
    // of that cut, and moving both there would leave nothing.
    const found = coarse(mp4, { start: 4, end: 13 });
    const recap = { type: 'recap' as const, start: 13, end: 14, confidence: 0.8 };
    const { result, boundaries } = await refineResult({
      ...found,
      segments: [{ type: 'intro', ...found.intro! }, recap],
    });
    expect(boundaries.filter((b) => b.from >= 13).map((b) => b.to)).toEqual([INTRO.end, INTRO.end]);
    expect(result.segments?.find((s) => s.type === 'recap')).toEqual(recap);
  });

  it('refines a file without sound on its picture alone', async () => {
    const mute = tmp.path('mute.mp4');
    ffmpeg('-i', mp4, '-an', '-c', 'copy', mute);
    const cues = await boundaryCues(mute, 2.5, 4.5);
    expect(cues.audioDb).toEqual([]);
    expect(cues.frames.length).toBeGreaterThanOrEqual(49);
    const { result } = await refineResult(coarse(mute, { start: 4, end: 14 }));
    expect(result.intro).toMatchObject({ start: INTRO.start, end: INTRO.end });
  });

  it('leaves a boundary with nothing to snap to on its whole second', async () => {
    // 8 s lies in the middle of the intro's steady picture: no cut, black or silence near it.
    const { result, boundaries } = await refineResult(coarse(mp4, { start: 4, end: 8.5 }));
    expect(result.intro!.end).toBe(8.5);
    expect(boundaries.find((b) => b.from === 8.5)?.cue).toBe('none');
  });
});
