import type { DetectionResult } from '../detectionResult.js';
import type { Interval } from '../pickInterval.js';
import { segmentsOfResult } from './segments.js';

const round = (x: number, digits: number) => {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
};

const roundInterval = (i: Interval | null): Interval | null =>
  i && { start: i.start, end: i.end, confidence: round(i.confidence, 4) };

/**
 * One result as ONE line of JSON (several files → JSON Lines, which `introdetect eval --pred`
 * reads). Probabilities and confidences are rounded to 4 decimals. `segments` is always there:
 * `segmentsOfResult` (a result written before segments existed gets its intro and credits).
 */
export function formatJson(result: DetectionResult): string {
  const out: DetectionResult = {
    ...result,
    intro: roundInterval(result.intro),
    credits: roundInterval(result.credits),
    probabilities: {
      intro: {
        from: result.probabilities.intro.from,
        values: result.probabilities.intro.values.map((v) => round(v, 4)),
      },
      credits: {
        from: result.probabilities.credits.from,
        values: result.probabilities.credits.values.map((v) => round(v, 4)),
      },
    },
    segments: segmentsOfResult(result).map((s) => ({
      ...s,
      confidence: round(s.confidence, 4),
    })),
  };
  return `${JSON.stringify(out)}\n`;
}
