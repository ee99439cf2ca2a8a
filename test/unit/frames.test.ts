import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { NpyWriter } from '../../src/features/npyWriter.js';
import { frameTensor } from '../../src/vision/frameTensor.js';

describe('frameTensor', () => {
  it('packs RGB24 HWC frames into float32 NCHW scaled to [0, 1]', () => {
    const size = 2;
    const a = Uint8Array.from([255, 0, 0, 0, 255, 0, 0, 0, 255, 51, 102, 153]);
    const t = frameTensor([a, a], size);
    expect(t.length).toBe(2 * 3 * 4);
    expect(Array.from(t.subarray(0, 4)).map((v) => +v.toFixed(3))).toEqual([1, 0, 0, 0.2]); // R plane
    expect(Array.from(t.subarray(4, 8)).map((v) => +v.toFixed(3))).toEqual([0, 1, 0, 0.4]); // G plane
    expect(Array.from(t.subarray(8, 12)).map((v) => +v.toFixed(3))).toEqual([0, 0, 1, 0.6]); // B plane
    expect(Array.from(t.subarray(12))).toEqual(Array.from(t.subarray(0, 12)));
  });
  it('rejects a frame of the wrong size', () => {
    expect(() => frameTensor([new Uint8Array(10)], 2)).toThrow(/expected 12/);
  });
});

describe('NpyWriter', () => {
  it('writes a .npy whose header gives the final shape, readable by NumPy', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'npy-')), 'x.npy');
    const w = NpyWriter.create(path, '<f4', [3]);
    await w.write(Float32Array.from([1, 2, 3]));
    await w.write(Float32Array.from([4, 5, 6, 7, 8, 9]));
    await w.close();
    const bytes = readFileSync(path);
    expect(bytes.subarray(0, 6).toString('latin1')).toBe('\x93NUMPY');
    const headerLen = bytes.readUInt16LE(8);
    expect((10 + headerLen) % 64).toBe(0);
    expect(bytes.subarray(10, 10 + headerLen).toString('latin1')).toMatch(/'shape': \(3, 3\)/);
    const data = new Float32Array(
      bytes.buffer.slice(bytes.byteOffset + 10 + headerLen, bytes.byteOffset + bytes.length),
    );
    expect(Array.from(data)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    try {
      const out = execFileSync(
        '/usr/bin/python3',
        ['-c', `import numpy as n; a=n.load(${JSON.stringify(path)}); print(a.shape, a.sum())`],
        { encoding: 'utf8' },
      );
      expect(out.trim()).toBe('(3, 3) 45.0');
    } catch (e) {
      if ((e as { code?: string }).code !== 'ENOENT' && !String(e).includes('No module named'))
        throw e;
    }
  });
});
