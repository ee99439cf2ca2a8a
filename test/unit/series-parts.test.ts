import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { DetectionResult } from '../../src/fusion/detectionResult.js';
import { findPreview, findRecap, type PartEpisode } from '../../src/series/findParts.js';
import { joinStoredSeason } from '../../src/series/joinStoredSeason.js';
import { PrintStore, type StoredEpisode } from '../../src/series/printStore.js';
import { similarity } from '../../src/series/secondPrint.js';
import {
  DEFAULT_SERIES,
  PARTS_DEFAULTS,
  parseSeriesConfig,
} from '../../src/series/seriesConfig.js';
import {
  refineSeries,
  SeriesJoiner,
  type JoinOptions,
  type PrintedEpisode,
} from '../../src/series/seriesJoiner.js';
import { sharedShots, type PictureSeconds } from '../../src/series/sharedShots.js';
import { shot, unit } from '../helpers/prints.js';

// Pictures: synthetic prints (test/helpers/prints.ts), one seed per shot second.

/** An episode's pictures: its parts one after another. */
function pictures(...parts: Float32Array[][]): Map<number, Float32Array> {
  const out = new Map<number, Float32Array>();
  let t = 0;
  for (const part of parts) for (const p of part) out.set(t++, p);
  return out;
}

/** `n` seconds of footage nobody else has. */
let fresh = 500;
const own = (n: number) => shot(fresh++, n);

const INTRO = shot(1, 10);
const CREDITS = shot(2, 10);
const LOGO = shot(3, 4);

function episode(
  parts: Float32Array[][],
  intro: [number, number] | null,
  credits: [number, number] | null,
): PartEpisode {
  const p = pictures(...parts);
  return {
    duration: p.size,
    pictures: p,
    intro: intro && { start: intro[0], end: intro[1] },
    credits: credits && { start: credits[0], end: credits[1] },
  };
}

const C = PARTS_DEFAULTS;

describe('sharedShots', () => {
  it('finds each re-used shot at its own offset, and nothing shorter than minShot', () => {
    const a = pictures(own(5), shot(10, 3), own(4), shot(11, 4, 2), shot(12, 1), own(3));
    const b = pictures(own(20), shot(11, 8), own(7), shot(10, 6), shot(12, 1), own(5));
    const seconds = (m: PictureSeconds) => [...m.keys()];
    const found = sharedShots(seconds(a), a, seconds(b), b, { videoMin: 0.9, minShot: 2 });
    expect(found.map(({ start, end, d }) => ({ start, end, d }))).toEqual([
      { start: 5, end: 8, d: 35 - 5 },
      { start: 12, end: 16, d: 22 - 12 },
    ]);
    expect(found[0]!.similarity).toBeCloseTo(1, 5);
  });
});

