import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { planCorpus } from '../../src/corpus/corpusPlan.js';
import type { CorpusOptions, CorpusPlan, MediaPool } from '../../src/corpus/types.js';

/** A media pool that exists only on paper: enough for planning, nothing to render. */
const fakePool: MediaPool = {
  root: '/nowhere',
  video: Array.from({ length: 6 }, (_, i) => ({ path: `video/v${i}.mp4`, duration: 30 + 20 * i })),
  music: Array.from({ length: 9 }, (_, i) => ({ path: `music/m${i}.ogg`, duration: 200 + 10 * i })),
  speech: Array.from({ length: 10 }, (_, i) => ({ path: `speech/s${i}.wav`, duration: 2 + i })),
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

  it('keeps a few exact values of the default corpus', () => {
    const plan = planCorpus(fakePool, pinned[1]![0]);
    expect(plan.episodes).toHaveLength(48);
    expect(plan.episodes[0]!.duration).toBe(273);
    expect(plan.episodes[0]!.intro).toEqual({ start: 0, end: 8 });
    expect(plan.episodes.at(-1)!.credits).toEqual({ start: 284, end: 301 });
    expect(plan.series[0]!.intro.duration).toBe(8);
  });
});
