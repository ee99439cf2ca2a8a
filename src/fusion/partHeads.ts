import { decideTrack, type Track } from './decide.js';
import { PART_HEAD_SPAN, partHeadDefaults, type Target } from './decisionConfig.js';
import type { DetectedSegment } from './detectionResult.js';
import type { ModelConfig } from './modelConfig.js';

/**
 * The recaps and previews a model's part heads find (issue 16): each head's channel over the
 * searched span it belongs to (a recap: the intro's, at the head of the file; a preview: the
 * credits'), decided as the intro and credits are, with the head's decision block or the
 * part-head defaults. `trackOf(target, channel)`: one channel's probabilities over that
 * target's searched span. A model without part heads finds none.
 */
export function partHeadSegments(
  config: Pick<ModelConfig, 'channels' | 'decision'>,
  trackOf: (target: Target, channel: number) => Track,
): DetectedSegment[] {
  const out: DetectedSegment[] = [];
  for (const [channel, head] of config.channels.entries()) {
    if (head === 'intro' || head === 'credits') continue;
    const hit = decideTrack(
      trackOf(PART_HEAD_SPAN[head], channel),
      config.decision[head] ?? partHeadDefaults(head),
    );
    if (hit) out.push({ type: head, ...hit.interval });
  }
  return out;
}
