import { InvalidArgumentError } from '../../errors.js';
import type { DetectionResult } from '../detectionResult.js';
import { SEGMENT_KINDS, segmentsOfResult, type SegmentKind } from './segments.js';

/**
 * Kodi EDL actions: 0 cut (removed from the timeline), 1 mute, 2 scene marker (seek points
 * only), 3 commercial break (skipped automatically once; seeking back re-enters it). 3 suits a
 * detected intro or credits: skipped, but still there if the detector was wrong.
 */
export type EdlAction = 0 | 1 | 2 | 3;

/** The action of each segment kind; a kind left out takes its default. */
export type EdlActions = Partial<Record<SegmentKind, EdlAction>>;

/**
 * What each kind gets unless told otherwise: the parts a viewer skips (intro, credits, recap,
 * preview, commercial) a commercial break (3); a cold open and a post-credits scene are the
 * episode itself, so they get no EDL line unless an action is given for them
 * (`coldOpen=2` marks them as scenes).
 */
const DEFAULT_EDL_ACTIONS: Readonly<EdlActions> = Object.freeze({
  intro: 3,
  credits: 3,
  recap: 3,
  preview: 3,
  commercial: 3,
});

/**
 * `intro=3,credits=0` → `{ intro: 3, credits: 0 }`. Every kind of {@link SEGMENT_KINDS} may be
 * named, each once, with an action 0–3.
 */
export function parseEdlActions(text: string): EdlActions {
  const actions: EdlActions = {};
  for (const part of text.split(',')) {
    const m = /^\s*([A-Za-z]+)\s*=\s*([0-3])\s*$/.exec(part);
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
 * Kodi / MPlayer EDL: one `start<TAB>end<TAB>action` line per segment (`segmentsOfResult`, in
 * time order), seconds with millisecond precision, the action chosen by the segment's type
 * (`options.actions`, else {@link DEFAULT_EDL_ACTIONS}; a type with neither gets no line). Kodi
 * reads `<video name>.edl` next to the video. No segments → "".
 */
export function formatEdl(result: DetectionResult, options: { actions?: EdlActions } = {}): string {
  return segmentsOfResult(result)
    .map((s) => {
      const action = options.actions?.[s.type] ?? DEFAULT_EDL_ACTIONS[s.type];
      return action === undefined ? '' : `${seconds(s.start)}\t${seconds(s.end)}\t${action}\n`;
    })
    .join('');
}

const seconds = (s: number) => s.toFixed(3);
