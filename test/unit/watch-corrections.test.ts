import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DetectionResult } from '../../src/fusion/detectionResult.js';
import { parseLabelsText } from '../../src/labels/readLabels.js';
import {
  applyCorrection,
  CorrectionStore,
  parseLabelSplit,
  uncorrected,
  type Correction,
} from '../../src/watch/corrections.js';
import { addPreview, writtenResults } from '../../src/watch/episodeOutput.js';
import { StateStore } from '../../src/watch/stateStore.js';

// Corrections as data: how one replaces a detection, and how they are exported as labels.
const detected: DetectionResult = {
  id: 'ep1',
  file: '/lib/Show/S1/ep1.mkv',
  duration: 600,
  mode: 'fused',
  intro: { start: 40, end: 70, confidence: 0.81 },
  credits: { start: 560, end: 600, confidence: 0.9 },
  probabilities: { intro: { from: 0, values: [0.1, 0.2] }, credits: { from: 450, values: [0.3] } },
  threshold: { intro: 0.4, credits: 0.2 },
  repeated: [{ start: 41, end: 70 }],
};
const at = '2026-12-01T00:00:00.000Z';

describe('applyCorrection', () => {
  it('replaces the corrected segments, keeps the detected ones it replaced, and never stacks', () => {
    const fix: Correction = { intro: { start: 38, end: 71 }, savedAt: at };
    const once = applyCorrection(detected, fix);
    expect(once.intro).toEqual({ start: 38, end: 71, confidence: 1 });
    // Credits absent from the correction: the detection's stay.
    expect(once.credits).toEqual(detected.credits);
    expect(once.corrected).toEqual({
      savedAt: at,
      intro: true,
      credits: false,
      detected: { intro: detected.intro, credits: detected.credits },
    });
    expect(once.probabilities).toEqual(detected.probabilities);
    expect(once.repeated).toEqual(detected.repeated);
    // A second correction applies to the detection, not to the first correction.
    const twice = applyCorrection(once, { intro: null, credits: null, savedAt: at });
    expect(twice.intro).toBeNull();
    expect(twice.credits).toBeNull();
    expect(twice.corrected!.detected).toEqual({ intro: detected.intro, credits: detected.credits });
    expect(uncorrected(twice)).toEqual(detected);
    // No correction: the detection as it was.
    expect(applyCorrection(twice, undefined)).toEqual(detected);
  });
});

describe('CorrectionStore', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'introdetect-corrections-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('exports labels with the split of each correction, the store default otherwise', async () => {
    const store = new CorrectionStore(join(dir, 'c.json'), { defaultSplit: 'val' });
    await store.save('Show/S1/ep1.mkv', { intro: { start: 4, end: 39.5 }, credits: null });
    await store.save('Show/S1/ep2.mkv', { intro: null, split: 'test' });
    await store.save('top.mp4', { intro: { start: 1, end: 2 } });
    const labels = parseLabelsText(await store.labelsJson(), 'labels.json').labels;
    expect(labels.map((l) => [l.id, l.split, l.series, l.file])).toEqual([
      ['Show/S1/ep1', 'val', 'Show/S1', 'Show/S1/ep1.mkv'],
      ['Show/S1/ep2', 'test', 'Show/S1', 'Show/S1/ep2.mkv'],
      ['top', 'val', 'top', 'top.mp4'],
    ]);
    expect(labels[0]).toMatchObject({ intro: { start: 4, end: 39.5 }, credits: null });
    expect(labels[1]!.credits).toBeUndefined();
    // Without a store default: train.
    const plain = new CorrectionStore(join(dir, 'c.json'));
    await plain.save('Show/S1/ep3.mkv', { intro: null });
    expect(JSON.parse(readFileSync(join(dir, 'c.json'), 'utf8'))).toMatchObject({
      corrections: { 'Show/S1/ep3.mkv': { split: 'train' } },
    });
  });

  it('refuses a split that is not train, val or test', () => {
    expect(() => parseLabelSplit('holdout')).toThrow(/Valid: train, val, test/);
    const store = new CorrectionStore(join(dir, 'c.json'));
    expect(() => store.save('a.mkv', { intro: null, split: 'dev' as 'val' })).toThrow(/"dev"/);
  });
});

describe('addPreview: a preview found once the next episode is in', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'introdetect-add-preview-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  /** A library with ep1 written by the watcher (json + edl), and a reviewer's intro for it. */
  async function library() {
    const root = join(dir, 'lib');
    mkdirSync(join(root, 'Show'), { recursive: true });
    const statePath = join(root, '.introdetect-watch.json');
    const json = join(root, 'Show/ep1.intro.json');
    const edl = join(root, 'Show/ep1.intro.edl');
    const corrections = new CorrectionStore(join(root, '.introdetect-watch.corrections.json'));
    await corrections.save('Show/ep1.mkv', { intro: { start: 38, end: 71 } });
    writeFileSync(
      json,
      JSON.stringify(applyCorrection(detected, await corrections.get('Show/ep1.mkv'))),
    );
    const state = await StateStore.open(statePath, root);
    state.set('Show/ep1.mkv', {
      size: '1',
      mtimeNs: '1',
      ino: '1',
      status: 'done',
      attempts: 1,
      lastError: null,
      errorCode: null,
      permanent: false,
      nextAttemptAt: null,
      results: [json, edl],
      staged: [],
      updatedAt: at,
      elapsedMs: 1,
    });
    await state.save();
    await state.dispose();
    return { location: { root, statePath }, json, edl, corrections };
  }

  it('adds it to every result file, keeps the correction, and leaves a known preview alone', async () => {
    const { location, json, edl, corrections } = await library();
    const preview = { type: 'preview' as const, start: 580, end: 600, confidence: 0.9 };
    const settings = { formats: ['json' as const, 'edl' as const], sidecars: [] };
    const ep1 = (await writtenResults(location, 'Show/ep1.mkv'))!;
    const written = await addPreview(ep1, preview, { settings, corrections });
    expect(written).toEqual([json, edl]);
    const result = JSON.parse(readFileSync(json, 'utf8')) as ReturnType<typeof applyCorrection>;
    expect(result.intro).toEqual({ start: 38, end: 71, confidence: 1 });
    expect(result.segments?.map((x) => [x.type, x.start, x.end])).toEqual([
      ['intro', 38, 71],
      ['credits', 560, 600],
      ['preview', 580, 600],
    ]);
    // The detection under the correction has it too: a later correction keeps it.
    expect(uncorrected(result).segments?.some((x) => x.type === 'preview')).toBe(true);
    expect(readFileSync(edl, 'utf8')).toMatch(/^580(\.0+)?\s+600(\.0+)?\s+3$/m);
    // Found again (the next episode detected once more): nothing to write.
    expect(await addPreview(ep1, preview, { settings, corrections })).toEqual([]);
    // An episode the watcher has not written: nothing to rewrite.
    expect(await writtenResults(location, 'Show/ep2.mkv')).toBeUndefined();
  });
});
