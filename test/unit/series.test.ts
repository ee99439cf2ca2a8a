import fc from 'fast-check';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, extname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { DetectionResult } from '../../src/fusion/detectionResult.js';
import { joinRepeatedPieces } from '../../src/series/joinRepeatedPieces.js';
import {
  refineSeries,
  refineWith,
  SeriesJoiner,
  type PrintedEpisode,
} from '../../src/series/seriesJoiner.js';
import { PrintStore } from '../../src/series/printStore.js';
import { DEFAULT_SERIES } from '../../src/series/seriesConfig.js';
import { groupBy, seriesKey } from '../../src/series/groupEpisodes.js';
import { repeatedRuns, unionOf } from '../../src/series/repeatedRuns.js';
import { secondPrint, similarity, type SecondPrint } from '../../src/series/secondPrint.js';

/** A reproducible stream of numbers in [0, 1). */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** A second with random picture and sound (distinct seeds: unrelated seconds). */
function randomPrint(seed: number, withAudio = true): SecondPrint {
  const r = random(seed);
  const frame = new Uint8Array(64 * 64 * 3).map(() => Math.floor(r() * 256));
  const mel = withAudio ? new Float32Array(500 * 64).map(() => r() * 10) : null;
  return secondPrint({ t: 0, frame, mel }, 64);
}

/** An episode's prints: unrelated seconds, with `shared` copied in at `at`. */
function episodePrints(length: number, seed: number, shared: SecondPrint[], at: number) {
  const prints = Array.from({ length }, (_, t) => randomPrint(seed * 1000 + t));
  shared.forEach((p, k) => (prints[at + k] = p));
  return prints;
}

const sharedIntro = (length: number, withAudio = true) =>
  Array.from({ length }, (_, k) => randomPrint(999_000 + k, withAudio));

/** A print without sound (a vision model's). */
const muted = (p: SecondPrint): SecondPrint => ({ ...p, audio: null, audioLate: null });

/** p over [from, to) set to `p` on a background of 0.01, `n` seconds. */
function probs(n: number, ...runs: Array<[number, number, number]>): number[] {
  const v = Array<number>(n).fill(0.01);
  for (const [from, to, p] of runs) for (let t = from; t < to; t++) v[t] = p;
  return v;
}

/** An episode detected alone: intro probabilities, the decision's pick, its prints. */
function detected(
  file: string,
  values: number[],
  intro: [number, number] | null,
  prints: SecondPrint[],
): PrintedEpisode {
  const result: DetectionResult = {
    id: basename(file, extname(file)),
    file,
    duration: values.length * 2,
    mode: 'fused',
    intro: intro && { start: intro[0], end: intro[1], confidence: 0.8 },
    credits: null,
    probabilities: { intro: { from: 0, values }, credits: { from: values.length, values: [] } },
    threshold: { intro: 0.4, credits: 0.2 },
  };
  return { result, prints };
}

/** An episode the model found no intro in. */
const quiet = (file: string, prints: SecondPrint[]) =>
  detected(file, probs(prints.length), null, prints);

describe('secondPrint', () => {
  it('is blind to brightness and loudness, and zero for a flat frame', () => {
    const r = random(1);
    const frame = new Uint8Array(64 * 64 * 3).map(() => 40 + Math.floor(r() * 100));
    const mel = new Float32Array(500 * 64).map(() => r() * 5);
    const a = secondPrint({ t: 0, frame, mel }, 64);
    const brighter = secondPrint(
      { t: 0, frame: frame.map((v) => v + 60), mel: mel.map((v) => v + 2) },
      64,
    );
    expect(similarity(a.video, brighter.video)).toBeCloseTo(1, 3);
    expect(similarity(a.audio!, brighter.audio!)).toBeCloseTo(1, 3);
    const flat = secondPrint({ t: 0, frame: new Uint8Array(64 * 64 * 3).fill(7), mel: null }, 64);
    expect(flat.audio).toBeNull();
    expect([...flat.video].every((v) => v === 0)).toBe(true);
  });

  it('reads only the second itself from the 10-s mel window', () => {
    const r = random(2);
    const frame = new Uint8Array(64 * 64 * 3).map(() => Math.floor(r() * 256));
    const mel = new Float32Array(500 * 64).map(() => r());
    const other = mel.slice();
    for (let i = 0; i < 250 * 64; i++) other[i] = r(); // the 5 s before the second differ
    const a = secondPrint({ t: 0, frame, mel }, 64);
    const b = secondPrint({ t: 0, frame, mel: other }, 64);
    expect(similarity(a.audio!, b.audio!)).toBeCloseTo(1, 5);
  });
});

