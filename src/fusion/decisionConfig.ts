/**
 * The `decision` block of model.json: how per-second probabilities become one interval per
 * target. Tuned on the validation set together with the model, so it ships with it.
 *
 * ```json
 * "decision": {
 *   "intro":   { "threshold": 0.5, "eps": 3, "minPts": 3, "rule": "mass", "mergeGap": 10, "minLength": 5, "edge": 0, "span": 0.5 },
 *   "credits": { "threshold": 0.5, "eps": 3, "minPts": 3, "rule": "mass", "mergeGap": 10, "minLength": 5, "edge": 0, "span": 0.25 }
 * }
 * ```
 */
import { InvalidArgumentError } from '../errors.js';

export type Target = 'intro' | 'credits';
export const TARGETS: readonly Target[] = ['intro', 'credits'];

/**
 * - `largest`: the cluster with the most positive seconds (the seeds' rule).
 * - `mass`: clusters less than `mergeGap` seconds apart are merged first (an intro cut by a
 *   cold-open shot, credits interrupted by a sting), then the one with the highest summed
 *   probability wins: a long weak run no longer beats a shorter confident one.
 */
export type PickRule = 'largest' | 'mass';
export const PICK_RULES: readonly PickRule[] = ['largest', 'mass'];

export interface TargetDecision {
  /** A second is positive when its probability is strictly greater than this. */
  threshold: number;
  /** DBSCAN neighbourhood radius, in seconds. */
  eps: number;
  /** DBSCAN core-point size (neighbours within eps, the point included). */
  minPts: number;
  rule: PickRule;
  /** `mass` rule: clusters whose gap is at most this many seconds are merged. */
  mergeGap: number;
  /** Intervals shorter than this (seconds) are dropped. */
  minLength: number;
  /**
   * Edge trim: the picked interval's first and last seconds are dropped while their
   * probability is below this (never past the interval's most probable second). A low
   * `threshold` finds weak intros; a higher `edge` keeps their boundaries tight. 0: no trim.
   */
  edge: number;
  /** Fraction of the episode searched: the first part for the intro, the last for credits. */
  span: number;
  /**
   * Pieces (credits interrupted by a mid-credits scene): other clusters of at least `minPiece`
   * seconds, each within this many seconds of the picked interval or of a piece already
   * joined, are more pieces of it; the interval then spans them all and the result's
   * `segments` list each piece, so the scene between them is not skipped. 0: one piece.
   */
  pieceGap: number;
  /** Shortest cluster that counts as a piece (seconds). */
  minPiece: number;
}

/**
 * Parts a model may have a head for besides the intro and credits (issue 16): a recap is
 * decided in the intro's searched span (the head of the file), a preview in the credits'.
 */
export type PartHead = 'recap' | 'preview';
export const PART_HEADS: readonly PartHead[] = ['recap', 'preview'];
export const PART_HEAD_SPAN: Readonly<Record<PartHead, Target>> = Object.freeze({
  recap: 'intro',
  preview: 'credits',
});

/** The intro and credits decisions, and one per part head the model has a block for. */
export type DecisionConfig = Record<Target, TargetDecision> &
  Partial<Record<PartHead, TargetDecision>>;

export const DEFAULT_DECISION: Readonly<DecisionConfig> = Object.freeze({
  intro: Object.freeze({
    threshold: 0.5,
    eps: 3,
    minPts: 3,
    rule: 'mass',
    mergeGap: 10,
    minLength: 5,
    edge: 0,
    span: 0.5,
    pieceGap: 0,
    minPiece: 5,
  }),
  credits: Object.freeze({
    threshold: 0.5,
    eps: 3,
    minPts: 3,
    rule: 'mass',
    mergeGap: 10,
    minLength: 5,
    edge: 0,
    span: 0.25,
    pieceGap: 0,
    minPiece: 5,
  }),
});

/**
 * A part head's decision where model.json gives only some fields (training writes its
 * threshold and span): short parts (a recap or preview may be a few seconds), nothing
 * trimmed, one piece. `span` comes from the target whose span the head is searched in.
 */
export function partHeadDefaults(head: PartHead): TargetDecision {
  return {
    ...DEFAULT_DECISION[PART_HEAD_SPAN[head]],
    mergeGap: 5,
    minLength: 3,
    pieceGap: 0,
  };
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Validates one target's parameters (missing fields take the defaults). */
function parseTargetDecision(
  value: unknown,
  target: Target | PartHead,
  where: string,
): TargetDecision {
  const d =
    target === 'intro' || target === 'credits'
      ? DEFAULT_DECISION[target]
      : partHeadDefaults(target);
  if (value === undefined) return { ...d };
  if (!isObject(value))
    throw new InvalidArgumentError(`${where}: decision.${target} must be an object.`);
  const num = (key: keyof TargetDecision, ok: (n: number) => boolean, what: string): number => {
    const v = value[key];
    if (v === undefined) return d[key] as number;
    if (typeof v !== 'number' || !Number.isFinite(v) || !ok(v)) {
      throw new InvalidArgumentError(
        `${where}: decision.${target}.${key} must be ${what} (got ${JSON.stringify(v)}).`,
      );
    }
    return v;
  };
  const rule = value.rule ?? d.rule;
  if (!PICK_RULES.includes(rule as PickRule)) {
    throw new InvalidArgumentError(
      `${where}: decision.${target}.rule must be one of ${PICK_RULES.join(', ')} (got ${JSON.stringify(rule)}).`,
    );
  }
  return {
    threshold: num('threshold', (n) => n >= 0 && n < 1, 'a number in [0, 1)'),
    eps: num('eps', (n) => n >= 1, 'a number >= 1'),
    minPts: num('minPts', (n) => Number.isInteger(n) && n >= 1, 'an integer >= 1'),
    rule: rule as PickRule,
    mergeGap: num('mergeGap', (n) => n >= 0, 'a number >= 0'),
    minLength: num('minLength', (n) => n >= 0, 'a number >= 0'),
    edge: num('edge', (n) => n >= 0 && n < 1, 'a number in [0, 1)'),
    span: num('span', (n) => n > 0 && n <= 1, 'a fraction in (0, 1]'),
    pieceGap: num('pieceGap', (n) => n >= 0, 'a number >= 0'),
    minPiece: num('minPiece', (n) => n >= 1, 'a number >= 1'),
  };
}

export function parseDecision(value: unknown, where: string): DecisionConfig {
  if (value !== undefined && !isObject(value)) {
    throw new InvalidArgumentError(`${where}: "decision" must be an object.`);
  }
  const out: DecisionConfig = {
    intro: parseTargetDecision(value?.intro, 'intro', where),
    credits: parseTargetDecision(value?.credits, 'credits', where),
  };
  for (const head of PART_HEADS)
    if (value?.[head] !== undefined) out[head] = parseTargetDecision(value[head], head, where);
  return out;
}