describe('findRecap', () => {
  // Episode 1: cold open, intro, a body of six shots, credits.
  const body1 = [shot(20, 6), shot(21, 5), shot(22, 7), shot(23, 4), shot(24, 6), shot(25, 5)];
  const e1 = episode([own(8), INTRO, ...body1, CREDITS], [8, 18], [51, 61]);

  it('finds a recap of episode 1 shots at the start of episode 2, with its exact boundaries', () => {
    // 3 + 4 + 2 + 3 s of episode 1's body, re-cut, then episode 2's own cold open and intro.
    const recap = [shot(22, 3, 2), shot(20, 4), shot(25, 2, 1), shot(23, 3)];
    const e2 = episode([...recap, own(9), INTRO, own(40), CREDITS], [21, 31], [71, 81]);
    const found = findRecap(e2, [e1], [e1], C);
    expect(found).toMatchObject({ type: 'recap', start: 0, end: 12 });
    expect(found!.confidence).toBeGreaterThan(0.95);
    expect(found!.confidence).toBeLessThanOrEqual(1);
  });

  it('bridges a recap shot with no source in the prints, and ends with its last matched shot', () => {
    // The middle shot comes from a part of episode 1 that was not decoded; the last second
    // is a fade (no match) before the intro.
    const recap = [shot(21, 3), shot(99, 2), shot(24, 3), own(1)];
    const e2 = episode([...recap, INTRO, own(30), CREDITS], [9, 19], [49, 59]);
    expect(findRecap(e2, [e1], [e1], C)).toMatchObject({ start: 0, end: 8 });
  });

  it('finds none where nothing recurs, and none that starts well into the episode', () => {
    const plain = episode([own(8), INTRO, own(40), CREDITS], [8, 18], [58, 68]);
    expect(findRecap(plain, [e1], [e1], C)).toBeNull();
    // Episode 1's footage, but as a flashback after the cold open: not a recap.
    const later = episode([own(8), shot(21, 5), INTRO, own(30), CREDITS], [13, 23], [53, 63]);
    expect(findRecap(later, [e1], [e1], C)).toBeNull();
  });

  it('takes no intro for a recap, found or missed by the model', () => {
    // Episode 2 opens with the intro. Found: outside the search. Missed (in episode 1 too):
    // it recurs in two other episodes, season furniture.
    const e2 = episode([INTRO, own(40), CREDITS], [0, 10], [50, 60]);
    expect(findRecap(e2, [e1], [e1], C)).toBeNull();
    const missed = (e: PartEpisode): PartEpisode => ({ ...e, intro: null });
    const e3 = episode([INTRO, own(30), CREDITS], null, [40, 50]);
    const e0 = episode([own(5), INTRO, own(30), CREDITS], null, [45, 55]);
    expect(findRecap(missed(e2), [missed(e1)], [missed(e1), e3], C)).toBeNull();
    expect(findRecap(missed(e2), [e0, missed(e1)], [e0, missed(e1)], C)).toBeNull();
  });

  it("finds a recap whose moments the next episode's recap shows again, re-cut", () => {
    // Episodes 2 and 3 both recap shots 22 and 24 of episode 1. Seen in two other episodes,
    // they would be season furniture; but episode 3's copies are short re-cut shots where its
    // own recap is, so only episode 1 counts.
    const recap2 = [shot(22, 3), shot(24, 4)];
    const recap3 = [shot(24, 3, 1), shot(22, 3)];
    const e2 = episode([...recap2, own(3), INTRO, own(30), CREDITS], [10, 20], [50, 60]);
    const e3 = episode([...recap3, own(4), INTRO, own(30), CREDITS], [10, 20], [50, 60]);
    expect(findRecap(e2, [e1], [e1, e3], C)).toMatchObject({ start: 0, end: 7 });
    // The same shots at the same place after episode 3's intro (its story, not its recap):
    // they recur in two other episodes, furniture as before.
    const e3story = episode([own(4), INTRO, ...recap2, own(30), CREDITS], [4, 14], [51, 61]);
    expect(findRecap(e2, [e1], [e1, e3story], C)).toBeNull();
  });

  it('ends before a studio logo that follows it (the logo keeps its place before the intro)', () => {
    const withLogo = episode([own(6), LOGO, INTRO, ...body1, CREDITS], [10, 20], [53, 63]);
    const recap = [shot(22, 4), shot(24, 4)];
    const e2 = episode([...recap, LOGO, INTRO, own(30), CREDITS], [12, 22], [52, 62]);
    expect(findRecap(e2, [withLogo], [withLogo], C)).toMatchObject({ start: 0, end: 8 });
    // A logo at the very start of both episodes, none in the third: no recap.
    const first = episode([LOGO, own(6), INTRO, ...body1, CREDITS], [10, 20], [53, 63]);
    const e3 = episode([LOGO, own(3), INTRO, own(30), CREDITS], [7, 17], [47, 57]);
    expect(findRecap(e3, [first], [first], C)).toBeNull();
  });
});