describe('repeatedRuns', () => {
  it('finds a shared stretch at its place in each episode, and nothing else', () => {
    const intro = sharedIntro(20);
    const a = episodePrints(80, 1, intro, 30);
    const b = episodePrints(60, 2, intro, 5);
    const runs = repeatedRuns(a, b);
    expect(runs).toEqual([{ a: { start: 30, end: 50 }, b: { start: 5, end: 25 }, sound: true }]);
  });

  it('bridges gaps of up to maxGap seconds, and splits at longer ones', () => {
    const intro = sharedIntro(30);
    const a = episodePrints(60, 3, intro, 10);
    const withGap = (gap: number) => {
      const b = episodePrints(60, 4, intro, 10);
      for (let k = 0; k < gap; k++) b[24 + k] = randomPrint(77_000 + k);
      return repeatedRuns(a, b, { maxGap: 2 }).map((r) => r.a);
    };
    expect(withGap(2)).toEqual([{ start: 10, end: 40 }]);
    expect(withGap(3)).toEqual([
      { start: 10, end: 24 },
      { start: 27, end: 40 },
    ]);
  });

  it('lets pictures match a second either side (copies sampled at another phase)', () => {
    const intro = sharedIntro(16);
    const a = episodePrints(40, 5, intro, 10);
    const b = episodePrints(40, 6, intro, 10);
    // For 5 s, b's frames are sampled late enough to show the next second's shot (a run
    // of cuts between the two phases); its sound stays aligned.
    for (let k = 5; k < 10; k++) b[10 + k] = { ...b[10 + k]!, video: intro[k + 1]!.video };
    expect(repeatedRuns(a, b).map((r) => r.a)).toEqual([{ start: 10, end: 26 }]);
    // Without the sound, pictures alone decide (and say so).
    const mute = (ps: SecondPrint[]) => ps.map(muted);
    expect(repeatedRuns(mute(a), mute(b))).toEqual([
      { a: { start: 10, end: 26 }, b: { start: 10, end: 26 }, sound: false },
    ]);
  });

  it('grows a run by a second at each end where only the sound matches (a cut between phases)', () => {
    const intro = sharedIntro(20);
    const a = episodePrints(60, 40, intro, 10);
    const b = episodePrints(60, 41, intro, 30);
    // b's first and last intro frames still show the shots around it; its sound is the intro's.
    b[30] = { ...b[30]!, video: randomPrint(88_001).video };
    b[49] = { ...b[49]!, video: randomPrint(88_002).video };
    expect(repeatedRuns(a, b).map((r) => [r.a, r.b])).toEqual([
      [
        { start: 10, end: 30 },
        { start: 30, end: 50 },
      ],
    ]);
    expect(repeatedRuns(a, b, { soundEdge: 0 }).map((r) => r.a)).toEqual([{ start: 11, end: 29 }]);
  });

  it('ignores stretches shorter than minRun, and matching pictures with other sound', () => {
    const short = sharedIntro(6);
    expect(repeatedRuns(episodePrints(30, 7, short, 3), episodePrints(30, 8, short, 9))).toEqual(
      [],
    );
    const intro = sharedIntro(20);
    const a = episodePrints(40, 9, intro, 0);
    const b = episodePrints(40, 10, intro, 0);
    for (let k = 0; k < 20; k++) {
      const other = randomPrint(55_000 + k);
      b[k] = { ...b[k]!, audio: other.audio, audioLate: other.audioLate };
    }
    expect(repeatedRuns(a, b)).toEqual([]);
  });
});

