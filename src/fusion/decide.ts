import { clusterPositives } from './clusterPositives.js';
import type { TargetDecision } from './decisionConfig.js';
import { type Interval, pickInterval } from './pickInterval.js';

/** Per-second probabilities from second `from` of the file on (a searched span's). */
export interface Track {
  from: number;
  values: number[];
}

/** `decidePieces` on a track: the interval and its pieces in seconds of the file, or null. */
export function decideTrack(
  t: Track,
  decision: TargetDecision,
): { interval: Interval; pieces: Interval[] } | null {
  const hit = decidePieces(t.values, decision);
  const shift = (i: Interval): Interval => ({
    start: i.start + t.from,
    end: i.end + t.from,
    confidence: i.confidence,
  });
  return hit ? { interval: shift(hit.interval), pieces: hit.pieces.map(shift) } : null;
}

/**
 * Per-second probabilities of one target over one search span → the interval (in seconds of
 * the span), or null. `clusterPositives` then `pickInterval` with the model's decision block.
 */
export function decide(probs: ArrayLike<number>, decision: TargetDecision): Interval | null {
  return decidePieces(probs, decision)?.interval ?? null;
}

/**
 * `decide`, and the pieces the interval is made of: with `decision.pieceGap` > 0, clusters of
 * at least `minPiece` seconds within `pieceGap` seconds of the picked interval (or of a piece
 * already joined) are pieces too — credits, a mid-credits scene, credits again — and the
 * interval spans them all (its confidence the mean over the pieces' seconds). One piece (the
 * interval itself) otherwise.
 */
export function decidePieces(
  probs: ArrayLike<number>,
  decision: TargetDecision,
): { interval: Interval; pieces: Interval[] } | null {
  const clusters = clusterPositives(probs, decision.threshold, decision.eps, decision.minPts);
  const chosen = pickInterval(clusters, probs, {
    rule: decision.rule,
    mergeGap: decision.mergeGap,
    minLength: decision.minLength,
  });
  const picked = chosen && decision.edge > 0 ? trimEdges(chosen, probs, decision.edge) : chosen;
  if (!picked) return null;
  if (!(decision.pieceGap > 0)) return { interval: picked, pieces: [picked] };
  const pieces: Interval[] = [picked];
  const candidates = clusters
    .filter((c) => c.end - c.start >= decision.minPiece)
    .filter((c) => c.end <= picked.start || c.start >= picked.end)
    .map((c) => ({ start: c.start, end: c.end, confidence: meanOf(probs, c.start, c.end) }));
  for (let joined = true; joined;) {
    joined = false;
    const first = pieces[0]!.start;
    const last = pieces.at(-1)!.end;
    for (const [i, c] of candidates.entries()) {
      if (
        c.end <= first ? first - c.end <= decision.pieceGap : c.start - last <= decision.pieceGap
      ) {
        pieces.push(c);
        candidates.splice(i, 1);
        pieces.sort((a, b) => a.start - b.start);
        joined = true;
        break;
      }
    }
  }
  if (pieces.length === 1) return { interval: picked, pieces };
  const seconds = pieces.reduce((n, p) => n + (p.end - p.start), 0);
  const confidence = pieces.reduce((sum, p) => sum + p.confidence * (p.end - p.start), 0) / seconds;
  return {
    interval: { start: pieces[0]!.start, end: pieces.at(-1)!.end, confidence },
    pieces,
  };
}

function meanOf(probs: ArrayLike<number>, start: number, end: number): number {
  let sum = 0;
  for (let t = start; t < end; t++) sum += probs[t] ?? 0;
  return Math.min(1, Math.max(0, sum / Math.max(1, end - start)));
}

/**
 * Drops the interval's first and last seconds while their probability is below `edge`, never
 * past its most probable second (an interval that never reaches `edge` keeps only that
 * second's side untouched). Confidence is recomputed over what is left.
 */
export function trimEdges(interval: Interval, probs: ArrayLike<number>, edge: number): Interval {
  let peak = interval.start;
  for (let t = interval.start; t < interval.end; t++)
    if ((probs[t] ?? 0) > (probs[peak] ?? 0)) peak = t;
  let start = interval.start;
  let end = interval.end;
  while (start < peak && (probs[start] ?? 0) < edge) start++;
  while (end - 1 > peak && (probs[end - 1] ?? 0) < edge) end--;
  let sum = 0;
  for (let t = start; t < end; t++) sum += probs[t] ?? 0;
  return { start, end, confidence: Math.min(1, Math.max(0, sum / (end - start))) };
}