describe('findPreview', () => {
  const body2 = [shot(40, 6), shot(41, 5), shot(42, 7), shot(43, 6)];
  const e2 = episode([own(8), INTRO, ...body2, CREDITS], [8, 18], [42, 52]);

  it("matches the tail after episode 1's credits to episode 2's body", () => {
    const preview = [shot(42, 3, 1), shot(40, 4), shot(43, 3)];
    const e1 = episode([own(8), INTRO, own(30), CREDITS, ...preview], [8, 18], [48, 58]);
    const found = findPreview(e1, e2, [e2], C);
    expect(found).toMatchObject({ type: 'preview', start: 58, end: 68 });
    expect(found!.confidence).toBeGreaterThan(0.95);
  });

  it('finds a preview just before the credits, and none in the body', () => {
    const preview = [shot(41, 4), shot(43, 4)];
    const e1 = episode([own(8), INTRO, own(30), ...preview, CREDITS], [8, 18], [56, 66]);
    expect(findPreview(e1, e2, [e2], C)).toMatchObject({ start: 48, end: 56 });
    const flash = episode(
      [own(8), INTRO, own(10), shot(41, 4), own(20), CREDITS],
      [8, 18],
      [52, 62],
    );
    expect(findPreview(flash, e2, [e2], C)).toBeNull();
  });

  it("does not take the next episode's recap of this one for a preview", () => {
    // Episode 2 opens with a recap of episode 1's last scene (before its credits).
    const last = shot(60, 8);
    const e1 = episode([own(8), INTRO, own(30), last, CREDITS], [8, 18], [56, 66]);
    const next = episode([shot(60, 7), INTRO, ...body2, CREDITS], [7, 17], [41, 51]);
    expect(findRecap(next, [e1], [e1], C)).toMatchObject({ start: 0, end: 7 });
    expect(findPreview(e1, { ...next, recap: { start: 0, end: 7 } }, [next], C)).toBeNull();
    // The series step finds episode 2's recap first, so episode 1 gets no preview.
    const [r1, r2] = refineSeries([printed('e1', e1), printed('e2', next)], {}, DEFAULT_SERIES);
    expect(r1!.segments!.map((s) => s.type)).toEqual(['intro', 'credits']);
    expect(r2!.segments!.map((s) => s.type)).toEqual(['recap', 'intro', 'credits']);
  });
});

/** A season episode for the joiner: its result detected alone and its pictures. */
function printed(id: string, e: PartEpisode): PrintedEpisode {
  const result: DetectionResult = {
    id,
    file: `${id}.mkv`,
    duration: e.duration,
    mode: 'fused',
    intro: e.intro && { ...e.intro, confidence: 0.9 },
    credits: e.credits && { ...e.credits, confidence: 0.9 },
    probabilities: {
      intro: { from: 0, values: [] },
      credits: { from: e.duration, values: [] },
    },
    threshold: { intro: 0.5, credits: 0.5 },
  };
  return { result, prints: [], pictures: e.pictures };
}