describe('unionOf', () => {
  it('sorts and joins touching intervals', () => {
    expect(
      unionOf([
        { start: 20, end: 30 },
        { start: 0, end: 5 },
        { start: 5, end: 8 },
        { start: 25, end: 40 },
      ]),
    ).toEqual([
      { start: 0, end: 8 },
      { start: 20, end: 40 },
    ]);
  });
});

describe('joinRepeatedPieces', () => {
  const track = (values: number[]) => ({ from: 0, values });

  it('joins the pieces of an intro that dips inside a repeated stretch', () => {
    const p = Array<number>(100).fill(0.01);
    for (let t = 40; t < 50; t++) p[t] = 0.9;
    for (let t = 50; t < 55; t++) p[t] = 0.1; // the dip
    for (let t = 55; t < 70; t++) p[t] = 0.9;
    const intro = { start: 55, end: 70, confidence: 0.9 };
    const joined = joinRepeatedPieces(intro, track(p), 0.4, [{ start: 38, end: 70 }]);
    expect(joined).toMatchObject({ start: 40, end: 70 });
    expect(joined!.confidence).toBeCloseTo((25 * 0.9 + 5 * 0.1) / 30, 6);
    // Not repeated: the decision's piece stays as it was.
    expect(joinRepeatedPieces(intro, track(p), 0.4, [])).toBe(intro);
    // A stretch holding under half the intro is someone else's (a recap beside it).
    expect(joinRepeatedPieces(intro, track(p), 0.4, [{ start: 38, end: 62 }])).toBe(intro);
  });

  it('cuts an intro back to a stretch it overshoots by at most `max` seconds', () => {
    const p = Array<number>(100).fill(0.01);
    for (let t = 18; t < 43; t++) p[t] = 0.9;
    const intro = { start: 18, end: 43, confidence: 0.9 };
    const heard = [{ start: 20, end: 42 }];
    expect(
      joinRepeatedPieces(intro, track(p), 0.4, heard, { trim: { to: heard, max: 2 } }),
    ).toMatchObject({
      start: 20,
      end: 42,
    });
    // Three seconds over is the model's call, not a spill: kept.
    expect(
      joinRepeatedPieces(intro, track(p), 0.4, [], {
        trim: { to: [{ start: 21, end: 42 }], max: 2 },
      }),
    ).toMatchObject({ start: 18, end: 42 });
    // Never grows: an intro inside the stretch stays as it is.
    const inside = { start: 25, end: 40, confidence: 0.9 };
    expect(joinRepeatedPieces(inside, track(p), 0.4, [], { trim: { to: heard, max: 2 } })).toBe(
      inside,
    );
  });

  it('never adds an intro, never shrinks one, and adds only positive repeated seconds', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 10, maxLength: 120 }),
        fc.double({ min: 0.05, max: 0.95, noNaN: true }),
        fc.nat(),
        fc.nat(),
        fc.array(fc.tuple(fc.nat(), fc.nat()), { maxLength: 4 }),
        (values, threshold, s, l, raw) => {
          const n = values.length;
          const start = s % n;
          const end = start + 1 + (l % (n - start));
          const repeated = unionOf(
            raw.map(([x, y]) => ({ start: Math.min(x, y) % n, end: (Math.max(x, y) % n) + 1 })),
          );
          expect(joinRepeatedPieces(null, track(values), threshold, repeated)).toBeNull();
          const intro = { start, end, confidence: 0.5 };
          const out = joinRepeatedPieces(intro, track(values), threshold, repeated)!;
          expect(out.start).toBeLessThanOrEqual(start);
          expect(out.end).toBeGreaterThanOrEqual(end);
          const inRepeated = (t: number) => repeated.some((r) => r.start <= t && t < r.end);
          if (out.start < start) {
            expect(values[out.start]!).toBeGreaterThan(threshold);
            expect(inRepeated(out.start)).toBe(true);
          }
          if (out.end > end) {
            expect(values[out.end - 1]!).toBeGreaterThan(threshold);
            expect(inRepeated(out.end - 1)).toBe(true);
          }
          expect(out.confidence).toBeGreaterThanOrEqual(0);
          expect(out.confidence).toBeLessThanOrEqual(1);
        },
      ),
    );
  });
});

