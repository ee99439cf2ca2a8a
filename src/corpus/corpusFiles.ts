import { formatTimecode } from '../labels/timecode.js';
import type { LabelsJsonEntry } from '../labels/types.js';
import { labelledParts } from './labelParts.js';
import type { CorpusPlan, Split } from './types.js';

/**
 * labels.json in the seeds' format plus credits, file, series, split and duration; a corpus
 * planned with `parts: 'all'` adds every labelled part (`parts`, H:MM:SS, in time order).
 * `credits_start`/`credits_end` span the whole end credits: from the first credits part to the
 * end of the last, a mid-credits scene between them included.
 */
export function labelsJson(plan: CorpusPlan): Record<string, LabelsJsonEntry> {
  const split = new Map(plan.series.map((s) => [s.id, s.split]));
  const out: Record<string, LabelsJsonEntry> = {};
  for (const ep of plan.episodes) {
    out[ep.id] = {
      name: ep.name,
      start: ep.intro ? formatTimecode(ep.intro.start) : null,
      end: ep.intro ? formatTimecode(ep.intro.end) : null,
      credits_start: ep.credits ? formatTimecode(ep.credits.start) : null,
      credits_end: ep.credits ? formatTimecode(ep.credits.end) : null,
      file: ep.file,
      series: ep.series,
      split: split.get(ep.series) ?? 'train',
      duration: ep.duration,
      ...(plan.options.parts === 'all'
        ? {
            parts: labelledParts(ep).map((p) => ({
              type: p.type,
              start: formatTimecode(p.start),
              end: formatTimecode(p.end),
            })),
          }
        : {}),
    };
  }
  return out;
}

/** splits.json: series ids and episode ids per split, with the rule that made it. */
export function splitsJson(plan: CorpusPlan): Record<string, unknown> {
  const splits: Record<Split, { series: string[]; episodes: string[] }> = {
    train: { series: [], episodes: [] },
    val: { series: [], episodes: [] },
    test: { series: [], episodes: [] },
  };
  for (const s of plan.series) {
    splits[s.split].series.push(s.id);
    splits[s.split].episodes.push(
      ...plan.episodes.filter((e) => e.series === s.id).map((e) => e.id),
    );
  }
  return {
    rule: 'by series: series shuffled with the seed; first max(1, round(20%)) → test, next max(1, round(15%)) → val, rest → train (1 series: train; 2: test + train)',
    seed: plan.options.seed,
    ...splits,
  };
}

/** manifest.json: the options, every series' design and every episode's parts with their sources. */
export function manifestJson(plan: CorpusPlan, mediaRoot: string): Record<string, unknown> {
  return {
    generator: 'introdetect corpus',
    version: 1,
    media: mediaRoot,
    options: plan.options,
    series: plan.series,
    episodes: plan.episodes.map((ep) => ({
      ...ep,
      parts: ep.parts.map((p) => ({ ...p, end: p.start + p.duration })),
    })),
  };
}
