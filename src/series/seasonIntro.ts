import type { Interval } from '../fusion/pickInterval.js';

/** Half-open [start, end) in seconds of the file. */
export interface Span {
  start: number;
  end: number;
}

/** A stretch matched on sound and pictures with one partner episode. */
export interface HeardStretch extends Span {
  /** Which partner it was matched with (any value that tells the partners apart). */
  partner: unknown;
  /** Whether the partner's own intro (as detected alone) holds at least half of its copy. */
  called: boolean;
}

/**
 * Whether `intro` holds at least half of `span`: the partner calls its copy of a stretch intro.
 */
export function callsIntro(intro: Span | null, span: Span): boolean {
  if (!intro) return false;
  const shared = Math.min(intro.end, span.end) - Math.max(intro.start, span.start);
  return shared >= 0.5 * (span.end - span.start);
}

/**
 * The part of the season's repeated intro that every partner agrees on: per partner, the one
 * stretch (one alignment) holding most of `intro` — at least `minOverlap` of it — and then
 * the latest start and the earliest end of those. A sting or a logo that comes right before
 * the intro in some episodes repeats with them but not with an episode that opens without it,
 * so the union of the stretches starts too early where the agreement does not; a few seconds
 * of a theme that recur inside the intro at another offset are ignored as well. Empty when no
 * partner holds the intro.
 */
export function agreedStretch(
  intro: Span | null,
  heard: readonly HeardStretch[],
  minOverlap: number,
): Span[] {
  if (!intro) return [];
  const held = (r: Span) => Math.min(r.end, intro.end) - Math.max(r.start, intro.start);
  const best = new Map<unknown, Span>();
  for (const h of heard) {
    if (held(h) < minOverlap * (intro.end - intro.start)) continue;
    const b = best.get(h.partner);
    if (!b || held(h) > held(b)) best.set(h.partner, h);
  }
  if (best.size === 0) return [];
  let start = -Infinity;
  let end = Infinity;
  for (const r of best.values()) {
    start = Math.max(start, r.start);
    end = Math.min(end, r.end);
  }
  return end > start ? [{ start, end }] : [];
}

/**
 * An intro the season does not repeat, moved to the repeated stretch its partners call intro.
 * When the model's intro overlaps none of the episode's `repeated` stretches, and a stretch
 * matched on sound and pictures with a partner whose own intro holds its copy (`called`) has
 * at least `minShare` of its seconds over `threshold` in `evidence` (this episode's
 * probabilities, each repeated second raised to its copy's), the intro becomes that stretch's
 * first to last second over the threshold (the one with most such seconds). The model placed
 * an intro; the season says where its intro is. An episode without an intro keeps none, and
 * one whose intro is repeated anywhere keeps it. `minShare` 0: never.
 */
export function adoptCalledStretch(
  intro: Interval | null,
  repeated: readonly Span[],
  called: readonly Span[],
  evidence: (t: number) => number,
  threshold: number,
  minShare: number,
): Interval | null {
  if (!intro || minShare <= 0 || overlapsAny(intro, repeated)) return intro;
  let best: (Interval & { over: number }) | null = null;
  for (const r of called) {
    let over = 0;
    let first = -1;
    let last = -1;
    for (let t = r.start; t < r.end; t++) {
      if (evidence(t) <= threshold) continue;
      over++;
      if (first < 0) first = t;
      last = t;
    }
    if (over === 0 || over < minShare * (r.end - r.start) || (best && best.over >= over)) continue;
    let sum = 0;
    for (let t = first; t <= last; t++) sum += evidence(t);
    best = { start: first, end: last + 1, confidence: sum / (last + 1 - first), over };
  }
  return best ? { start: best.start, end: best.end, confidence: best.confidence } : intro;
}

/**
 * `intro`, or null when it is shorter than `shorterThan` seconds, overlaps none of the
 * episode's `repeated` stretches, and a partner's own intro is repeated (`partnerRepeated`):
 * the season has an opening this short moment is not a copy of. A season of title cards that
 * never repeat keeps them. `shorterThan` 0: never.
 */
export function dropUnrepeated<T extends Span>(
  intro: T | null,
  repeated: readonly Span[],
  partnerRepeated: boolean,
  shorterThan: number,
): T | null {
  if (!intro || intro.end - intro.start >= shorterThan || !partnerRepeated) return intro;
  return overlapsAny(intro, repeated) ? intro : null;
}

/** Whether `span` overlaps any of `spans`. */
function overlapsAny(span: Span, spans: readonly Span[]): boolean {
  return spans.some((r) => r.start < span.end && span.start < r.end);
}