describe('refineSeries', () => {
  it('gives each copy of a repeated intro the answer of the copy the model is surest of', () => {
    const intro = sharedIntro(30);
    // e1: intro at 40–70, start missed (p low 40–44) and a dip 55–60: the decision kept 60–70.
    const e1 = detected(
      'e1',
      probs(100, [44, 55, 0.9], [60, 70, 0.9]),
      [60, 70],
      episodePrints(100, 11, intro, 40),
    );
    // e2: intro at 10–40, found whole.
    const e2 = detected(
      'e2',
      probs(80, [10, 40, 0.95]),
      [10, 40],
      episodePrints(80, 12, intro, 10),
    );
    const [r1, r2] = refineSeries([e1, e2]);
    expect(r1!.intro).toMatchObject({ start: 40, end: 70 });
    expect(r1!.repeated).toEqual([{ start: 40, end: 70 }]);
    expect(r2!.intro).toMatchObject({ start: 10, end: 40 });
    expect(r2!.repeated).toEqual([{ start: 10, end: 40 }]);
  });

  it('adds no repeated seconds that no copy calls intro (a studio logo before it)', () => {
    const logoAndIntro = sharedIntro(34); // 4-s logo, then a 30-s intro
    const e1 = detected(
      'e1',
      probs(90, [4, 34, 0.95]),
      [4, 34],
      episodePrints(90, 13, logoAndIntro, 0),
    );
    const e2 = detected(
      'e2',
      probs(90, [24, 54, 0.95]),
      [24, 54],
      episodePrints(90, 14, logoAndIntro, 20),
    );
    const e3 = detected('e3', probs(90), null, episodePrints(90, 15, [], 0));
    const [r1, r2, r3] = refineSeries([e1, e2, e3]);
    expect(r1!.intro).toMatchObject({ start: 4, end: 34 });
    expect(r1!.repeated).toEqual([{ start: 0, end: 34 }]);
    expect(r2!.intro).toMatchObject({ start: 24, end: 54 });
    expect(r3!.intro).toBeNull();
    expect(r3!.repeated).toEqual([]);
  });

  it("cuts an intro's start back to where every partner's copy begins (a sting only some episodes put before it)", () => {
    const sting = sharedIntro(36).slice(0, 6);
    const intro = sharedIntro(36).slice(6);
    // e1 and e2 open with the sting and then the intro; e3 has the intro alone. The model
    // calls e1's sting intro too.
    const e1 = detected(
      'e1',
      probs(90, [0, 36, 0.95]),
      [0, 36],
      episodePrints(90, 31, [...sting, ...intro], 0),
    );
    const e2 = detected(
      'e2',
      probs(90, [16, 46, 0.95]),
      [16, 46],
      episodePrints(90, 32, [...sting, ...intro], 10),
    );
    const e3 = detected(
      'e3',
      probs(90, [20, 50, 0.95]),
      [20, 50],
      episodePrints(90, 33, intro, 20),
    );
    const [r1, r2, r3] = refineSeries([e1, e2, e3]);
    expect(r1!.intro).toMatchObject({ start: 6, end: 36 });
    expect(r2!.intro).toMatchObject({ start: 16, end: 46 });
    expect(r3!.intro).toMatchObject({ start: 20, end: 50 });
    // Cut back over the union of the stretches (the step before), e1 keeps the sting.
    const [old] = refineSeries([e1, e2, e3], {}, { ...DEFAULT_SERIES, trimAgreed: 0 });
    expect(old!.intro).toMatchObject({ start: 0, end: 36 });
  });

  it('moves an intro the season repeats nowhere to the stretch its partners call intro', () => {
    const intro = sharedIntro(20);
    // e1's model barely saw its copy of the intro (40–60) and called 80–90 intro instead.
    const e1 = detected(
      'e1',
      probs(100, [40, 60, 0.3], [80, 90, 0.9]),
      [80, 90],
      episodePrints(100, 34, intro, 40),
    );
    const e2 = detected(
      'e2',
      probs(80, [10, 30, 0.95]),
      [10, 30],
      episodePrints(80, 35, intro, 10),
    );
    const [r1, r2] = refineSeries([e1, e2]);
    expect(r1!.intro).toMatchObject({ start: 40, end: 60 });
    expect(r2!.intro).toMatchObject({ start: 10, end: 30 });
    // Not when the partner does not call its copy intro.
    const e2quiet = detected('e2', probs(80), null, episodePrints(80, 35, intro, 10));
    expect(refineSeries([e1, e2quiet])[0]!.intro).toMatchObject({ start: 80, end: 90 });
  });

  it("drops a short intro the season repeats nowhere when a partner's intro is repeated (dropUnrepeated)", () => {
    const intro = sharedIntro(20);
    const e1 = detected(
      'e1',
      probs(90, [10, 30, 0.95]),
      [10, 30],
      episodePrints(90, 36, intro, 10),
    );
    const e2 = detected(
      'e2',
      probs(90, [20, 40, 0.95]),
      [20, 40],
      episodePrints(90, 37, intro, 20),
    );
    // e3 has no intro; its model called a 4-s moment one.
    const e3 = detected('e3', probs(90, [50, 54, 0.9]), [50, 54], episodePrints(90, 38, [], 0));
    const config = { ...DEFAULT_SERIES, dropUnrepeated: 15 };
    const [r1, r2, r3] = refineSeries([e1, e2, e3], {}, config);
    expect(r1!.intro).toMatchObject({ start: 10, end: 30 });
    expect(r2!.intro).toMatchObject({ start: 20, end: 40 });
    expect(r3!.intro).toBeNull();
    expect(
      refineSeries([e1, e2, e3], {}, { ...config, dropUnrepeated: 0 })[2]!.intro,
    ).toMatchObject({ start: 50, end: 54 });
    // A season of title cards that never repeat keeps them.
    const cards = [0, 1, 2].map((k) =>
      detected(`c${k}`, probs(90, [30, 34, 0.9]), [30, 34], episodePrints(90, 40 + k, [], 0)),
    );
    for (const r of refineSeries(cards, {}, config))
      expect(r.intro).toMatchObject({ start: 30, end: 34 });
  });

  it('borrows nothing over picture-only matches, and leaves a lone episode as it was', () => {
    const intro = sharedIntro(30, false);
    const e1 = detected(
      'e1',
      probs(100, [60, 70, 0.9]),
      [60, 70],
      episodePrints(100, 16, intro, 40).map(muted),
    );
    const e2 = detected(
      'e2',
      probs(80, [10, 40, 0.95]),
      [10, 40],
      episodePrints(80, 17, intro, 10).map(muted),
    );
    const [r1] = refineSeries([e1, e2]);
    expect(r1!.repeated).toEqual([{ start: 40, end: 70 }]);
    expect(r1!.intro).toMatchObject({ start: 60, end: 70 });
    const [alone] = refineSeries([e1]);
    expect(alone).toBe(e1.result);
    expect(alone).not.toHaveProperty('repeated');
  });
});

