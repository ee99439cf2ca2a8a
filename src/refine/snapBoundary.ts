import type { BoundaryCues, FrameCue } from './boundaryCues.js';

/** What moved a boundary to the frame, or why it stayed. */
export type SnapCue = 'cut' | 'black' | 'silence' | 'none';

export interface SnappedBoundary {
  /** Seconds, to the frame (the first frame of what follows the boundary). */
  time: number;
  cue: SnapCue;
}

/** How far from the expected place a cue is taken (s): what `refineResult` decodes each side. */
export const DEFAULT_REACH = 1.5;

export interface SnapOptions {
  /** Where the truth is expected, relative to the whole-second boundary (s, default 0). */
  centre?: number;
  /** Cues farther than this from the expected place are not taken (s, default 1.5). */
  reach?: number;
  /** A frame's change that counts as a cut, at least (mean |Δluma|, default 0.06) … */
  minCut?: number;
  /** … and at least this many times the window's median change (default 4). */
  cutContrast?: number;
  /** A frame this dark (share of pixels under 10 % luma) is black (default 0.98). */
  blackShare?: number;
  /** Audio below this is silence (dBFS, default −50). */
  silenceDb?: number;
}

interface Candidate {
  time: number;
  cue: SnapCue;
  /** How clearly it is a boundary, in [0, 1]. */
  strength: number;
}

/**
 * Moves a boundary found on whole seconds (`t`) to the frame where the picture or sound
 * actually changes: the strongest shot cut, or edge of a black stretch, near where the truth is
 * expected, weighed by its distance from there; failing both, the edge of a silence. A
 * boundary with no clear cue within reach stays where it was (`cue: 'none'`). Pure: the cues
 * come from `boundaryCues`.
 */
export function snapBoundary(
  t: number,
  cues: BoundaryCues,
  options: SnapOptions = {},
): SnappedBoundary {
  const {
    centre = 0,
    reach = DEFAULT_REACH,
    minCut = 0.06,
    cutContrast = 4,
    blackShare = 0.98,
    silenceDb = -50,
  } = options;
  const expected = t + centre;
  const near = (c: Candidate) => Math.abs(c.time - expected) <= reach + 1e-9;
  const weigh = (c: Candidate) =>
    c.strength * (1 - 0.5 * Math.min(1, Math.abs(c.time - expected) / reach));
  const visual = [
    ...cuts(cues.frames, minCut, cutContrast),
    ...blackEdges(cues.frames, blackShare),
  ].filter(near);
  const best =
    strongest(visual, weigh) ?? strongest(silenceEdges(cues, silenceDb).filter(near), weigh);
  return best ? { time: round3(best.time), cue: best.cue } : { time: t, cue: 'none' };
}

function strongest(
  candidates: readonly Candidate[],
  weigh: (c: Candidate) => number,
): Candidate | undefined {
  let best: Candidate | undefined;
  for (const c of candidates) if (!best || weigh(c) > weigh(best)) best = c;
  return best;
}

/** Frames whose change from the one before stands out: the first frame of a new shot. */
function cuts(frames: readonly FrameCue[], minCut: number, contrast: number): Candidate[] {
  const changes = frames.slice(1).map((f) => f.change);
  if (changes.length === 0) return [];
  const typical = medianOf(changes);
  const out: Candidate[] = [];
  for (let i = 1; i < frames.length; i++) {
    const c = frames[i]!.change;
    const isPeak = c >= frames[i - 1]!.change && c >= (frames[i + 1]?.change ?? 0);
    if (isPeak && c >= minCut && c >= contrast * typical) {
      out.push({ time: frames[i]!.t, cue: 'cut', strength: Math.min(1, c / 0.25) });
    }
  }
  return out;
}

/** The first frame after each change between black and picture. */
function blackEdges(frames: readonly FrameCue[], blackShare: number): Candidate[] {
  const out: Candidate[] = [];
  for (let i = 1; i < frames.length; i++) {
    const was = frames[i - 1]!.dark >= blackShare;
    const is = frames[i]!.dark >= blackShare;
    if (was !== is) out.push({ time: frames[i]!.t, cue: 'black', strength: 0.8 });
  }
  return out;
}

/** The first audio step after each change between silence and sound. */
function silenceEdges(cues: BoundaryCues, silenceDb: number): Candidate[] {
  const out: Candidate[] = [];
  const db = cues.audioDb;
  for (let i = 1; i < db.length; i++) {
    if (db[i - 1]! < silenceDb !== db[i]! < silenceDb) {
      out.push({ time: cues.from + i * cues.audioStep, cue: 'silence', strength: 0.5 });
    }
  }
  return out;
}

function medianOf(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** Seconds rounded to the millisecond (how refined times are given). */
export function round3(v: number): number {
  return Math.round(v * 1000) / 1000;
}
