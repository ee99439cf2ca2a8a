import type { KindMetrics } from '../eval/metrics.js';
import type { ModeRun } from './compareModes.js';

const pct = (v: number | null) => (v === null ? '–' : `${(100 * v).toFixed(1)}`);
const sec = (v: number | null) => (v === null ? '–' : v.toFixed(2));

type Row = [name: string, cell: (run: ModeRun) => string];

/** The rows of the side-by-side table for one kind. */
function rows(kind: 'intro' | 'credits', m: (r: ModeRun) => KindMetrics): Row[] {
  return [
    [`${kind} per-second F1 %`, (r) => pct(m(r).perSecond.f1)],
    [
      `${kind} per-second P / R %`,
      (r) => `${pct(m(r).perSecond.precision)} / ${pct(m(r).perSecond.recall)}`,
    ],
    [`${kind} mean IoU`, (r) => sec(m(r).meanIoU)],
    [`${kind} both bounds ±1 s %`, (r) => pct(m(r).within1s.share)],
    [`${kind} both bounds ±3 s %`, (r) => pct(m(r).within3s.share)],
    [`${kind} F1 @ ±1 s %`, (r) => pct(m(r).f1At1s.f1)],
    [
      `${kind} start error mean / median s`,
      (r) => `${sec(m(r).startError.mean)} / ${sec(m(r).startError.median)}`,
    ],
    [
      `${kind} end error mean / median s`,
      (r) => `${sec(m(r).endError.mean)} / ${sec(m(r).endError.median)}`,
    ],
    [
      `${kind} presence P / R %`,
      (r) => `${pct(m(r).presence.precision)} / ${pct(m(r).presence.recall)}`,
    ],
  ];
}

/** The runs side by side: one column per run, one row per metric, speed and failures. */
export function formatComparison(runs: readonly ModeRun[]): string {
  const table: Row[] = [
    ['episodes scored', (r) => String(r.metrics.episodes.matched)],
    ...rows('intro', (r) => r.metrics.intro),
    ...rows('credits', (r) => r.metrics.credits),
    ['speed, media s per wall s', (r) => (r.mediaSeconds / r.wallSeconds).toFixed(1)],
    ['failures', (r) => String(r.failures.length)],
  ];
  const width = Math.max(...table.map(([name]) => name.length));
  const head = `${'metric'.padEnd(width)}  ${runs.map((r) => r.label.padStart(14)).join('  ')}`;
  const lines = table.map(
    ([name, f]) => `${name.padEnd(width)}  ${runs.map((r) => f(r).padStart(14)).join('  ')}`,
  );
  return [head, '-'.repeat(head.length), ...lines].join('\n');
}
