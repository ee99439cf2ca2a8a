import type {
  EpisodePrediction,
  PredictedInterval,
  PredictedSegmentType,
} from './predictionTypes.js';

/**
 * The predicted pieces of one part type, in time order: the prediction's `segments` of that
 * type. For the intro and credits the prediction's `intro`/`credits` field wins, by the rule
 * `detect`'s writers follow (`segmentsOfResult`, which eval, beside fusion, does not import):
 * their segments count only when together they span exactly the field (two credits pieces
 * around a mid-credits scene); otherwise the field is the one piece (a prediction written
 * before segments existed, or whose field a later step changed), or none when it is null.
 */
export function predictedPieces(
  pred: EpisodePrediction,
  type: PredictedSegmentType,
): PredictedInterval[] {
  const pieces = (pred.segments ?? [])
    .filter((s) => s.type === type)
    .map(({ start, end, confidence }) => ({ start, end, confidence }))
    .sort((a, b) => a.start - b.start);
  if (type !== 'intro' && type !== 'credits') return pieces;
  const field = pred[type];
  if (!field) return [];
  const spans =
    pieces.length > 0 &&
    Math.min(...pieces.map((s) => s.start)) === field.start &&
    Math.max(...pieces.map((s) => s.end)) === field.end;
  return spans ? pieces : [{ start: field.start, end: field.end, confidence: field.confidence }];
}