describe('SeriesJoiner', () => {
  it('releases each episode once the `reach` episodes after it are in, in order', () => {
    const intro = sharedIntro(12);
    const joiner = new SeriesJoiner({ reach: 2 });
    const ids = (rs: DetectionResult[]) => rs.map((r) => r.id);
    expect(ids(joiner.add(quiet('e0', episodePrints(40, 20, intro, 5))))).toEqual([]);
    expect(ids(joiner.add(quiet('e1', episodePrints(40, 21, intro, 9))))).toEqual([]);
    expect(ids(joiner.add(quiet('e2', episodePrints(40, 22, [], 0))))).toEqual(['e0']);
    expect(ids(joiner.add(quiet('e3', episodePrints(40, 23, [], 0))))).toEqual(['e1']);
    const rest = joiner.finish();
    expect(ids(rest)).toEqual(['e2', 'e3']);
    expect(rest[0]!.repeated).toEqual([]);
  });

  it('compares an episode only with those within `reach` of it', () => {
    const intro = sharedIntro(12);
    const season = [
      quiet('e0', episodePrints(40, 24, intro, 5)),
      quiet('e1', episodePrints(40, 25, [], 0)),
      quiet('e2', episodePrints(40, 26, [], 0)),
      quiet('e3', episodePrints(40, 27, intro, 20)),
    ];
    expect(refineSeries(season, { reach: 2 })[0]!.repeated).toEqual([]);
    expect(refineSeries(season, { reach: 3 })[0]!.repeated).toEqual([{ start: 5, end: 17 }]);
    expect(refineSeries(season, { reach: 3 })[3]!.repeated).toEqual([{ start: 20, end: 32 }]);
  });
});

