import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { labelsJson } from '../../src/corpus/corpusFiles.js';
import { planCorpus } from '../../src/corpus/corpusPlan.js';
import { CORPUS_PROFILES } from '../../src/corpus/profiles.js';
import type {
  CorpusOptions,
  CorpusProfileName,
  CreditsPart,
  EpisodePlan,
  ScenePart,
} from '../../src/corpus/types.js';
import { PAPER_POOL } from '../helpers/paperPool.js';

/**
 * `creditLooks: 'all'` (issue 12): credits rolled over the final scene, squeezed beside footage,
 * some ending on an instrumental tail. A look changes how credits are drawn, never where any
 * part is: the labels are those of the same corpus without it.
 */

const pool = PAPER_POOL;

const PROFILES: readonly CorpusProfileName[] = ['short', 'broadcast'];

/** Options of either profile, with or without the other parts, any seed. */
const options = fc
  .record({
    seed: fc.nat({ max: 1_000_000 }),
    series: fc.integer({ min: 1, max: 4 }),
    episodes: fc.integer({ min: 1, max: 4 }),
    profile: fc.constantFrom(...PROFILES),
    parts: fc.boolean(),
  })
  .map(({ profile, parts, ...o }): CorpusOptions => {
    const [min, max] = CORPUS_PROFILES[profile].minutes;
    return {
      ...o,
      minMinutes: min,
      maxMinutes: max,
      maxWidth: 640,
      ...(profile === 'short' ? {} : { profile }),
      ...(parts ? { parts: 'all' as const } : {}),
    };
  });

const creditsPieces = (ep: EpisodePlan): CreditsPart[] =>
  ep.parts.filter((p): p is CreditsPart => p.kind === 'credits');

describe('corpus plans with every credits look', () => {
  it('place every part exactly where the same corpus without looks does', () => {
    fc.assert(
      fc.property(options, (o) => {
        const plain = planCorpus(pool, o);
        const looked = planCorpus(pool, { ...o, creditLooks: 'all' });
        expect(labelsJson(looked)).toEqual(labelsJson(plain));
        expect(plain.episodes.flatMap(creditsPieces).every((p) => p.look === undefined)).toBe(true);
      }),
      { numRuns: 40 },
    );
  });

  it('give every credits piece a look that fits what is around it', () => {
    fc.assert(
      fc.property(options, (o) => {
        const plan = planCorpus(pool, { ...o, creditLooks: 'all' });
        for (const ep of plan.episodes) {
          const pieces = creditsPieces(ep);
          for (const [i, piece] of pieces.entries()) {
            const look = piece.look!;
            expect(look).toBeDefined();
            const before = ep.parts[ep.parts.indexOf(piece) - 1];
            if (look.layout === 'overScene') {
              // Only right after a body scene: its last shot plays on, from where it stopped.
              expect(before?.kind).toBe('body');
              const last = (before as ScenePart).shots.at(-1)!;
              expect(piece.background).toHaveLength(1);
              const shot = piece.background![0]!;
              expect(shot.file).toBe(last.file);
              expect(shot.offset).toBeCloseTo(last.offset + last.seconds * last.speed, 1);
              expect(shot.seconds).toBe(piece.duration);
              expect(look.sceneAmbient).toEqual((before as ScenePart).ambient);
            }
            if (look.layout === 'squeeze') {
              expect(look.side === 'left' || look.side === 'right').toBe(true);
              expect(piece.background?.reduce((s, b) => s + b.seconds, 0)).toBe(piece.duration);
            }
            // A tail only ends the credits, 5–20 s, at most 30 % of the piece.
            if (look.tail > 0) {
              expect(i).toBe(pieces.length - 1);
              expect(look.tail).toBeGreaterThanOrEqual(5);
              expect(look.tail).toBeLessThanOrEqual(Math.min(20, 0.3 * piece.duration));
            }
          }
        }
      }),
      { numRuns: 40 },
    );
  });

  it('mix the looks across a corpus: over the final scene, squeezed, full frame, tails', () => {
    const plan = planCorpus(pool, {
      seed: 4,
      series: 12,
      episodes: 4,
      minMinutes: 20,
      maxMinutes: 45,
      maxWidth: 640,
      profile: 'broadcast',
      creditLooks: 'all',
    });
    const looks = plan.episodes.flatMap(creditsPieces).map((p) => p.look!);
    const layouts = new Set(looks.map((l) => l.layout));
    expect([...layouts].sort()).toEqual(['full', 'overScene', 'squeeze']);
    const tails = looks.filter((l) => l.tail > 0).length;
    expect(tails).toBeGreaterThan(0);
    expect(tails).toBeLessThan(looks.length);
  });
});
