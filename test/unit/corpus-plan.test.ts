import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { planCorpus } from '../../src/corpus/corpusPlan.js';
import { voicesFor } from '../../src/corpus/pool/voices.js';
import { CORPUS_PROFILES } from '../../src/corpus/profiles.js';
import type {
  CorpusOptions,
  CorpusPlan,
  EpisodePlan,
  MediaPool,
  Part,
  SeriesPlan,
} from '../../src/corpus/types.js';

/**
 * A media pool that exists only on paper: enough for planning, nothing to render. Its voices
 * are the planner's original built-in lists, in their order.
 */
const fakePool: MediaPool = {
  root: '/nowhere',
  video: Array.from({ length: 6 }, (_, i) => ({
    path: `video/v${i}.mp4`,
    duration: 30 + 20 * i,
    use: 'train' as const,
  })),
  music: Array.from({ length: 9 }, (_, i) => ({
    path: `music/m${i}.ogg`,
    duration: 200 + 10 * i,
    use: 'train' as const,
  })),
  speech: Array.from({ length: 10 }, (_, i) => ({
    path: `speech/s${i}.wav`,
    duration: 2 + i,
    use: 'train' as const,
  })),
  fonts: [],
  voices: {
    'espeak-ng': [
      'en-us',
      'en-gb',
      'en-gb-scotland',
      'en-gb-x-rp',
      'en-us+f3',
      'en-us+m3',
      'en+f2',
    ],
    flite: ['slt', 'rms', 'awb', 'kal16'],
  },
};

/** sha256 of the planned series and episodes (the options are left out: they only grow). */
function planHash(plan: CorpusPlan): string {
  return createHash('sha256')
    .update(JSON.stringify({ series: plan.series, episodes: plan.episodes }))
    .digest('hex');
}

describe('short profile (the default): plans are the same as before profiles existed', () => {
  // Hashes computed from the planner at de5e39c, before the profile option was added: a
  // corpus built then is rebuilt bit for bit from the same seed and options.
  const pinned: Array<[CorpusOptions, string]> = [
    [
      { seed: 7, series: 8, episodes: 6, minMinutes: 5, maxMinutes: 10, maxWidth: 854 },
      '1c74910c05d8d57c36aa9a508f3ff79e75d9971b3eea45ddbccc6ba0c1de3078',
    ],
    [
      { seed: 1, series: 12, episodes: 4, minMinutes: 4, maxMinutes: 6, maxWidth: 640 },
      '976c70803924b452a2ff065eeb430e897324c5f70c44829a27385f7e792c8f15',
    ],
    [
      { seed: 3, series: 2, episodes: 2, minMinutes: 0.5, maxMinutes: 0.6, maxWidth: 480 },
      '9505959e8465e5fc8bdd16f2444e2b942735507985b3f663c3913e919acf0f54',
    ],
    [
      { seed: 12, series: 24, episodes: 5, minMinutes: 20, maxMinutes: 45, maxWidth: 1280 },
      '3046fa9000dd6945a82ba24c2067ca67ad0afb057c954e343fdf1fadfdcadb47',
    ],
  ];

  it.each(pinned)('%o plans the pinned corpus', (options, hash) => {
    expect(planHash(planCorpus(fakePool, options))).toBe(hash);
  });

  it('plans the same with `profile: short` as without a profile', () => {
    for (const [options, hash] of pinned.slice(0, 3))
      expect(planHash(planCorpus(fakePool, { ...options, profile: 'short' }))).toBe(hash);
  });

  it('keeps a few exact values of the default corpus', () => {
    const plan = planCorpus(fakePool, pinned[1]![0]);
    expect(plan.episodes).toHaveLength(48);
    expect(plan.episodes[0]!.duration).toBe(273);
    expect(plan.episodes[0]!.intro).toEqual({ start: 0, end: 8 });
    expect(plan.episodes.at(-1)!.credits).toEqual({ start: 284, end: 301 });
    expect(plan.series[0]!.intro.duration).toBe(8);
  });
});

