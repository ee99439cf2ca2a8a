import type { DetectionResult } from '../detectionResult.js';

/**
 * Kodi EDL actions: 0 cut (removed from the timeline), 1 mute, 2 scene marker (seek points
 * only), 3 commercial break (skipped automatically once; seeking back re-enters it). 3 suits a
 * detected intro or credits: skipped, but still there if the detector was wrong.
 */
export type EdlAction = 0 | 1 | 2 | 3;
const EDL_COMMERCIAL_BREAK: EdlAction = 3;

/**
 * Kodi / MPlayer EDL: one `start<TAB>end<TAB>action` line per detected interval, seconds with
 * millisecond precision. Kodi reads `<video name>.edl` next to the video. No intervals → "".
 */
export function formatEdl(result: DetectionResult, options: { action?: EdlAction } = {}): string {
  const action = options.action ?? EDL_COMMERCIAL_BREAK;
  return [result.intro, result.credits]
    .filter((i) => i !== null)
    .map((i) => `${seconds(i.start)}\t${seconds(i.end)}\t${action}\n`)
    .join('');
}

const seconds = (s: number) => s.toFixed(3);
