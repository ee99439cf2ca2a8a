import type { Interval } from '../labels/types.js';
import type { EpisodeKindScore } from './episodeScore.js';
import { PART_KINDS, type EpisodeResult, type ScoredKind } from './metrics.js';
import type { EpisodePrediction, ProbabilityTrack } from './predictionTypes.js';

/** One thing an episode got wrong, for the model card's per-episode failure table. */
export interface Failure {
  id: string;
  kind: ScoredKind;
  label: Interval | null;
  pred: Interval | null;
  /**
   * What went wrong: `missed`, `false`, the boundaries off (`starts 3 s early, ends 12 s early`),
   * or, for the credits, `covers 20 s of the mid-credits scene` (label: the scene).
   */
  what: string;
  /** What the probabilities say about it, when the prediction carries them. */
  why: string;
}

const secs = (v: number) => `${Number.isInteger(v) ? v : v.toFixed(1)} s`;

/** `starts 3 s early`, `ends 2 s late`…: the boundaries more than `tolerance` off. */
function offBy(label: Interval, pred: Interval, tolerance: number): string[] {
  const parts: string[] = [];
  const ds = pred.start - label.start;
  const de = pred.end - label.end;
  if (Math.abs(ds) > tolerance)
    parts.push(`starts ${secs(Math.abs(ds))} ${ds < 0 ? 'early' : 'late'}`);
  if (Math.abs(de) > tolerance)
    parts.push(`ends ${secs(Math.abs(de))} ${de < 0 ? 'early' : 'late'}`);
  return parts;
}

/** The runs of seconds in [from, to) whose probability is above `threshold`. */
function runsAbove(track: ProbabilityTrack, threshold: number, from: number, to: number) {
  const runs: Interval[] = [];
  for (
    let t = Math.max(from, track.from);
    t < Math.min(to, track.from + track.values.length);
    t++
  ) {
    if ((track.values[t - track.from] ?? 0) <= threshold) continue;
    const last = runs[runs.length - 1];
    if (last && last.end === t) last.end = t + 1;
    else runs.push({ start: t, end: t + 1 });
  }
  return runs;
}

function maxIn(track: ProbabilityTrack, from: number, to: number): number {
  let m = 0;
  for (let t = Math.max(from, track.from); t < Math.min(to, track.from + track.values.length); t++)
    m = Math.max(m, track.values[t - track.from] ?? 0);
  return m;
}

/** Reads the probabilities around a failure: what the model saw where it went wrong. */
function explain(
  score: EpisodeKindScore,
  track: ProbabilityTrack | undefined,
  threshold: number | undefined,
): string {
  if (!track || threshold === undefined) return 'no probabilities in the prediction';
  const { label, pred } = score;
  const spanEnd = track.from + track.values.length;
  if (label && (label.end <= track.from || label.start >= spanEnd))
    return `label outside the searched span (${track.from}–${spanEnd} s)`;
  const p = (v: number) => v.toFixed(2);
  if (label && !pred) {
    const inside = runsAbove(track, threshold, Math.floor(label.start), Math.ceil(label.end));
    const max = maxIn(track, Math.floor(label.start), Math.ceil(label.end));
    return inside.length === 0
      ? `p never above ${p(threshold)} inside it (max ${p(max)})`
      : `p above ${p(threshold)} on ${inside.reduce((n, r) => n + r.end - r.start, 0)} s inside it, in ${inside.length} piece(s); the decision dropped them`;
  }
  if (!label && pred) {
    return `p above ${p(threshold)} at ${pred.start}–${pred.end} s (max ${p(maxIn(track, pred.start, pred.end))})`;
  }
  if (label && pred) {
    const inside = runsAbove(track, threshold, Math.floor(label.start), Math.ceil(label.end));
    const covered = inside.reduce((n, r) => n + r.end - r.start, 0);
    const length = Math.ceil(label.end) - Math.floor(label.start);
    const notes = [`p above ${p(threshold)} on ${covered} of its ${length} s`];
    if (inside.length > 1) notes.push(`in ${inside.length} pieces`);
    const before = runsAbove(
      track,
      threshold,
      Math.floor(label.start) - 30,
      Math.floor(label.start),
    );
    const touching = before.at(-1);
    if (touching && touching.end === Math.floor(label.start))
      notes.push(`and on ${touching.end - touching.start} s just before it`);
    const end = Math.ceil(label.end);
    const after = runsAbove(track, threshold, end, end + 30)[0];
    if (after && after.start === end)
      notes.push(`and on ${after.end - after.start} s just after it`);
    return notes.join(' ');
  }
  return '';
}

/** What went wrong with one kind of one episode, or undefined when nothing did. */
function whatWentWrong(score: EpisodeKindScore, tolerance: number): string | undefined {
  const { label, pred: found } = score;
  if (label && !found) return 'missed';
  if (!label && found) return 'false';
  if (label && found) {
    const off = offBy(label, found, tolerance);
    if (off.length > 0) return off.join(', ');
  }
  return undefined;
}

/**
 * Every intro, credits and other scored part the detector got wrong, per episode: missed,
 * found where there is none, or a boundary more than `tolerance` seconds off, with what the
 * probabilities show there (the intro and credits; the other parts have none); and credits
 * that cover a mid-credits scene. `predictions` are the scored ones (by id), for their
 * probabilities.
 */
export function findFailures(
  perEpisode: readonly EpisodeResult[],
  predictions: readonly EpisodePrediction[],
  tolerance = 1,
): Failure[] {
  const byId = new Map(predictions.map((p) => [p.id, p]));
  const out: Failure[] = [];
  for (const row of perEpisode) {
    const pred = row.predictionId !== undefined ? byId.get(row.predictionId) : undefined;
    const add = (
      kind: Failure['kind'],
      score: EpisodeKindScore | null | undefined,
      why: (score: EpisodeKindScore) => string,
    ) => {
      const what = score && whatWentWrong(score, tolerance);
      if (score && what)
        out.push({ id: row.id, kind, label: score.label, pred: score.pred, what, why: why(score) });
    };
    for (const kind of ['intro', 'credits'] as const) {
      add(kind, row[kind], (s) => explain(s, pred?.probabilities?.[kind], pred?.threshold?.[kind]));
    }
    const mid = row.midCredits;
    if (mid && mid.insideCredits > 0) {
      out.push({
        id: row.id,
        kind: 'credits',
        label: mid.scenes[0] ?? null,
        pred: row.credits?.pred ?? null,
        what: `covers ${secs(mid.insideCredits)} of the mid-credits scene`,
        why: 'a "skip credits" would skip it',
      });
    }
    for (const kind of PART_KINDS)
      add(kind, row.parts?.[kind], () => 'no probabilities for this part');
  }
  return out;
}

/** The failures as a Markdown table (what the model card shows). */
export function formatFailureTable(failures: readonly Failure[], tolerance = 1): string {
  if (failures.length === 0) return `no failures (every boundary within ±${tolerance} s)\n`;
  const iv = (i: Interval | null) => (i ? `${i.start}–${i.end}` : 'none');
  const rows = failures.map((f) => [f.id, f.kind, iv(f.label), iv(f.pred), f.what, f.why]);
  const head = ['episode', 'kind', 'label (s)', 'found (s)', 'what', 'why (probabilities)'];
  const width = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(width[i]!)).join(' | ')} |`;
  return [
    line(head),
    `| ${width.map((w) => '-'.repeat(w)).join(' | ')} |`,
    ...rows.map(line),
    '',
  ].join('\n');
}
