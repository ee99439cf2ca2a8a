import { InvalidArgumentError } from '../../errors.js';
import type { DetectionResult } from '../detectionResult.js';
import { SEGMENT_KINDS, segmentsOf, type SegmentKind } from './segments.js';

/**
 * Kodi EDL actions: 0 cut (removed from the timeline), 1 mute, 2 scene marker (seek points
 * only), 3 commercial break (skipped automatically once; seeking back re-enters it). 3 suits a
 * detected intro or credits: skipped, but still there if the detector was wrong.
 */
export type EdlAction = 0 | 1 | 2 | 3;
const EDL_COMMERCIAL_BREAK: EdlAction = 3;

/** The action of each segment kind; kinds left out get 3 (commercial break). */
export type EdlActions = Partial<Record<SegmentKind, EdlAction>>;

/**
 * `intro=3,credits=0` → `{ intro: 3, credits: 0 }`. Every kind of {@link SEGMENT_KINDS} may be
 * named, each once, with an action 0–3.
 */
export function parseEdlActions(text: string): EdlActions {
  const actions: EdlActions = {};
  for (const part of text.split(',')) {
    const m = /^\s*([a-z]+)\s*=\s*([0-3])\s*$/.exec(part);
    const kind = m?.[1] as SegmentKind | undefined;
    if (!m || kind === undefined || !SEGMENT_KINDS.includes(kind)) {
      throw new InvalidArgumentError(
        `Bad EDL action "${part.trim()}": write kind=action, e.g. intro=3,credits=3, with kind one of ${SEGMENT_KINDS.join(', ')} and action 0 (cut), 1 (mute), 2 (scene marker) or 3 (commercial break).`,
      );
    }
    if (actions[kind] !== undefined)
      throw new InvalidArgumentError(`EDL action for ${kind} given twice in "${text}".`);
    actions[kind] = Number(m[2]) as EdlAction;
  }
  return actions;
}

/**
 * Kodi / MPlayer EDL: one `start<TAB>end<TAB>action` line per detected segment, seconds with
 * millisecond precision, the action chosen by the segment's kind. Kodi reads `<video name>.edl`
 * next to the video. No segments → "".
 */
export function formatEdl(result: DetectionResult, options: { actions?: EdlActions } = {}): string {
  return segmentsOf(result)
    .map((s) => {
      const action = options.actions?.[s.kind] ?? EDL_COMMERCIAL_BREAK;
      return `${seconds(s.start)}\t${seconds(s.end)}\t${action}\n`;
    })
    .join('');
}

const seconds = (s: number) => s.toFixed(3);