describe('refineWith / PrintStore (watch: a season arriving one file at a time)', () => {
  it('joins a new episode with stored ones, read back from 8-bit steps', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'introdetect-prints-'));
    try {
      const store = new PrintStore(dir);
      const intro = sharedIntro(30);
      // e1 (stored first): intro 10–40 found whole. e2: the same intro at 40–70, in pieces.
      await store.put(
        detected(
          '/tv/show/e1.mkv',
          probs(90, [10, 40, 0.95]),
          [10, 40],
          episodePrints(90, 30, intro, 10),
        ),
      );
      const e2 = detected(
        '/tv/show/e2.mkv',
        probs(100, [44, 55, 0.9], [60, 70, 0.9]),
        [60, 70],
        episodePrints(100, 31, intro, 40),
      );
      const partners = await store.neighbours('/tv/show/e2.mkv', 2);
      expect(partners.map((p) => p.file)).toEqual(['/tv/show/e1.mkv']);
      expect(partners[0]!.prints).toHaveLength(90);
      const joined = refineWith(
        e2,
        partners.map((p) => ({ prints: p.prints, values: p.intro.values })),
      );
      expect(joined.intro).toMatchObject({ start: 40, end: 70 });
      expect(joined.repeated).toEqual([{ start: 40, end: 70 }]);
      // Nothing stored yet in another folder; alone, the result is the model's own.
      expect(await store.neighbours('/tv/other/e2.mkv', 2)).toEqual([]);
      expect(refineWith(e2, [])).toBe(e2.result);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('offers the `reach` nearest names either side, and skips damaged files', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'introdetect-prints-'));
    try {
      const store = new PrintStore(dir);
      const prints = episodePrints(10, 32, [], 0);
      for (const n of [1, 2, 3, 5, 6, 7])
        await store.put(detected(`/tv/show/e${n}.mkv`, probs(10), null, prints));
      const near = await store.neighbours('/tv/show/e4.mkv', 2);
      expect(near.map((p) => p.file)).toEqual([
        '/tv/show/e2.mkv',
        '/tv/show/e3.mkv',
        '/tv/show/e5.mkv',
        '/tv/show/e6.mkv',
      ]);
      const [folder] = readdirSync(dir);
      writeFileSync(join(dir, folder!, 'e3.mkv.prints'), 'not prints');
      const after = await store.neighbours('/tv/show/e4.mkv', 2);
      expect(after.map((p) => p.file)).toEqual([
        '/tv/show/e2.mkv',
        '/tv/show/e5.mkv',
        '/tv/show/e6.mkv',
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('groupBy / seriesKey', () => {
  it('groups files by folder in order of first appearance, or each alone', () => {
    const files = ['a/s1e1.mkv', 'b/x.mkv', 'a/s1e2.mkv', 'c.mkv'];
    expect(groupBy(files, seriesKey('folder'))).toEqual([
      ['a/s1e1.mkv', 'a/s1e2.mkv'],
      ['b/x.mkv'],
      ['c.mkv'],
    ]);
    expect(groupBy(files, seriesKey('none'))).toEqual(files.map((f) => [f]));
  });
});
