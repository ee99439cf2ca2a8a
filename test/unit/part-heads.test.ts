import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Track } from '../../src/fusion/decide.js';
import { DEFAULT_DECISION, parseDecision } from '../../src/fusion/decisionConfig.js';
import { loadModelConfig } from '../../src/fusion/modelConfig.js';
import { partHeadSegments } from '../../src/fusion/partHeads.js';

/** A vision model folder whose model.json names these sequence channels (files empty). */
function modelDir(channels?: unknown): string {
  const dir = mkdtempSync(join(tmpdir(), 'introdetect-heads-'));
  for (const f of ['vision-encoder.onnx', 'sequence.onnx']) writeFileSync(join(dir, f), '');
  const sequence = channels === undefined ? {} : { channels };
  writeFileSync(join(dir, 'model.json'), JSON.stringify({ mode: 'vision', inputs: { sequence } }));
  return dir;
}

/** A track of `length` seconds from `from`, 0.9 on [a, b) of the file, 0.05 elsewhere. */
function runTrack(from: number, length: number, a: number, b: number): Track {
  return {
    from,
    values: Array.from({ length }, (_, i) => (from + i >= a && from + i < b ? 0.9 : 0.05)),
  };
}

describe('recaps and previews from the models’ own heads', () => {
  const decision = parseDecision(
    { recap: { threshold: 0.6 }, preview: { threshold: 0.5 } },
    'model.json',
  );

  it('decides each head over its own searched span and reports file seconds', () => {
    const asked: Array<[string, number]> = [];
    const segments = partHeadSegments(
      { channels: ['intro', 'credits', 'recap', 'preview'], decision },
      (target, channel) => {
        asked.push([target, channel]);
        return target === 'intro' ? runTrack(0, 300, 4, 40) : runTrack(900, 300, 1100, 1130);
      },
    );
    expect(asked).toEqual([
      ['intro', 2],
      ['credits', 3],
    ]);
    expect(segments.map((s) => [s.type, s.start, s.end])).toEqual([
      ['recap', 4, 40],
      ['preview', 1100, 1130],
    ]);
    expect(segments[0]!.confidence).toBeCloseTo(0.9);
  });

  it('finds nothing with a model that has no part heads, or where a head stays low', () => {
    const never = () => {
      throw new Error('no channel to read');
    };
    expect(partHeadSegments({ channels: ['intro', 'credits'], decision }, never)).toEqual([]);
    expect(
      partHeadSegments({ channels: ['intro', 'credits', 'recap'], decision }, () =>
        runTrack(0, 100, 0, 0),
      ),
    ).toEqual([]);
  });

  it('uses the part-head defaults where model.json has no block for a head: short parts count', () => {
    const plain = parseDecision({}, 'model.json');
    expect(plain.recap).toBeUndefined();
    const [recap] = partHeadSegments(
      { channels: ['intro', 'credits', 'recap'], decision: plain },
      () => runTrack(0, 200, 10, 14),
    );
    expect(recap).toMatchObject({ type: 'recap', start: 10, end: 14 });
    // the intro's default would drop a 4-s run (minLength 5)
    expect(DEFAULT_DECISION.intro.minLength).toBeGreaterThan(4);
  });

  it('rejects a head block with an invalid field, naming it', () => {
    expect(() => parseDecision({ preview: { threshold: 2 } }, 'm/model.json')).toThrow(
      /m\/model.json: decision.preview.threshold must be a number in \[0, 1\)/,
    );
  });

  it('reads the heads from model.json: intro and credits first, then recap and preview', () => {
    expect(loadModelConfig(modelDir()).channels).toEqual(['intro', 'credits']);
    expect(loadModelConfig(modelDir(['intro', 'credits', 'recap', 'preview'])).channels).toEqual([
      'intro',
      'credits',
      'recap',
      'preview',
    ]);
    for (const bad of [
      ['credits', 'intro'],
      ['intro', 'credits', 'coldOpen'],
      ['intro', 'credits', 'recap', 'recap'],
    ])
      expect(() => loadModelConfig(modelDir(bad))).toThrow(/inputs.sequence.channels.*re-export/);
  });
});