// ---- broadcast profile: realistic episodes for a frozen evaluation set ----

const ORDER: Array<Part['kind']> = [
  'recap',
  'coldopen',
  'logo',
  'intro',
  'body',
  'credits',
  'postcredits',
];

const broadcast = (o: Omit<CorpusOptions, 'profile' | 'maxWidth'>): CorpusOptions => ({
  ...o,
  maxWidth: 1280,
  profile: 'broadcast',
});

/** Broadcast options: any seed, a few series and episodes, 10–90-min episodes. */
const broadcastOptions = fc
  .record({
    seed: fc.nat({ max: 1_000_000 }),
    series: fc.integer({ min: 1, max: 5 }),
    episodes: fc.integer({ min: 1, max: 5 }),
    minMinutes: fc.integer({ min: 10, max: 60 }),
    spanMinutes: fc.integer({ min: 0, max: 30 }),
  })
  .map(({ spanMinutes, ...o }) => broadcast({ ...o, maxMinutes: o.minMinutes + spanMinutes }));

const openingOf = (s: SeriesPlan, ep: EpisodePlan) => {
  const intro = ep.parts.find((p) => p.kind === 'intro');
  return intro?.kind === 'intro' && intro.opening === 2 ? s.secondOpening?.design : s.intro;
};

/** Every rule a broadcast episode keeps, as expectations. */
function expectExactEpisode(s: SeriesPlan, ep: EpisodePlan, o: CorpusOptions): void {
  let t = 0;
  for (const p of ep.parts) {
    expect(p.start).toBe(t);
    expect(Number.isInteger(p.duration) && p.duration > 0).toBe(true);
    t += p.duration;
  }
  expect(t).toBe(ep.duration);
  expect(ep.duration).toBeGreaterThanOrEqual(Math.ceil(o.minMinutes * 60));
  expect(ep.duration).toBeLessThanOrEqual(
    Math.max(Math.ceil(o.minMinutes * 60), o.maxMinutes * 60),
  );
  // Kinds in broadcast order; one credits part, body scenes, at most one intro.
  const ranks = ep.parts.map((p) => ORDER.indexOf(p.kind));
  expect(ranks).toEqual([...ranks].sort((a, b) => a - b));
  expect(ep.parts.filter((p) => p.kind === 'credits')).toHaveLength(1);
  expect(ep.parts.some((p) => p.kind === 'body')).toBe(true);
  const intros = ep.parts.filter((p) => p.kind === 'intro');
  expect(intros.length).toBeLessThanOrEqual(1);
  // Labels agree with the parts.
  const intro = intros[0];
  expect(intro ? { start: intro.start, end: intro.start + intro.duration } : null).toEqual(
    ep.intro,
  );
  const credits = ep.parts.find((p) => p.kind === 'credits')!;
  expect(ep.credits).toEqual({ start: credits.start, end: credits.start + credits.duration });
  if (intro?.kind === 'intro') {
    expect(intro.duration).toBeLessThanOrEqual(180);
    expect(intro.start).toBeLessThanOrEqual(600);
    // A series with two openings says which one every intro is, and it lasts that long.
    expect(intro.opening !== undefined).toBe(s.secondOpening !== undefined);
    expect(intro.duration).toBe(openingOf(s, ep)!.duration);
  }
}

