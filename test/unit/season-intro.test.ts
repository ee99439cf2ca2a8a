import { describe, expect, it } from 'vitest';
import {
  adoptCalledStretch,
  agreedStretch,
  callsIntro,
  type HeardStretch,
} from '../../src/series/seasonIntro.js';

const heard = (start: number, end: number, partner: string, called = true): HeardStretch => ({
  start,
  end,
  partner,
  called,
});

describe('callsIntro', () => {
  it('is true when the intro holds at least half of the span', () => {
    expect(callsIntro({ start: 10, end: 40 }, { start: 30, end: 50 })).toBe(true);
    expect(callsIntro({ start: 10, end: 40 }, { start: 31, end: 50 })).toBe(false);
    expect(callsIntro(null, { start: 0, end: 10 })).toBe(false);
  });
});

describe('agreedStretch', () => {
  it('starts where the last partner copy starts and ends where the first one ends', () => {
    // Partner A shares a 5-s sting and the intro; partner B only the intro.
    const got = agreedStretch({ start: 0, end: 36 }, [heard(0, 36, 'A'), heard(5, 36, 'B')], 0.5);
    expect(got).toEqual([{ start: 5, end: 36 }]);
  });

  it("reads one alignment per partner: a theme phrase recurring at another offset is not the intro's edge", () => {
    const got = agreedStretch(
      { start: 8, end: 108 },
      [heard(7, 106, 'A'), heard(101, 108, 'A'), heard(11, 106, 'B'), heard(14, 24, 'B')],
      0.5,
    );
    expect(got).toEqual([{ start: 11, end: 106 }]);
  });

  it('ignores stretches holding less than minOverlap of the intro, and is empty without any', () => {
    expect(agreedStretch({ start: 0, end: 40 }, [heard(30, 45, 'A')], 0.5)).toEqual([]);
    expect(agreedStretch(null, [heard(0, 40, 'A')], 0.5)).toEqual([]);
    expect(
      agreedStretch({ start: 0, end: 40 }, [heard(0, 40, 'A'), heard(30, 45, 'B')], 0.5),
    ).toEqual([{ start: 0, end: 40 }]);
  });
});

describe('adoptCalledStretch', () => {
  // Evidence: 0.9 over 40–48, 0.1 elsewhere.
  const evidence = (t: number) => (t >= 40 && t < 48 ? 0.9 : 0.1);
  const intro = { start: 90, end: 99, confidence: 0.8 };

  it('moves an unrepeated intro to the stretch its partner calls intro', () => {
    const got = adoptCalledStretch(
      intro,
      [{ start: 38, end: 50 }],
      [heard(38, 50, 'A')],
      evidence,
      0.4,
      0.5,
    );
    expect(got).toMatchObject({ start: 40, end: 48 });
    expect(got!.confidence).toBeCloseTo(0.9);
  });

  it('keeps an intro the season repeats, no intro, and an intro when adoption is off', () => {
    const repeated = [
      { start: 38, end: 50 },
      { start: 95, end: 105 },
    ];
    expect(adoptCalledStretch(intro, repeated, [heard(38, 50, 'A')], evidence, 0.4, 0.5)).toBe(
      intro,
    );
    expect(adoptCalledStretch(null, repeated, [heard(38, 50, 'A')], evidence, 0.4, 0.5)).toBeNull();
    expect(
      adoptCalledStretch(intro, [{ start: 38, end: 50 }], [heard(38, 50, 'A')], evidence, 0.4, 0),
    ).toBe(intro);
  });

  it('needs minShare of the stretch over the threshold', () => {
    // 8 of 20 seconds over: 0.4 of the stretch.
    const stretch = [heard(34, 54, 'A')];
    expect(adoptCalledStretch(intro, [{ start: 34, end: 54 }], stretch, evidence, 0.4, 0.5)).toBe(
      intro,
    );
    expect(
      adoptCalledStretch(intro, [{ start: 34, end: 54 }], stretch, evidence, 0.4, 0.4),
    ).toMatchObject({ start: 40, end: 48 });
  });
});
