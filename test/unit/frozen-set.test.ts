import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  assertFrozen,
  buildCommand,
  checkFrozen,
  freezeCorpus,
  parseFrozenRecord,
} from '../../src/corpus/frozenSet.js';
import { FrozenSetMismatchError, InvalidArgumentError } from '../../src/errors.js';

/** A corpus folder as `introdetect corpus` leaves it (files stand in for episodes). */
function corpusFolder(): string {
  const dir = mkdtempSync(join(tmpdir(), 'introdetect-frozen-'));
  const options = { seed: 9, series: 1, episodes: 2, minMinutes: 20, maxMinutes: 45, use: 'eval' };
  writeFileSync(
    join(dir, 'corpus.json'),
    JSON.stringify({ generator: 'introdetect corpus', options }),
  );
  const labels = {
    s01e01: { file: 's01/s01e01.mkv', start: '0:01:00', end: '0:02:30', credits_start: '0:40:00' },
    s01e02: { file: 's01/s01e02.mkv', start: null, end: null, credits_start: '0:39:00' },
  };
  writeFileSync(join(dir, 'labels.json'), JSON.stringify(labels));
  writeFileSync(join(dir, 'manifest.json'), '{}');
  writeFileSync(join(dir, 'splits.json'), '{}');
  mkdirSync(join(dir, 's01'));
  writeFileSync(join(dir, 's01/s01e01.mkv'), 'episode one');
  writeFileSync(join(dir, 's01/s01e02.mkv'), 'episode two');
  return dir;
}

describe('a frozen evaluation set', () => {
  let dir: string;
  beforeAll(() => {
    dir = corpusFolder();
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('records the build command, the label counts and a sha256 per file', async () => {
    const record = await freezeCorpus(dir, '.cache/eval');
    expect(record.build).toBe(
      'introdetect corpus --media POOL --out .cache/eval --seed 9 --series 1 --episodes 2 --min-minutes 20 --max-minutes 45 --use eval',
    );
    expect(record.labels).toMatchObject({ episodes: 2, intros: 1, credits: 2 });
    expect(Object.keys(record.files)).toEqual([
      'corpus.json',
      'labels.json',
      'manifest.json',
      'splits.json',
      's01/s01e01.mkv',
      's01/s01e02.mkv',
    ]);
    expect(record.files['s01/s01e01.mkv']).toBe(
      createHash('sha256').update('episode one').digest('hex'),
    );
    expect(record.files['s01/s01e01.mkv']).toMatch(/^[0-9a-f]{64}$/);
    expect(record.files['s01/s01e01.mkv']).not.toBe(record.files['s01/s01e02.mkv']);
    expect(parseFrozenRecord(JSON.stringify(record), 'r.json')).toEqual(record);
  });

  it('passes the check while nothing changed, and names what changed or went missing', async () => {
    const record = await freezeCorpus(dir, '.cache/eval');
    await expect(assertFrozen(dir, record)).resolves.toBeUndefined();
    writeFileSync(join(dir, 's01/s01e02.mkv'), 'episode two, re-encoded');
    expect(await checkFrozen(dir, record)).toEqual({
      labelsMatch: true,
      changed: ['s01/s01e02.mkv'],
      missing: [],
    });
    writeFileSync(join(dir, 'labels.json'), '{}');
    unlinkSync(join(dir, 's01/s01e01.mkv'));
    const err = await assertFrozen(dir, record).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FrozenSetMismatchError);
    expect((err as FrozenSetMismatchError).message).toMatch(
      /labels.json differs .*missing s01\/s01e01.mkv; changed labels.json, s01\/s01e02.mkv/,
    );
    expect((err as FrozenSetMismatchError).exitCode).toBe(15);
  });

  it('refuses to freeze a set with episodes missing, or to read what is not a record', async () => {
    const partial = corpusFolder();
    unlinkSync(join(partial, 's01/s01e02.mkv'));
    await expect(freezeCorpus(partial, 'x')).rejects.toThrow(
      /1 file\(s\) missing \(s01\/s01e02.mkv\)/,
    );
    rmSync(partial, { recursive: true, force: true });
    expect(() => parseFrozenRecord('{"format":"other"}', 'r.json')).toThrow(InvalidArgumentError);
  });

  it('writes kebab-case options in the build command', () => {
    expect(buildCommand({ maxWidth: 640, profile: 'broadcast' }, 'o')).toBe(
      'introdetect corpus --media POOL --out o --max-width 640 --profile broadcast',
    );
  });
});