describe('SeriesJoiner: recaps and previews', () => {
  // e1 ends with a preview of e2's body; e2 opens with a recap of e1's body; e3 neither.
  const b1 = [shot(70, 6), shot(71, 6), shot(72, 6)];
  const b2 = [shot(80, 6), shot(81, 6), shot(82, 6)];
  const season = [
    printed(
      'e1',
      episode([own(5), INTRO, ...b1, CREDITS, shot(81, 4), shot(82, 3)], [5, 15], [33, 43]),
    ),
    printed(
      'e2',
      episode([shot(72, 3), shot(70, 4), own(4), INTRO, ...b2, CREDITS], [11, 21], [39, 49]),
    ),
    printed('e3', episode([own(5), INTRO, own(20), CREDITS], [5, 15], [35, 45])),
  ];

  it('gives each result its recap and preview among its segments, in time order', () => {
    const [r1, r2, r3] = refineSeries(season, {}, DEFAULT_SERIES);
    expect(r1!.segments!.map((s) => [s.type, s.start, s.end])).toEqual([
      ['intro', 5, 15],
      ['credits', 33, 43],
      ['preview', 43, 50],
    ]);
    expect(r2!.segments!.map((s) => [s.type, s.start, s.end])).toEqual([
      ['recap', 0, 7],
      ['intro', 11, 21],
      ['credits', 39, 49],
    ]);
    expect(r3!.segments!.map((s) => s.type)).toEqual(['intro', 'credits']);
  });

  it('releases results final (the preview needs the next episode, held until then)', () => {
    const joiner = new SeriesJoiner({ reach: 1 }, DEFAULT_SERIES);
    expect(joiner.add(season[0]!)).toEqual([]);
    const [r1] = joiner.add(season[1]!);
    expect(r1!.segments!.some((s) => s.type === 'preview')).toBe(true);
    const [r2] = joiner.add(season[2]!);
    expect(r2!.segments!.some((s) => s.type === 'recap')).toBe(true);
    expect(joiner.finish()).toHaveLength(1);
  });

  it('keeps only recapReach earlier episodes as sources', () => {
    // e3 recaps e1's body: found with two earlier episodes kept, not with one.
    const e3 = printed(
      'e3',
      episode([shot(71, 6), own(3), INTRO, own(20), CREDITS], [9, 19], [39, 49]),
    );
    const three = [season[0]!, season[1]!, e3];
    expect(refineSeries(three, {}, DEFAULT_SERIES)[2]!.segments!.map((s) => s.type)).toContain(
      'recap',
    );
    const one = refineSeries(three, { parts: { recapReach: 1 } }, DEFAULT_SERIES);
    expect(one[2]!.segments!.map((s) => s.type)).not.toContain('recap');
  });

  it('finds neither without pictures (episodes printed before them)', () => {
    const bare = season.map(({ result, prints }) => ({ result, prints }));
    const results = refineSeries(bare, {}, DEFAULT_SERIES);
    for (const r of results) expect(r.segments!.map((s) => s.type)).toEqual(['intro', 'credits']);
  });

  describe('joinStoredSeason (queue season jobs: the season read back from a print store)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'introdetect-stored-season-'));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));
    const show = join(dir, 'show');
    const stored = season.map((e) => ({
      ...e,
      result: { ...e.result, file: join(show, e.result.file) },
    }));
    const resultByFile = new Map(stored.map((e) => [e.result.file, e.result]));
    const store = new PrintStore(join(dir, 'store'));
    const files = stored.map((e) => e.result.file);
    const put = Promise.all(stored.map((e) => store.put(e)));
    const collect = async (
      wanted: readonly string[],
      resultOf = (e: StoredEpisode) => Promise.resolve(resultByFile.get(e.file)),
      options: JoinOptions = {},
    ) => {
      await put;
      const out: Array<{ file: string; result: DetectionResult }> = [];
      for await (const r of joinStoredSeason(store, show, {
        files: wanted,
        resultOf,
        join: options,
      }))
        out.push(r);
      return out;
    };
    const places = (r: DetectionResult) => r.segments!.map((s) => [s.type, s.start, s.end]);

    it('gives what refineSeries gives on the same episodes (8-bit pictures and all)', async () => {
      const fromStore = await collect(files);
      expect(fromStore.map((r) => r.file)).toEqual(files);
      const inMemory = refineSeries(stored, {}, DEFAULT_SERIES);
      expect(fromStore.map((r) => places(r.result))).toEqual(inMemory.map(places));
      expect(places(fromStore[1]!.result)[0]).toEqual(['recap', 0, 7]);
    });

    it('yields only the files asked for, and reads no episode past the last one it needs', async () => {
      const asked: string[] = [];
      const resultOf = (e: StoredEpisode) => {
        asked.push(e.file);
        return Promise.resolve(resultByFile.get(e.file));
      };
      const [r1, ...rest] = await collect([files[0]!], resultOf, { reach: 1 });
      expect(rest).toEqual([]);
      expect(places(r1!.result).map(([type]) => type)).toContain('preview');
      // e1 is released once e2, its partner and its preview's source, is in: e3 is not read.
      expect(asked).toEqual(files.slice(0, 2));
    });

    it('leaves out an episode without a result alone, as detect leaves out a failed file', async () => {
      const missing = files[0]!;
      const without = await collect(files.slice(1), (e) =>
        Promise.resolve(e.file === missing ? undefined : resultByFile.get(e.file)),
      );
      expect(without.map((r) => r.file)).toEqual(files.slice(1));
      const inMemory = refineSeries(stored.slice(1), {}, DEFAULT_SERIES);
      expect(without.map((r) => places(r.result))).toEqual(inMemory.map(places));
      expect(places(without[0]!.result).map(([type]) => type)).not.toContain('recap');
    });
  });
});