describe('broadcast profile', () => {
  it('places every part exactly: whole seconds that tile the episode, labels that agree, intros <= 180 s starting by 600 s', () => {
    fc.assert(
      fc.property(broadcastOptions, (o) => {
        const plan = planCorpus(fakePool, o);
        const series = new Map(plan.series.map((s) => [s.id, s]));
        expect(plan.episodes).toHaveLength(o.series * o.episodes);
        for (const ep of plan.episodes) expectExactEpisode(series.get(ep.series)!, ep, o);
      }),
      { numRuns: 40 },
    );
  });

  it('labels second openings as intros, in the episodes their pattern says', () => {
    fc.assert(
      fc.property(fc.nat({ max: 1_000_000 }), (seed) => {
        const o = broadcast({ seed, series: 12, episodes: 6, minMinutes: 20, maxMinutes: 30 });
        const plan = planCorpus(fakePool, o);
        const twice = plan.series.filter((s) => s.secondOpening);
        for (const s of twice) {
          const second = s.secondOpening!;
          expect(second.design).not.toEqual(s.intro);
          expect(second.design.theme.file).not.toBe(s.intro.theme.file);
          expect(second.design.title).toBe(s.title);
          for (const ep of plan.episodes.filter((e) => e.series === s.id)) {
            const part = ep.parts.find((p) => p.kind === 'intro');
            if (part?.kind !== 'intro') continue;
            const wanted =
              ep.number >= second.from &&
              (second.pattern === 'switch' || (ep.number - second.from) % 2 === 0)
                ? 2
                : 1;
            expect(part.opening).toBe(wanted);
            expect(ep.intro).toEqual({ start: part.start, end: part.start + part.duration });
            expect(part.duration).toBe((wanted === 2 ? second.design : s.intro).duration);
          }
        }
      }),
      { numRuns: 10 },
    );
  });

  it('has every segment type across a plan of enough series', () => {
    fc.assert(
      fc.property(fc.nat({ max: 1_000_000 }), (seed) => {
        const plan = planCorpus(
          fakePool,
          broadcast({ seed, series: 60, episodes: 4, minMinutes: 20, maxMinutes: 45 }),
        );
        const kinds = new Set(plan.episodes.flatMap((e) => e.parts.map((p) => p.kind)));
        expect([...kinds].sort()).toEqual([...ORDER].sort());
        expect(plan.series.some((s) => s.secondOpening?.pattern === 'switch')).toBe(true);
        expect(plan.series.some((s) => s.secondOpening?.pattern === 'alternate')).toBe(true);
        expect(
          plan.episodes.some((e) => e.parts.some((p) => p.kind === 'intro' && p.opening === 2)),
        ).toBe(true);
      }),
      // A claim about shares holds for most seeds, not all (30 series had no `alternate` one
      // time in about seven): 60 series, and fixed draws so the test cannot flicker.
      { numRuns: 8, seed: 20261130 },
    );
  });

  it('gives each segment type a realistic share and realistic lengths', () => {
    const o = broadcast({ seed: 12, series: 40, episodes: 8, minMinutes: 20, maxMinutes: 45 });
    const plan = planCorpus(fakePool, o);
    const n = plan.episodes.length;
    const share = (kind: Part['kind']): number =>
      plan.episodes.filter((e) => e.parts.some((p) => p.kind === kind)).length / n;
    const lengths = (kind: Part['kind']): number[] =>
      plan.episodes.flatMap((e) => {
        const ps = e.parts.filter((p) => p.kind === kind);
        return ps.length > 0 ? [ps.reduce((sum, p) => sum + p.duration, 0)] : [];
      });
    expect(share('intro')).toBeGreaterThan(0.8);
    expect(share('intro')).toBeLessThan(0.98);
    expect(share('coldopen')).toBeGreaterThan(0.3);
    expect(share('coldopen')).toBeLessThan(0.75);
    expect(share('recap')).toBeGreaterThan(0.08);
    expect(share('recap')).toBeLessThan(0.4);
    expect(share('logo')).toBeGreaterThan(0.1);
    expect(share('logo')).toBeLessThan(0.45);
    expect(share('postcredits')).toBeGreaterThan(0.05);
    expect(share('postcredits')).toBeLessThan(0.25);
    const twice = plan.series.filter((s) => s.secondOpening).length / plan.series.length;
    expect(twice).toBeGreaterThan(0.1);
    expect(twice).toBeLessThan(0.5);
    // Credits 30 s to 4 min, most of them at most 2 min; intros from a few seconds to 3 min,
    // some starting minutes in; cold opens past 5 min exist.
    const credits = lengths('credits');
    expect(Math.min(...credits)).toBeGreaterThanOrEqual(30);
    expect(Math.max(...credits)).toBeGreaterThan(120);
    expect(Math.max(...credits)).toBeLessThanOrEqual(240);
    expect(credits.filter((c) => c <= 120).length / credits.length).toBeGreaterThan(0.7);
    const intros = plan.series.map((s) => s.intro.duration);
    expect(Math.min(...intros)).toBeLessThanOrEqual(8);
    expect(Math.max(...intros)).toBeGreaterThan(150);
    const starts = plan.episodes.flatMap((e) => (e.intro ? [e.intro.start] : []));
    expect(Math.max(...starts)).toBeGreaterThan(300);
    expect(Math.max(...lengths('coldopen'))).toBeGreaterThan(300);
    for (const ep of plan.episodes) {
      expect(ep.duration).toBeGreaterThanOrEqual(1200);
      expect(ep.duration).toBeLessThanOrEqual(2700);
    }
  });

  it("speaks only with the pool's voices when the pool has them (an eval pool's)", () => {
    const voices = voicesFor('eval');
    const plan = planCorpus(
      { ...fakePool, voices },
      broadcast({ seed: 9, series: 2, episodes: 2, minMinutes: 20, maxMinutes: 20 }),
    );
    const used = plan.episodes.flatMap((e) =>
      e.parts.flatMap((p) => ('speech' in p ? p.speech : [])),
    );
    const tts = used.flatMap((c) => (c.source.kind === 'tts' ? [c.source] : []));
    expect(tts.length).toBeGreaterThan(50);
    for (const s of tts) expect(voices[s.engine]).toContain(s.voice);
  });

  it('is reproducible from the seed, and refuses episodes too short for it', () => {
    const o = broadcast({ seed: 5, series: 3, episodes: 3, minMinutes: 20, maxMinutes: 45 });
    expect(planCorpus(fakePool, o)).toEqual(planCorpus(fakePool, o));
    expect(planCorpus(fakePool, o).options.profile).toBe('broadcast');
    expect(() => planCorpus(fakePool, { ...o, minMinutes: 5, maxMinutes: 6 })).toThrow(
      /--profile broadcast needs --min-minutes >= 10/,
    );
    expect(() =>
      planCorpus(fakePool, { ...o, profile: 'feature' as CorpusOptions['profile'] }),
    ).toThrow(/Valid: short, broadcast/);
    expect(CORPUS_PROFILES.broadcast.minutes).toEqual([20, 45]);
  });
});

