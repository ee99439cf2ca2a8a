import { describe, expect, it } from 'vitest';
import { detectionOptionsFrom, type DetectionFlags } from '../../src/cli/options.js';

// The detection and output flags that watch, worker and serve share, as they become options.
const NONE: DetectionFlags = { threads: 2, passes: 1, sidecar: false };

describe('detectionOptionsFrom', () => {
  it('leaves the output to each command’s default when no output flag is given', () => {
    expect(detectionOptionsFrom(NONE)).toEqual({
      detect: { intraOpThreads: 2, passes: 1 },
      output: undefined,
    });
  });

  it('--refine alone is a whole output setting: json results, no sidecars, to the frame', () => {
    expect(detectionOptionsFrom({ ...NONE, refine: true }).output).toEqual({
      formats: ['json'],
      sidecars: [],
      refine: true,
    });
  });

  it('another output flag without --refine writes whole seconds', () => {
    const { output } = detectionOptionsFrom({ ...NONE, format: 'json,edl', sidecar: true });
    expect(output).toEqual({ formats: ['json', 'edl'], sidecars: ['edl'] });
    expect(output).not.toHaveProperty('refine');
  });
});
