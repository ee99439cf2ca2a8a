import { describe, expect, it } from 'vitest';
import { LiveRecaps } from '../../src/live/liveRecaps.js';
import { PARTS_DEFAULTS } from '../../src/series/seriesConfig.js';
import { shot } from '../helpers/prints.js';

// A live stream as the recap finder sees it: one picture print per second, in order, and the
// live detector's intro and credits edges. Prints are synthetic (test/helpers/prints.ts): two
// copies of a shot's second match exactly, anything else by chance only.

const INTRO = shot(1, 10);
const CREDITS = shot(2, 10);
const LOGO = shot(3, 8);
const AD = shot(4, 8);
let fresh = 100;
/** `n` seconds of footage shown nowhere else. */
const own = (n: number) => shot(fresh++, n);

type Edge = ['intro' | 'credits', 'start' | 'end', number];

/** Feeds `parts` as the stream's seconds from 0 on, then the edges; the recaps returned. */
function stream(
  parts: Float32Array[][],
  edges: Edge[],
  options: { memory?: number; recapSearch?: number } = {},
) {
  const recaps = new LiveRecaps({ ...PARTS_DEFAULTS, memory: 7200, ...options });
  let t = 0;
  for (const part of parts) for (const p of part) recaps.add(t++, p);
  return edges.flatMap(([target, edge, at]) => {
    const recap = recaps.edge(target, edge, at);
    return recap ? [recap] : [];
  });
}

/** One episode's intro and credits edges: intro [i, i + 10), credits [c, c + 10). */
const episode = (i: number, c: number): Edge[] => [
  ['intro', 'start', i],
  ['intro', 'end', i + 10],
  ['credits', 'start', c],
  ['credits', 'end', c + 10],
];

describe('LiveRecaps: a recap before an intro, from footage the stream showed earlier', () => {
  const body1 = own(30);

  it('finds the stretch before the second intro that re-shows the first episode, from the credits’ end', () => {
    // e1: intro 0–10, body 10–40, credits 40–50; e2: recap 50–58 (two shots of e1's body,
    // the first starting a second in), intro 58–68.
    const recap = [...body1.slice(6, 9), ...body1.slice(20, 25)];
    const found = stream(
      [INTRO, body1, CREDITS, own(1), recap.slice(1), INTRO, own(20)],
      [...episode(0, 40), ['intro', 'start', 58]],
    );
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ type: 'recap', start: 50, end: 58 });
    expect(found[0]!.confidence).toBeGreaterThan(0.8);
  });

  it('takes footage shown again well after the previous episode ended for no recap (as a file’s recap opens the file)', () => {
    // e2 opens with 20 s of its own, then 8 s of e1's body, then its intro: not a recap.
    const edges: Edge[] = [...episode(0, 40), ['intro', 'start', 78]];
    const late = [INTRO, body1, CREDITS, own(20), body1.slice(2, 10), INTRO];
    expect(stream(late, edges)).toEqual([]);
    // With no edge in the 180 s before the intro, the stream does not know where the episode
    // began: the first chain long enough is the recap.
    const unknown: Edge[] = [
      ['intro', 'start', 0],
      ['intro', 'end', 10],
      ['intro', 'start', 258],
    ];
    const parts = [INTRO, body1, own(210), body1.slice(2, 10), INTRO];
    expect(stream(parts, unknown)).toMatchObject([{ type: 'recap', start: 250, end: 258 }]);
  });

  it('finds nothing before the first intro, nor before one that follows new footage only', () => {
    expect(stream([own(20), INTRO, own(20)], [['intro', 'start', 20]])).toEqual([]);
    expect(
      stream([INTRO, body1, CREDITS, own(12), INTRO], [...episode(0, 40), ['intro', 'start', 62]]),
    ).toEqual([]);
  });

  it('takes a studio logo in the same place before every intro for furniture, not a recap', () => {
    // e1: logo 0–8, intro 8–18, body, credits 48–58; e2: logo 58–66, intro 66.
    const edges: Edge[] = [...episode(8, 48), ['intro', 'start', 66]];
    expect(stream([LOGO, INTRO, own(30), CREDITS, LOGO, INTRO], edges)).toEqual([]);
  });

  it('takes an advert the channel showed in two earlier episodes for furniture; shown in one, it is a recap', () => {
    const twice = [INTRO, own(10), AD, own(12), CREDITS, INTRO, own(10), AD, own(12), CREDITS];
    const edges: Edge[] = [...episode(0, 40), ...episode(50, 90), ['intro', 'start', 108]];
    expect(stream([...twice, AD, INTRO], edges)).toEqual([]);
    const once = [INTRO, own(10), AD, own(12), CREDITS, INTRO, own(30), CREDITS];
    expect(stream([...once, AD, INTRO], edges)).toMatchObject([
      { type: 'recap', start: 100, end: 108 },
    ]);
  });

  it('does not take a cold open for a recap because the previous episode previewed it after its credits', () => {
    // e1 ends with a preview (50–58) of e2's cold open (58–88, its seconds 14–22), then e2's
    // intro at 88. With 20 s searched before an intro, the credits' end is out of sight: the
    // search starts at 68, and the preview lies among the earlier footage.
    const cold = own(30);
    const found = stream(
      [INTRO, body1, CREDITS, cold.slice(14, 22), cold, INTRO],
      [...episode(0, 40), ['intro', 'start', 88]],
      { recapSearch: 20 },
    );
    expect(found).toEqual([]);
  });

  it('forgets footage older than its memory', () => {
    const parts = [INTRO, body1, CREDITS, body1.slice(0, 8), INTRO];
    const edges: Edge[] = [...episode(0, 40), ['intro', 'start', 58]];
    expect(stream(parts, edges)).toMatchObject([{ type: 'recap', start: 50, end: 58 }]);
    // Seconds 10–18 shown again at 50–58: 40 s of memory no longer holds them.
    expect(stream(parts, edges, { memory: 40 })).toEqual([]);
  });
});
