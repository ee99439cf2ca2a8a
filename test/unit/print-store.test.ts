import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DetectionResult } from '../../src/fusion/detectionResult.js';
import { PrintStore } from '../../src/series/printStore.js';
import type { SecondPrint } from '../../src/series/secondPrint.js';
import type { PrintedEpisode } from '../../src/series/seriesJoiner.js';

/** An episode of `seconds` seconds whose every print is the unit vector along `axis`. */
function episode(file: string, seconds: number, axis: number): PrintedEpisode {
  const video = new Float32Array(8);
  video[axis] = 1;
  const prints: SecondPrint[] = Array.from({ length: seconds }, () => ({
    video,
    audio: null,
    audioLate: null,
  }));
  const values = Array<number>(seconds).fill(0.1);
  const result: DetectionResult = {
    id: 'e',
    file,
    duration: seconds,
    mode: 'vision',
    intro: null,
    credits: null,
    probabilities: { intro: { from: 0, values }, credits: { from: seconds, values: [] } },
    threshold: { intro: 0.5, credits: 0.5 },
  };
  return { result, prints };
}

describe('PrintStore: what a writer killed mid-put left behind', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'introdetect-printstore-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("a redo of an episode's put removes its own stale temporary copies, and no one else's", async () => {
    const store = new PrintStore(dir);
    await store.put(episode('/tv/show/e1.mkv', 5, 0));
    await store.put(episode('/tv/show/e2.mkv', 5, 1));
    const [folder] = readdirSync(dir);
    const inFolder = () => readdirSync(join(dir, folder!)).sort();
    // kill -9 during writeFileAtomic: the hidden copy is written, never renamed into place.
    writeFileSync(join(dir, folder!, '.e1.mkv.prints.0badc0de.tmp'), 'IDPR half');
    writeFileSync(join(dir, folder!, '.e1.mkv.prints.1234abcd.tmp'), '');
    // Another episode's leftover, and a file that only looks alike, are not e1's to remove.
    writeFileSync(join(dir, folder!, '.e2.mkv.prints.feedf00d.tmp'), '');
    writeFileSync(join(dir, folder!, '.e1.mkv.prints.notes.tmp'), 'kept');
    expect(inFolder()).toHaveLength(6);

    await store.put(episode('/tv/show/e1.mkv', 7, 2));

    expect(inFolder()).toEqual([
      '.e1.mkv.prints.notes.tmp',
      '.e2.mkv.prints.feedf00d.tmp',
      'e1.mkv.prints',
      'e2.mkv.prints',
    ]);
    // The redo's prints are whole and are the ones read back.
    const [e1] = await store.neighbours('/tv/show/e2.mkv', 1);
    expect(e1?.file).toBe('/tv/show/e1.mkv');
    expect(e1?.prints).toHaveLength(7);
    expect(Array.from(e1!.prints[0]!.video)).toEqual([0, 0, 1, 0, 0, 0, 0, 0]);
  });
});