describe('pool fonts in the plan', () => {
  const fonts = [
    { path: 'fonts/Lato-Bold.ttf', use: 'eval' as const },
    { path: 'fonts/Lato-Regular.ttf', use: 'eval' as const },
    { path: 'fonts/NotoSerif-Bold.ttf', use: 'eval' as const },
  ];
  const options: CorpusOptions = {
    seed: 5,
    series: 6,
    episodes: 2,
    minMinutes: 4,
    maxMinutes: 6,
    maxWidth: 640,
  };

  it('letters every title and credits roll in a font of the pool when it has fonts', () => {
    const plan = planCorpus({ ...fakePool, fonts }, options);
    const paths = new Set(fonts.map((f) => f.path));
    for (const s of plan.series) expect(paths.has(s.intro.fontFile!)).toBe(true);
    for (const e of plan.episodes)
      for (const p of e.parts) if (p.kind === 'credits') expect(paths.has(p.fontFile!)).toBe(true);
  });

  it('changes nothing else in the plan, and nothing at all without pool fonts', () => {
    const without = planCorpus({ ...fakePool, fonts: [] }, options);
    const withFonts = planCorpus({ ...fakePool, fonts }, options);
    const strip = (plan: CorpusPlan) =>
      JSON.parse(
        JSON.stringify(plan, (k, v: unknown) => (k === 'fontFile' ? undefined : v)),
      ) as CorpusPlan;
    expect(strip(withFonts)).toEqual(strip(without));
    expect(JSON.stringify(without)).not.toContain('fontFile');
  });
});
