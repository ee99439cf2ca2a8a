import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { FileSignature } from '../../src/watch/fileSignature.js';
import { StabilityTracker } from '../../src/watch/stabilityTracker.js';

const sig = (size: number, mtime = 1, ino = 7): FileSignature => ({
  size: String(size),
  mtimeNs: String(mtime),
  ino: String(ino),
});

describe('StabilityTracker', () => {
  it('settles a file once size, mtime and inode stay unchanged for the settle time', () => {
    const t = new StabilityTracker(1000);
    expect(t.observe('a', sig(10), 0)).toBe(false);
    expect(t.observe('a', sig(10), 999)).toBe(false);
    expect(t.observe('a', sig(10), 1000)).toBe(true);
  });

  it('restarts the clock while a copy grows the file, or touches it, or replaces it', () => {
    const t = new StabilityTracker(1000);
    t.observe('a', sig(10), 0);
    expect(t.observe('a', sig(20), 900)).toBe(false); // grew
    expect(t.observe('a', sig(20), 1800)).toBe(false); // 900 ms since the change
    expect(t.observe('a', sig(20, 2), 1900)).toBe(false); // mtime changed, same size
    expect(t.observe('a', sig(20, 2, 8), 2950)).toBe(false); // replaced (new inode)
    expect(t.observe('a', sig(20, 2, 8), 3950)).toBe(true);
    expect(t.remaining('a', 3950)).toBe(0);
  });

  it('with a settle time of 0, a file is settled on first sight', () => {
    expect(new StabilityTracker(0).observe('a', sig(1), 5)).toBe(true);
  });

  it('forgets files that disappeared', () => {
    const t = new StabilityTracker(1000);
    t.observe('a', sig(1), 0);
    t.observe('b', sig(1), 0);
    t.retain(new Set(['b']));
    expect(t.size).toBe(1);
    expect(t.observe('a', sig(1), 5000)).toBe(false); // seen anew
  });

  it('property: settled exactly when the last change is at least settleMs old', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 500 }),
        fc.array(
          fc.record({ dt: fc.integer({ min: 0, max: 300 }), size: fc.integer({ min: 0, max: 3 }) }),
          {
            minLength: 1,
            maxLength: 40,
          },
        ),
        (settle, steps) => {
          const t = new StabilityTracker(settle);
          let now = 0;
          let last: number | undefined;
          let since = 0;
          for (const { dt, size } of steps) {
            now += dt;
            if (last !== size) {
              last = size;
              since = now;
            }
            expect(t.observe('f', sig(size), now)).toBe(now - since >= settle);
          }
        },
      ),
    );
  });
});