describe('the series block: recap and preview keys', () => {
  it('takes the defaults where silent and refuses values out of range', () => {
    expect(parseSeriesConfig({}, 'm')).toMatchObject(PARTS_DEFAULTS);
    expect(parseSeriesConfig({ partVideoMin: 0.95 }, 'm').partVideoMin).toBe(0.95);
    expect(() => parseSeriesConfig({ partMinShot: 0 }, 'x/model.json')).toThrow(
      /series.partMinShot must be a whole number of seconds >= 1/,
    );
    expect(() => parseSeriesConfig({ partMinConfidence: 2 }, 'x')).toThrow(/partMinConfidence/);
  });
});

describe('PrintStore: pictures for recaps and previews (version 2)', () => {
  const dirs: string[] = [];
  afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
  const scratchDir = () => {
    const d = mkdtempSync(join(tmpdir(), 'introdetect-parts-store-'));
    dirs.push(d);
    return d;
  };

  it('keeps the pictures, intro and credits, read back from 8-bit steps', async () => {
    const dir = scratchDir();
    const e = episode([own(5), INTRO, own(20), CREDITS], [5, 15], [35, 45]);
    const store = new PrintStore(join(dir, 'store'));
    const ep = printed('e1', e);
    await store.put({ ...ep, result: { ...ep.result, file: join(dir, 'show/e1.mkv') } });
    const [back] = await store.neighbours(join(dir, 'show/e2.mkv'), 2);
    expect(back!.parts).toMatchObject({
      duration: 45,
      intro: { start: 5, end: 15 },
      credits: { start: 35, end: 45 },
    });
    expect([...back!.parts!.pictures.keys()]).toEqual([...e.pictures.keys()]);
    for (const [t, v] of e.pictures) {
      expect(similarity(back!.parts!.pictures.get(t)!, v)).toBeGreaterThan(0.99);
    }
  });

  it('still reads version 1 files (no pictures): partners for the intro, no recap source', async () => {
    const dir = scratchDir();
    // A version 1 file: header, then one scale and the 8-bit steps of each second's picture.
    const seconds = [unit(1), unit(2)];
    const header = Buffer.from(
      JSON.stringify({
        version: 1,
        file: join(dir, 'show/e1.mkv'),
        seconds: 2,
        audio: false,
        dims: [256],
        intro: { from: 0, values: [0.1, 0.9] },
        threshold: 0.5,
      }),
    );
    const scales = new Float32Array(seconds.map((v) => Math.max(...v.map(Math.abs)) / 127));
    const steps = new Int8Array(
      seconds.flatMap((v, k) => [...v].map((x) => Math.round(x / scales[k]!))),
    );
    const length = Buffer.alloc(4);
    length.writeUInt32LE(header.length);
    const store = new PrintStore(join(dir, 'store'));
    const bytes = [
      Buffer.from('IDPR'),
      length,
      header,
      Buffer.from(scales.buffer),
      Buffer.from(steps.buffer),
    ];
    // Where the store keeps e1's folder: found by putting a version 2 neighbour first.
    const ep = printed('e0', episode([own(3)], null, null));
    await store.put({ ...ep, result: { ...ep.result, file: join(dir, 'show/e0.mkv') } });
    const [sub] = readdirSync(join(dir, 'store'));
    writeFileSync(join(dir, 'store', sub!, 'e1.mkv.prints'), Buffer.concat(bytes));
    const found = await store.neighbours(join(dir, 'show/e2.mkv'), 2);
    const v1 = found.find((f) => f.file.endsWith('e1.mkv'))!;
    expect(v1.intro.values).toEqual([0.1, 0.9]);
    expect(similarity(v1.prints[1]!.video, seconds[1]!)).toBeGreaterThan(0.99);
    expect(v1.parts).toBeUndefined();
    expect(found.find((f) => f.file.endsWith('e0.mkv'))!.parts).toBeDefined();
  });
});
