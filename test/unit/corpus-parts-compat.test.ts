import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { labelsJson, manifestJson } from '../../src/corpus/corpusFiles.js';
import { planCorpus } from '../../src/corpus/corpusPlan.js';
import type { CorpusOptions, MediaPool, MediaUse } from '../../src/corpus/types.js';

/**
 * Corpora built before `parts: 'all'` existed (issue 16) plan and label byte for byte as they
 * did: a corpus is rebuilt from the options its corpus.json records, and a frozen evaluation
 * set (eval/eval-v1.json) records the sha256 of its labels.json and manifest.json.
 */

/** A media pool on paper only (planning needs paths and durations, nothing to render). */
function paperPool(use: MediaUse, fonts: boolean): MediaPool {
  return {
    root: '/nowhere',
    video: Array.from({ length: 7 }, (_, i) => ({
      path: `video/v${i}.mp4`,
      duration: 25 + 17 * i,
      use,
    })),
    music: Array.from({ length: 9 }, (_, i) => ({
      path: `music/m${i}.ogg`,
      duration: 180 + 13 * i,
      use,
    })),
    speech: Array.from({ length: 8 }, (_, i) => ({
      path: `speech/s${i}.wav`,
      duration: 2 + 1.5 * i,
      use,
    })),
    fonts: fonts
      ? [
          { path: 'fonts/A-Bold.ttf', use },
          { path: 'fonts/A-Regular.ttf', use },
          { path: 'fonts/B-Bold.ttf', use },
        ]
      : [],
    voices: { 'espeak-ng': ['en-us', 'en-gb+f3', 'en-gb-x-rp'], flite: ['slt', 'rms'] },
  };
}

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');
/** A JSON file as buildCorpus writes it. */
const asFile = (value: unknown): string => `${JSON.stringify(value, null, 2)}\n`;

interface Pinned {
  name: string;
  use: MediaUse;
  fonts: boolean;
  options: CorpusOptions;
  /** sha256 of JSON.stringify(planCorpus(…)), of labels.json and of manifest.json. */
  plan: string;
  labels: string;
  manifest: string;
}

// Computed from the planner at 7ab860b, BEFORE the `parts` option was added (issue 16), with
// the pool above: the whole plan (options included), labels.json and manifest.json as
// buildCorpus writes them. They must never change.
const PINNED: Pinned[] = [
  {
    name: 'short, the default options',
    use: 'train',
    fonts: false,
    options: { seed: 1, series: 12, episodes: 4, minMinutes: 4, maxMinutes: 6, maxWidth: 640 },
    plan: '2829cf300617c5ad1e10f78e1f675c3ada054a41f74b4ae98b88d01d71acb25b',
    labels: '7bff4e36abb169e27cdbeded2cd7cd2f860567e798aacbe8de0e981e971cfe49',
    manifest: '8577bb83221d397dc2c744bd4fb0d0b6a820bf4bd9433e58a63f67c19d89583e',
  },
  {
    name: 'short, the tiny e2e corpus',
    use: 'train',
    fonts: false,
    options: { seed: 3, series: 2, episodes: 2, minMinutes: 0.5, maxMinutes: 0.6, maxWidth: 480 },
    plan: '17d83e67237724e5b8d65bdf283e7eaaa5cf4c7222b7b50b0df04a74f84449ae',
    labels: '37770e3dbaa2484796c79e80655e24310d1a4ecbe11672b857310acba59cd275',
    manifest: 'e729bdfaa14a4513eb5710b87fc194af41f8d5576d6e06fd0a390d0c8eff1b7c',
  },
  {
    name: 'short, train use, pool fonts',
    use: 'train',
    fonts: true,
    options: {
      seed: 5,
      series: 6,
      episodes: 5,
      minMinutes: 4,
      maxMinutes: 6,
      maxWidth: 640,
      use: 'train',
    },
    plan: 'a25375942ae0e96e75aecaca1efa077c6aae153378ccdae8ae3a5129caff21e6',
    labels: '4d5fa28cc337a292ba154caf9ccf3c36506b4c9c883ab637cf74063496ab2039',
    manifest: 'ec39f0c64eb3e66eb7b1286156b4c6d97d7e63b886044ebdaae302250608d5eb',
  },
  {
    name: "broadcast, eval-v1's options (eval/eval-v1.json)",
    use: 'eval',
    fonts: true,
    options: {
      seed: 2026,
      series: 6,
      episodes: 3,
      minMinutes: 20,
      maxMinutes: 45,
      maxWidth: 640,
      use: 'eval',
      profile: 'broadcast',
    },
    plan: '89fa05f017c06f1ab43ee9f78e4b839c047dd7f367b1e295b7ab656a486e0ace',
    labels: '4b7e5ac3a7e3c8ceef46dc3627ac0f9639039e98b6e70a8e18646509c94742ce',
    manifest: '40bc64b3fa12c78913770b0a4d1ec136c418425eac070c388af3fda4139146fc',
  },
  {
    name: 'broadcast, 24 series × 6',
    use: 'train',
    fonts: false,
    options: {
      seed: 12,
      series: 24,
      episodes: 6,
      minMinutes: 20,
      maxMinutes: 45,
      maxWidth: 1280,
      profile: 'broadcast',
    },
    plan: 'd0f3b13bfa98b9baecc2ee6815c6628470cd532204005f271717d06ae0b5a674',
    labels: '36a07a4a6cf08c2c5df8128d60e56969f5eee355aa67aeb5da60866c8f995e27',
    manifest: 'a1a023e501236e77d999d02ab2dec3e0615dc6d0144099e254ca51114c01cf97',
  },
];

describe('without the parts option, plans and labels are what they were before it', () => {
  it.each(PINNED)('$name', ({ use, fonts, options, plan, labels, manifest }) => {
    const pool = paperPool(use, fonts);
    const planned = planCorpus(pool, options);
    expect(sha256(JSON.stringify(planned))).toBe(plan);
    expect(sha256(asFile(labelsJson(planned)))).toBe(labels);
    expect(sha256(asFile(manifestJson(planned, pool.root)))).toBe(manifest);
  });
});
