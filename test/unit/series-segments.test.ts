import { describe, expect, it } from 'vitest';
import type { DetectionResult } from '../../src/fusion/detectionResult.js';
import { withSegments } from '../../src/series/seriesJoiner.js';

const result = (over: Partial<DetectionResult>): DetectionResult => ({
  id: 'e1',
  file: 'e1.mkv',
  duration: 300,
  mode: 'fused',
  intro: { start: 20, end: 50, confidence: 0.9 },
  credits: { start: 240, end: 290, confidence: 0.9 },
  probabilities: { intro: { from: 0, values: [] }, credits: { from: 225, values: [] } },
  threshold: { intro: 0.5, credits: 0.5 },
  ...over,
});

describe('the series step keeps the segments detection found', () => {
  const pieces = [
    { type: 'credits' as const, start: 240, end: 255, confidence: 0.9 },
    { type: 'credits' as const, start: 270, end: 290, confidence: 0.9 },
  ];

  it('credits in pieces around a mid-credits scene stay pieces, beside the recap it adds', () => {
    const r = result({
      segments: [{ type: 'intro', start: 20, end: 50, confidence: 0.9 }, ...pieces],
    });
    const recap = { type: 'recap' as const, start: 0, end: 15, confidence: 0.8 };
    expect(withSegments(r, [recap, null]).segments).toEqual([
      recap,
      { type: 'intro', start: 20, end: 50, confidence: 0.9 },
      ...pieces,
    ]);
  });

  it('pieces that no longer span the credits give way to the credits interval', () => {
    const r = result({
      credits: { start: 235, end: 290, confidence: 0.8 },
      segments: [{ type: 'intro', start: 20, end: 50, confidence: 0.9 }, ...pieces],
    });
    expect(withSegments(r, []).segments!.filter((s) => s.type === 'credits')).toEqual([
      { type: 'credits', start: 235, end: 290, confidence: 0.8 },
    ]);
  });

  it("a recap or preview of the model's heads stays where the series step finds none of that type, and gives way where it does", () => {
    const headRecap = { type: 'recap' as const, start: 0, end: 12, confidence: 0.7 };
    const headPreview = { type: 'preview' as const, start: 225, end: 238, confidence: 0.6 };
    const r = result({
      segments: [headRecap, { type: 'intro', start: 20, end: 50, confidence: 0.9 }, headPreview],
    });
    const matched = { type: 'recap' as const, start: 0, end: 15, confidence: 0.8 };
    expect(withSegments(r, [matched, null]).segments!.map((s) => [s.type, s.end])).toEqual([
      ['recap', 15],
      ['intro', 50],
      ['preview', 238],
      ['credits', 290],
    ]);
    expect(withSegments(r, [null, null]).segments!.filter((s) => s.type === 'recap')).toEqual([
      headRecap,
    ]);
  });
});
