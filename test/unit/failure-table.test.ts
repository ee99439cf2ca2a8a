import { describe, expect, it } from 'vitest';
import { findFailures, formatFailureTable } from '../../src/eval/failureTable.js';
import { computeMetrics } from '../../src/eval/metrics.js';
import type { EpisodePrediction } from '../../src/eval/predictionTypes.js';
import type { EpisodeLabel } from '../../src/labels/types.js';

/** p 0.9 over the given runs, 0.05 elsewhere, for seconds 0..n. */
const track = (n: number, ...runs: Array<[number, number]>) => ({
  from: 0,
  values: Array.from({ length: n }, (_, t) =>
    runs.some(([a, b]) => t >= a && t < b) ? 0.9 : 0.05,
  ),
});

const pred = (
  id: string,
  intro: [number, number] | null,
  credits: [number, number] | null,
  introRuns: Array<[number, number]>,
): EpisodePrediction => ({
  id,
  duration: 200,
  intro: intro && { start: intro[0], end: intro[1], confidence: 0.9 },
  credits: credits && { start: credits[0], end: credits[1], confidence: 0.9 },
  probabilities: { intro: track(100, ...introRuns) },
  threshold: { intro: 0.4, credits: 0.5 },
});

const label = (
  id: string,
  intro: [number, number] | null,
  credits: [number, number] | null,
): EpisodeLabel => ({
  id,
  duration: 200,
  intro: intro && { start: intro[0], end: intro[1] },
  credits: credits && { start: credits[0], end: credits[1] },
});

describe('the per-episode failure table', () => {
  const labels = [
    label('right', [10, 40], [180, 200]),
    label('missed', [20, 25], [180, 200]),
    label('pieces', [10, 50], [170, 200]),
    label('none', null, [180, 200]),
    label('late', [10, 30], [180, 200]),
  ];
  const preds = [
    pred('right', [10, 40], [180, 200], [[10, 40]]),
    pred('missed', null, [180, 200], []),
    // found 30–50: 10–22 and 30–50 above threshold, the decision kept the larger piece
    pred(
      'pieces',
      [30, 50],
      [190, 200],
      [
        [10, 22],
        [30, 50],
      ],
    ),
    pred('none', [60, 70], [180, 200], [[60, 70]]),
    // ends 6 s late: p stays above threshold for 6 s after the label's end
    pred('late', [10, 36], [180, 200], [[10, 36]]),
  ];
  const failures = findFailures(computeMetrics(labels, preds).perEpisode, preds, 1);

  it('lists what is missed, false or off by more than the tolerance, and nothing else', () => {
    expect(failures.map((f) => [f.id, f.kind, f.what])).toEqual([
      ['missed', 'intro', 'missed'],
      ['pieces', 'intro', 'starts 20 s late'],
      ['pieces', 'credits', 'starts 20 s late'],
      ['none', 'intro', 'false'],
      ['late', 'intro', 'ends 6 s late'],
    ]);
  });

  it('says what the probabilities show where it went wrong', () => {
    const why = Object.fromEntries(failures.map((f) => [`${f.id}/${f.kind}`, f.why]));
    expect(why['missed/intro']).toBe('p never above 0.40 inside it (max 0.05)');
    expect(why['pieces/intro']).toBe('p above 0.40 on 32 of its 40 s in 2 pieces');
    expect(why['none/intro']).toBe('p above 0.40 at 60–70 s (max 0.90)');
    expect(why['pieces/credits']).toBe('no probabilities in the prediction');
    expect(why['late/intro']).toBe('p above 0.40 on 20 of its 20 s and on 6 s just after it');
  });

  it('prints a Markdown table, or says there is nothing to list', () => {
    const table = formatFailureTable(failures);
    expect(table.split('\n')[0]).toMatch(/^\| episode +\| kind +\| label \(s\) +\| found \(s\)/);
    expect(table).toContain('| missed ');
    expect(formatFailureTable([], 1)).toBe('no failures (every boundary within ±1 s)\n');
  });
});
