import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { labelsJson } from '../../src/corpus/corpusFiles.js';
import { planCorpus } from '../../src/corpus/corpusPlan.js';
import type { CorpusOptions, LogoPart } from '../../src/corpus/types.js';
import { PAPER_POOL } from '../helpers/paperPool.js';

/**
 * `stings: 'all'` (issue 12): each series has one of a few studios, each with its own sting,
 * instead of the one sting every series shares. Stings change what the logo looks and sounds
 * like, never where any part is.
 */

const pool = PAPER_POOL;

const options = fc
  .record({
    seed: fc.nat({ max: 1_000_000 }),
    series: fc.integer({ min: 1, max: 8 }),
    episodes: fc.integer({ min: 1, max: 4 }),
    broadcast: fc.boolean(),
  })
  .map(({ broadcast, ...o }): CorpusOptions => ({
    ...o,
    minMinutes: broadcast ? 20 : 4,
    maxMinutes: broadcast ? 45 : 6,
    maxWidth: 640,
    ...(broadcast ? { profile: 'broadcast' as const } : {}),
  }));

const logos = (plan: ReturnType<typeof planCorpus>): LogoPart[] =>
  plan.episodes.flatMap((e) => e.parts.filter((p): p is LogoPart => p.kind === 'logo'));

describe('corpus plans with studio stings', () => {
  it('place every part exactly where the same corpus without them does', () => {
    fc.assert(
      fc.property(options, (o) => {
        const plain = planCorpus(pool, o);
        const stung = planCorpus(pool, { ...o, stings: 'all' });
        expect(labelsJson(stung)).toEqual(labelsJson(plain));
        expect(logos(plain).every((l) => l.design === undefined)).toBe(true);
        expect(plain.series.every((s) => s.sting === undefined)).toBe(true);
      }),
      { numRuns: 40 },
    );
  });

  it("give each series a studio, and each logo its series' sting", () => {
    fc.assert(
      fc.property(options, (o) => {
        const plan = planCorpus(pool, { ...o, stings: 'all' });
        const stingOf = new Map(plan.series.map((s) => [s.id, s.sting]));
        for (const s of plan.series) expect(s.sting?.studio).toMatch(/\w+ \w+ \w+/);
        for (const ep of plan.episodes)
          for (const part of ep.parts)
            if (part.kind === 'logo') expect(part.design).toEqual(stingOf.get(ep.series));
      }),
      { numRuns: 40 },
    );
  });

  it('mix studios, backgrounds, motions and sounds across a corpus', () => {
    const plan = planCorpus(pool, {
      seed: 9,
      series: 12,
      episodes: 2,
      minMinutes: 4,
      maxMinutes: 6,
      maxWidth: 640,
      stings: 'all',
    });
    const stings = plan.series.map((s) => s.sting!);
    expect(new Set(stings.map((s) => s.studio)).size).toBeGreaterThanOrEqual(3);
    expect(new Set(stings.map((s) => s.sound.kind)).size).toBeGreaterThanOrEqual(2);
    expect(new Set(stings.map((s) => s.card.source)).size).toBeGreaterThanOrEqual(2);
    // A music sting plays a pool track of the corpus.
    for (const s of stings)
      if (s.sound.kind === 'music') expect(pool.music.map((m) => m.path)).toContain(s.sound.file);
  });
});
