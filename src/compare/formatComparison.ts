import { PART_KINDS, type KindMetrics } from '../eval/metrics.js';
import type { ModeRun } from './compareModes.js';

const pct = (v: number | null) => (v === null ? '–' : `${(100 * v).toFixed(1)}`);
const sec = (v: number | null) => (v === null ? '–' : v.toFixed(2));
const ms = (v: number | null) => (v === null ? '–' : v.toFixed(3));

type Row = [name: string, cell: (run: ModeRun) => string];

/** The rows of the side-by-side table for one kind; `–` where a run has no metrics for it. */
function rows(kind: string, metricsOf: (r: ModeRun) => KindMetrics | undefined): Row[] {
  const cells: Array<[name: string, cell: (k: KindMetrics) => string]> = [
    [`${kind} per-second F1 %`, (k) => pct(k.perSecond.f1)],
    [
      `${kind} per-second P / R %`,
      (k) => `${pct(k.perSecond.precision)} / ${pct(k.perSecond.recall)}`,
    ],
    [`${kind} mean IoU`, (k) => sec(k.meanIoU)],
    [`${kind} both bounds ±0.5 s %`, (k) => pct(k.withinHalf.share)],
    [`${kind} both bounds ±1 s %`, (k) => pct(k.within1s.share)],
    [`${kind} both bounds ±2 s %`, (k) => pct(k.within2s.share)],
    [`${kind} both bounds ±3 s %`, (k) => pct(k.within3s.share)],
    [`${kind} F1 @ ±1 s %`, (k) => pct(k.f1At1s.f1)],
    [
      `${kind} start error mean / median s`,
      (k) => `${ms(k.startError.mean)} / ${ms(k.startError.median)}`,
    ],
    [
      `${kind} end error mean / median s`,
      (k) => `${ms(k.endError.mean)} / ${ms(k.endError.median)}`,
    ],
    [`${kind} presence P / R %`, (k) => `${pct(k.presence.precision)} / ${pct(k.presence.recall)}`],
  ];
  return cells.map(([name, cell]) => [
    name,
    (r) => {
      const k = metricsOf(r);
      return k ? cell(k) : '–';
    },
  ]);
}

/**
 * The runs side by side: one column per run, one row per metric — the intro's, the credits',
 * then those of each other part some run scored (the labels have it), and the mid-credits
 * share when the labels have such scenes — then speed (and what refining cost, for refined
 * columns) and failures.
 */
export function formatComparison(runs: readonly ModeRun[]): string {
  const parts = PART_KINDS.filter((kind) => runs.some((r) => r.metrics.parts[kind]));
  const table: Row[] = [
    ['episodes scored', (r) => String(r.metrics.episodes.matched)],
    ...rows('intro', (r) => r.metrics.intro),
    ...rows('credits', (r) => r.metrics.credits),
    ...parts.flatMap((kind) => rows(kind, (r) => r.metrics.parts[kind])),
    ...(runs.some((r) => r.metrics.midCredits)
      ? [
          [
            'mid-credits scene outside credits %',
            (r: ModeRun) => pct(r.metrics.midCredits?.share ?? null),
          ] satisfies Row,
        ]
      : []),
    ['speed, media s per wall s', (r) => (r.mediaSeconds / r.wallSeconds).toFixed(1)],
    ...(runs.some((r) => r.refineSeconds !== undefined)
      ? [
          [
            'refining, % of detection wall s',
            (r: ModeRun) =>
              r.refineSeconds === undefined
                ? '-'
                : ((100 * r.refineSeconds) / r.wallSeconds).toFixed(1),
          ] satisfies Row,
        ]
      : []),
    ['failures', (r) => String(r.failures.length)],
  ];
  const width = Math.max(...table.map(([name]) => name.length));
  const head = `${'metric'.padEnd(width)}  ${runs.map((r) => r.label.padStart(14)).join('  ')}`;
  const lines = table.map(
    ([name, f]) => `${name.padEnd(width)}  ${runs.map((r) => f(r).padStart(14)).join('  ')}`,
  );
  return [head, '-'.repeat(head.length), ...lines].join('\n');
}
