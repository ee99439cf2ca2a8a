// Layer rules of introdetect (STYLE.md §3, §13), checked by dependency-cruiser over static and
// dynamic imports, type-only ones included: `npm run lint` runs
// `depcruise src bench test --config .dependency-cruiser.js` (scripts/lib/ is reached through
// their imports; test/unit/architecture.test.ts cruises scripts/ too).
//
// Imports flow one way, from lower ranks to higher ones; areas of the same rank do not import
// each other (no audio ↔ vision). test/unit/architecture.test.ts holds the same table, checks
// that this file encodes it, and proves on a fixture tree that the rules catch violations.
import { resolve } from 'node:path';

/** @type {Readonly<Record<string, number>>} area (a folder of src/, or a file at its root) → rank */
export const RANK = {
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
  tuning: 6.5,
  // The live detector finds recaps with the series step's shot matching.
  live: 6.2,
  // The watcher runs detection, alone or with the series step.
  watch: 6.5,
  // The mode comparison runs detection with the series step and scores it.
  compare: 6.5,
  // The job queue runs detection (and the series step) for workers on many machines.
  queue: 6.7,
  // The HTTP API and review page sit over the library, the watcher's store and the queue.
  serve: 6.8,
  cli: 7,
  'index.ts': 8,
};

const escape = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** The path pattern of an area: `src/streams/…` or the file `src/errors.ts`. */
const areaPath = (area) =>
  area.endsWith('.ts') ? `^src/${escape(area)}$` : `^src/${escape(area)}/`;
const areas = Object.keys(RANK);

/** One rule per area: it may not import an area of the same rank or a higher one. */
const layerRules = areas.flatMap((from) => {
  const above = areas.filter((to) => to !== from && RANK[to] >= RANK[from]);
  return above.length === 0
    ? []
    : [
        {
          name: `layer-${from.replace(/\.ts$/, '')}`,
          comment: `src/${from} (rank ${RANK[from]}) imports only lower ranks, never ${above.join(', ')}`,
          severity: 'error',
          from: { path: areaPath(from) },
          to: { path: above.map(areaPath) },
        },
      ];
});

/** @type {import('dependency-cruiser').IConfiguration} */
const config = {
  forbidden: [
    ...layerRules,
    {
      name: 'no-circular',
      comment: 'Modules do not import each other, directly or through others.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'src-outside-areas',
      comment: 'Every module of src/ belongs to an area of the rank table: one that imports…',
      severity: 'error',
      from: { path: '^src/', pathNot: areas.map(areaPath) },
      to: {},
    },
    {
      name: 'to-src-outside-areas',
      comment: '…one that is imported (one that does neither is an orphan, below).',
      severity: 'error',
      from: {},
      to: { path: '^src/', pathNot: areas.map(areaPath) },
    },
    {
      name: 'no-orphans',
      comment: 'A module of src/ that imports nothing and that nothing imports is dead code.',
      severity: 'error',
      from: { orphan: true, path: '^src/', pathNot: '\\.d\\.ts$' },
      to: {},
    },
    {
      name: 'onnxruntime-in-one-module',
      comment: 'Only src/fusion/onnxBackend.ts imports onnxruntime-node (STYLE.md §4).',
      severity: 'error',
      from: { pathNot: '^src/fusion/onnxBackend\\.ts$' },
      to: { path: '(^|/)node_modules/onnxruntime-(node|common)/|^onnxruntime-(node|common)$' },
    },
    {
      name: 'src-not-to-test-or-bench',
      comment: 'The library never imports tests, benchmarks or the repository scripts.',
      severity: 'error',
      from: { path: '^src/' },
      to: { path: '^(test|bench|scripts)/' },
    },
    {
      name: 'scripts-below-test-and-bench',
      comment:
        'scripts/lib/ (e.g. redisServer.ts) holds what tests and benchmarks share: both may import it, it imports neither (STYLE.md §13, §16).',
      severity: 'error',
      from: { path: '^scripts/lib/' },
      to: { path: '^(test|bench)/' },
    },
    {
      name: 'bench-not-to-test',
      comment: 'A benchmark never imports test helpers (STYLE.md §16).',
      severity: 'error',
      from: { path: '^bench/' },
      to: { path: '^test/' },
    },
    {
      name: 'test-not-to-bench',
      comment: 'A test never imports a benchmark (STYLE.md §16).',
      severity: 'error',
      from: { path: '^test/' },
      to: { path: '^bench/' },
    },
    {
      name: 'not-to-unresolvable',
      comment: 'Every relative import resolves to a file (a typo here would hide a dependency).',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true, path: '^\\.' },
    },
  ],
  options: {
    // The fixture tree that proves these rules catch violations (architecture.test.ts).
    exclude: { path: '^test/fixtures/' },
    doNotFollow: { path: 'node_modules' },
    // Type-only imports count too: they tie the layers together as much as value imports.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      mainFields: ['module', 'main', 'types', 'typings'],
      extensions: ['.ts', '.js', '.mjs', '.cjs', '.json', '.d.ts'],
    },
    skipAnalysisNotInRules: true,
  },
};

export default config;

const ROOT = import.meta.dirname;

/**
 * Cruises `paths` (files or folders, relative to `baseDir`) with these rules and this
 * repository's tsconfig.json, as `depcruise` does, in-process (architecture.test.ts).
 * Resolves to dependency-cruiser's result; `summary.violations` lists what breaks a rule.
 * @param {string[]} paths
 * @param {string} [baseDir]
 * @returns {Promise<import('dependency-cruiser').ICruiseResult>}
 */
export async function cruiseLayers(paths, baseDir = ROOT) {
  const [{ cruise }, { default: extractTSConfig }] = await Promise.all([
    import('dependency-cruiser'),
    import('dependency-cruiser/config-utl/extract-ts-config'),
  ]);
  const { options, ...ruleSet } = config;
  const tsConfig = resolve(ROOT, options.tsConfig.fileName);
  const { output } = await cruise(
    paths,
    {
      ...options,
      tsConfig: { fileName: tsConfig },
      ruleSet,
      validate: true,
      baseDir,
      outputType: 'json',
    },
    undefined,
    { tsConfig: extractTSConfig(tsConfig) },
  );
  return typeof output === 'string' ? JSON.parse(output) : output;
}
