import type { LabelledPart, PartType } from '../labels/types.js';
import type { EpisodePlan, Part } from './types.js';

/** The label type of each planned part; body scenes and the studio logo are not labelled. */
const TYPE_OF: Readonly<Record<Part['kind'], PartType | null>> = {
  recap: 'recap',
  coldopen: 'coldOpen',
  logo: null,
  intro: 'intro',
  body: null,
  preview: 'preview',
  credits: 'credits',
  midcredits: 'midCredits',
  postcredits: 'postCredits',
};

/**
 * An episode's labelled parts in time order, from its plan: adjacent parts of one type are
 * one part (a cold open of several scenes); credits interrupted by a mid-credits scene stay two
 * `credits` parts around it. Whole seconds, half-open.
 */
export function labelledParts(ep: EpisodePlan): LabelledPart[] {
  const out: LabelledPart[] = [];
  for (const p of ep.parts) {
    const type = TYPE_OF[p.kind];
    if (type === null) continue;
    const last = out.at(-1);
    if (last?.type === type && last.end === p.start) last.end = p.start + p.duration;
    else out.push({ type, start: p.start, end: p.start + p.duration });
  }
  return out;
}
