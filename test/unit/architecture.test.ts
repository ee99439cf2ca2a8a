import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';

// Imports flow one way: streams → audio / vision → features → fusion / eval → cli (STYLE.md §3).
// dependency-cruiser checks it (.dependency-cruiser.js, run by `npm run lint`) over static,
// dynamic and type-only imports; these tests tie its rules to this table and prove they bite.
const RANK: Record<string, number> = {
  'errors.ts': 0,
  util: 0.5,
  labels: 1,
  streams: 2,
  audio: 3,
  vision: 3,
  features: 4,
  corpus: 5,
  fusion: 5,
  eval: 5,
  // Boundaries to the frame: decodes around a result's boundaries (streams) and moves them.
  refine: 5.5,
  series: 6,
  // Tuning re-runs the decision and the series step.
  tuning: 6.5,
  // The live detector finds recaps with the series step's shot matching.
  live: 6.2,
  // The watcher runs detection, alone or with the series step.
  watch: 6.5,
  compare: 6.5,
  // The job queue runs detection (and the series step) for workers on many machines.
  queue: 6.7,
  // The HTTP API and review page sit over the library, the watcher's store and the queue.
  serve: 6.8,
  cli: 7,
  'index.ts': 8,
};

const ROOT = resolve(import.meta.dirname, '../..');

interface Rule {
  name: string;
  from: { path?: string | string[] };
  to: { path?: string | string[] };
}
interface Violation {
  rule: { name: string };
  from: string;
  to: string;
}
/** What the tests use of .dependency-cruiser.js (plain JavaScript, loaded at run time). */
interface LayersConfig {
  RANK: Record<string, number>;
  default: { forbidden: Rule[] };
  cruiseLayers(
    paths: string[],
    baseDir?: string,
  ): Promise<{ summary: { violations: Violation[] } }>;
}
const configUrl = pathToFileURL(resolve(ROOT, '.dependency-cruiser.js')).href;
const config = (await import(configUrl)) as LayersConfig;

/** `rule: from → to`, with packages shown by name. */
const describeViolation = (v: Violation) =>
  `${v.rule.name}: ${v.from} → ${v.to.replace(/^.*node_modules\/((?:@[^/]+\/)?[^/]+)\/.*$/, '$1')}`;

const violations = async (paths: string[], baseDir?: string) =>
  (await config.cruiseLayers(paths, baseDir)).summary.violations.map(describeViolation).sort();

describe('module boundaries (dependency-cruiser)', () => {
  it('the config ranks the areas as this table does, and forbids exactly the imports at or above a rank', () => {
    expect(config.RANK).toEqual(RANK);
    const matches = (pattern: string | string[] | undefined, path: string) =>
      pattern !== undefined && [pattern].flat().some((p) => new RegExp(p).test(path));
    const sample = (area: string) => (area.endsWith('.ts') ? `src/${area}` : `src/${area}/x.ts`);
    const forbids = (a: string, b: string) =>
      config.default.forbidden.some(
        (r) =>
          r.name.startsWith('layer-') &&
          matches(r.from.path, sample(a)) &&
          matches(r.to.path, sample(b)),
      );
    const areas = Object.keys(RANK);
    const wrong = areas.flatMap((a) =>
      areas
        .filter((b) => forbids(a, b) !== (a !== b && RANK[b]! >= RANK[a]!))
        .map((b) => `${a} → ${b}: ${forbids(a, b) ? 'forbidden' : 'allowed'}`),
    );
    expect(wrong).toEqual([]);
  });

  it('src, bench, test and scripts break no rule', { timeout: 120_000 }, async () => {
    expect(await violations(['src', 'bench', 'test', 'scripts'])).toEqual([]);
  });

  it(
    'catches each kind of violation in a fixture tree: static, dynamic and type-only imports',
    {
      timeout: 120_000,
    },
    async () => {
      const fixture = resolve(ROOT, 'test/fixtures/layers');
      expect(await violations(['src', 'bench', 'test', 'scripts'], fixture)).toEqual([
        'bench-not-to-test: bench/run.ts → test/helper.ts',
        // A dynamic import().
        'layer-audio: src/audio/mel.ts → src/fusion/model.ts',
        'layer-streams: src/streams/decode.ts → src/cli/main.ts',
        // A type-only import, between two areas of one rank.
        'layer-vision: src/vision/frame.ts → src/audio/mel.ts',
        'no-circular: src/labels/a.ts → src/labels/b.ts',
        'no-orphans: src/features/unused.ts → src/features/unused.ts',
        'not-to-unresolvable: src/cli/main.ts → ./missing.js',
        'onnxruntime-in-one-module: src/util/session.ts → onnxruntime-node',
        // What tests and benchmarks share (scripts/lib) imports neither.
        'scripts-below-test-and-bench: scripts/lib/server.ts → test/helper.ts',
        'src-not-to-test-or-bench: src/fusion/model.ts → test/helper.ts',
        'src-outside-areas: src/misc/extra.ts → src/errors.ts',
        'test-not-to-bench: test/helper.ts → bench/lib.ts',
      ]);
    },
  );
});
