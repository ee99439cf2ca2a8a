import type { DetectedSegment, DetectionResult } from '../detectionResult.js';
import { SEGMENT_TITLES, segmentsOfResult } from './segments.js';

/** One chapter, [start, end) in seconds. */
export interface Chapter {
  start: number;
  end: number;
  title: string;
}

/**
 * Chapters tiling the whole file, [0, duration): one per segment (`segmentsOfResult`), named by
 * its type ({@link SEGMENT_TITLES}: Intro, Credits, Recap, Preview, Cold open, Post-credits),
 * and one per stretch between them, named by where it lies:
 * - before the first intro: `Cold open` (`Episode` when the result has its own cold-open
 *   segment);
 * - between the first and the last credits segment: `Mid-credits scene`;
 * - after the last credits segment: `After credits`;
 * - anywhere else: `Episode`.
 *
 * Where segments overlap, the one that starts later holds the chapter until it ends (a preview
 * inside the credits splits them in two). Segments are clipped to the file; empty pieces are
 * left out. A result with only an intro and credits gets what it always got: cold open, intro,
 * episode, credits, after credits (only credits that start before the intro ends, which the
 * default search spans never give, now split the overlap instead of overlapping it).
 */
export function chaptersOf(result: DetectionResult): Chapter[] {
  const duration = result.duration;
  const clip = (t: number) => Math.max(0, Math.min(t, duration));
  const clipped: DetectedSegment[] = segmentsOfResult(result).map((s) => ({
    ...s,
    start: clip(s.start),
    end: Math.max(clip(s.start), clip(s.end)),
  }));
  const segments = clipped.filter((s) => s.end > s.start);
  // Even an empty intro or credits (clipped away past the end) splits and names the gaps.
  const intros = clipped.filter((s) => s.type === 'intro');
  const credits = clipped.filter((s) => s.type === 'credits');
  const firstIntro = intros.length > 0 ? Math.min(...intros.map((s) => s.start)) : -Infinity;
  const creditsFrom = credits.length > 0 ? Math.min(...credits.map((s) => s.start)) : Infinity;
  const creditsTo = credits.length > 0 ? Math.max(...credits.map((s) => s.end)) : Infinity;
  const ownColdOpen = segments.some((s) => s.type === 'coldOpen');
  const gapTitle = (start: number, end: number): string => {
    if (end <= firstIntro && !ownColdOpen) return 'Cold open';
    if (start >= creditsTo) return 'After credits';
    if (start >= creditsFrom && end <= creditsTo) return 'Mid-credits scene';
    return 'Episode';
  };

  const edges = [...new Set([0, duration, ...clipped.flatMap((s) => [s.start, s.end])])].sort(
    (a, b) => a - b,
  );
  const pieces: Array<{ start: number; end: number; owner: DetectedSegment | undefined }> = [];
  for (let i = 0; i + 1 < edges.length; i++) {
    const start = edges[i]!;
    const end = edges[i + 1]!;
    // The covering segment that starts last (the shorter one on a tie).
    let owner: DetectedSegment | undefined;
    for (const s of segments) {
      if (s.start > start || s.end < end) continue;
      if (!owner || s.start > owner.start || (s.start === owner.start && s.end < owner.end))
        owner = s;
    }
    const last = pieces[pieces.length - 1];
    if (last && owner && last.owner === owner) last.end = end;
    else pieces.push({ start, end, owner });
  }
  return pieces.map(({ start, end, owner }) => ({
    start,
    end,
    title: owner ? SEGMENT_TITLES[owner.type] : gapTitle(start, end),
  }));
}
