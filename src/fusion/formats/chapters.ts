import type { DetectionResult } from '../detectionResult.js';

/** One chapter, [start, end) in seconds. */
export interface Chapter {
  start: number;
  end: number;
  title: string;
}

/**
 * Chapters covering the whole file: what comes before the intro, the intro, the episode, the
 * credits, and what follows them. Empty pieces are left out; without intro or credits the
 * episode simply extends over them.
 */
export function chaptersOf(result: DetectionResult): Chapter[] {
  const end = result.duration;
  const marks: Chapter[] = [];
  const push = (start: number, stop: number, title: string) => {
    const s = Math.max(0, Math.min(start, end));
    const e = Math.max(s, Math.min(stop, end));
    if (e > s) marks.push({ start: s, end: e, title });
  };
  const intro = result.intro;
  const credits = result.credits;
  const episodeStart = intro ? intro.end : 0;
  const episodeEnd = credits ? credits.start : end;
  if (intro) {
    push(0, intro.start, 'Cold open');
    push(intro.start, intro.end, 'Intro');
  }
  push(episodeStart, episodeEnd, 'Episode');
  if (credits) {
    push(credits.start, credits.end, 'Credits');
    push(credits.end, end, 'After credits');
  }
  return marks;
}
