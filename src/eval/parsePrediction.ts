import { InvalidArgumentError } from '../errors.js';
import { PART_TYPES } from '../labels/types.js';
import type {
  EpisodePrediction,
  PredictedInterval,
  PredictedSegment,
  PredictedSegmentType,
  ProbabilityTrack,
} from './predictionTypes.js';

const SEGMENT_TYPES: readonly string[] = PART_TYPES.filter((t) => t !== 'midCredits');

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** Checks one parsed JSON value against `EpisodePrediction`; `where` names it in errors. */
export function parsePrediction(value: unknown, where: string): EpisodePrediction {
  const bad = (what: string): never => {
    throw new InvalidArgumentError(
      `${where}: ${what}. Expected the output of \`introdetect detect --format json\` ({ "id", "duration", "intro", "credits", … }).`,
    );
  };
  if (!isObject(value)) return bad('not a JSON object');
  const { id, file, duration, mode } = value;
  if (typeof id !== 'string' && typeof file !== 'string') bad('needs "id" or "file"');
  if (!isNum(duration) || duration < 0) bad('"duration" must be a number of seconds');
  if (mode !== undefined && mode !== 'fused' && mode !== 'vision') {
    bad('"mode" must be "fused" or "vision"');
  }
  const pred: EpisodePrediction = {
    id: typeof id === 'string' ? id : '',
    duration: duration as number,
    intro: interval(value.intro, 'intro', bad),
    credits: interval(value.credits, 'credits', bad),
  };
  if (typeof file === 'string') pred.file = file;
  if (mode === 'fused' || mode === 'vision') pred.mode = mode;
  if (value.segments !== undefined) {
    if (!Array.isArray(value.segments)) bad('"segments" must be an array');
    pred.segments = (value.segments as unknown[]).map((s, i) => segment(s, i, bad));
  }
  if (value.probabilities !== undefined) {
    if (!isObject(value.probabilities)) bad('"probabilities" must be an object');
    const p = value.probabilities as Record<string, unknown>;
    pred.probabilities = {};
    for (const kind of ['intro', 'credits'] as const) {
      if (p[kind] !== undefined) pred.probabilities[kind] = track(p[kind], kind, bad);
    }
  }
  if (value.threshold !== undefined) {
    if (!isObject(value.threshold)) bad('"threshold" must be an object');
    const t = value.threshold as Record<string, unknown>;
    pred.threshold = {};
    for (const kind of ['intro', 'credits'] as const) {
      if (t[kind] === undefined) continue;
      if (!isNum(t[kind])) bad(`"threshold.${kind}" must be a number`);
      pred.threshold[kind] = t[kind] as number;
    }
  }
  return pred;
}

function interval(
  v: unknown,
  kind: string,
  bad: (what: string) => never,
): PredictedInterval | null {
  if (v === null || v === undefined) return null;
  if (!isObject(v) || !isNum(v.start) || !isNum(v.end)) {
    return bad(`"${kind}" must be null or { "start", "end", "confidence" } in seconds`);
  }
  if (v.end < v.start) bad(`"${kind}" ends (${v.end}) before it starts (${v.start})`);
  return { start: v.start, end: v.end, confidence: isNum(v.confidence) ? v.confidence : 1 };
}

function segment(v: unknown, i: number, bad: (what: string) => never): PredictedSegment {
  const where = `segments[${i}]`;
  if (!isObject(v) || typeof v.type !== 'string' || !SEGMENT_TYPES.includes(v.type)) {
    return bad(`"${where}.type" must be one of ${SEGMENT_TYPES.join(', ')}`);
  }
  const { start, end, confidence } = interval(v, where, bad)!;
  return { type: v.type as PredictedSegmentType, start, end, confidence };
}

function track(v: unknown, kind: string, bad: (what: string) => never): ProbabilityTrack {
  if (!isObject(v) || !isNum(v.from) || !Array.isArray(v.values) || !v.values.every(isNum)) {
    return bad(`"probabilities.${kind}" must be { "from": seconds, "values": [numbers] }`);
  }
  return { from: v.from, values: v.values };
}
