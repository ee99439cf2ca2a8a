import type { EvalMetrics, KindMetrics } from './metrics.js';
import { KINDS, PART_KINDS } from './metrics.js';

const pct = (v: number | null): string => (v === null ? '–' : (100 * v).toFixed(1));
const sec = (v: number | null): string => (v === null ? '–' : v.toFixed(1));

/**
 * The human-readable summary `introdetect eval` prints: one row per kind (intro, credits, then
 * each other part the labels have), the mid-credits line when labels have such scenes, then
 * notes.
 */
export function formatMetricsTable(m: EvalMetrics): string {
  const header = [
    'kind',
    'eps',
    'lab',
    'pred',
    'P%',
    'R%',
    'F1%',
    'Acc%',
    'IoU',
    'start err mean/med/p90 s',
    'end err mean/med/p90 s',
    '±1s%',
    '±2s%',
    '±3s%',
    'F1@1s%',
    'pres P/R%',
  ];
  const row = (kind: string, k: KindMetrics): string[] => [
    kind,
    String(k.episodes),
    String(k.labelled),
    String(k.predicted),
    pct(k.perSecond.precision),
    pct(k.perSecond.recall),
    pct(k.perSecond.f1),
    pct(k.perSecond.accuracy),
    k.meanIoU === null ? '–' : k.meanIoU.toFixed(3),
    `${sec(k.startError.mean)}/${sec(k.startError.median)}/${sec(k.startError.p90)}`,
    `${sec(k.endError.mean)}/${sec(k.endError.median)}/${sec(k.endError.p90)}`,
    pct(k.within1s.share),
    pct(k.within2s.share),
    pct(k.within3s.share),
    pct(k.f1At1s.f1),
    `${pct(k.presence.precision)}/${pct(k.presence.recall)}`,
  ];
  const parts = PART_KINDS.flatMap((kind) => {
    const k = m.parts[kind];
    return k ? [row(kind, k)] : [];
  });
  const rows = [header, ...KINDS.map((kind) => row(kind, m[kind])), ...parts];
  const widths = header.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  const lines = rows.map((r) =>
    r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  '),
  );
  const e = m.episodes;
  lines.unshift(
    `episodes: ${e.labelled} labelled, ${e.predictions} predictions, ${e.matched} matched`,
    '',
  );
  if (m.midCredits) {
    const { hits, of, share } = m.midCredits;
    lines.push(
      '',
      `mid-credits scene outside the predicted credits: ${hits} of ${of} episode(s) (${pct(share)} %)`,
    );
  }
  if (e.missing.length > 0) {
    lines.push(
      '',
      `${e.missing.length} labelled episode(s) without a prediction: ${list(e.missing)}`,
    );
  }
  if (e.unlabelled.length > 0) {
    lines.push(
      `${e.unlabelled.length} prediction(s) without a label (ignored): ${list(e.unlabelled)}`,
    );
  }
  return `${lines.join('\n')}\n`;
}

function list(ids: readonly string[]): string {
  return ids.length <= 10 ? ids.join(', ') : `${ids.slice(0, 10).join(', ')}, … (see --json)`;
}
