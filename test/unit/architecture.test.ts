import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

// Imports flow one way: streams → audio / vision → features → fusion / eval → cli (STYLE.md §3).
const SRC = resolve(import.meta.dirname, '../../src');
const RANK: Record<string, number> = {
  'errors.ts': 0,
  util: 0.5,
  labels: 1,
  streams: 2,
  audio: 3,
  vision: 3,
  features: 4,
  corpus: 5,
  fusion: 5,
  eval: 5,
  series: 6,
  tuning: 6,
  live: 6,
  // The watcher runs detection, alone or with the series step.
  watch: 6.5,
  cli: 7,
  'index.ts': 8,
};

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
  });
}
const area = (file: string) => relative(SRC, file).split('/')[0]!;
const importsOf = (file: string) =>
  [...readFileSync(file, 'utf8').matchAll(/^(?:import|export)[^'"]*from\s+'([^']+)'/gm)].map(
    (m) => m[1]!,
  );

describe('module boundaries', () => {
  const all = files(SRC);

  it('every source file belongs to a known area', () => {
    expect(all.map(area).filter((a) => RANK[a] === undefined)).toEqual([]);
  });

  it('imports only flow from lower layers to higher ones (no audio ↔ vision, no streams → features …)', () => {
    const wrong: string[] = [];
    for (const file of all) {
      for (const spec of importsOf(file).filter((s) => s.startsWith('.'))) {
        const target = resolve(dirname(file), spec.replace(/\.js$/, '.ts'));
        const [from, to] = [area(file), area(target)];
        if (from !== to && !(RANK[to]! < RANK[from]!))
          wrong.push(`${relative(SRC, file)} → ${relative(SRC, target)}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('only one module imports onnxruntime-node', () => {
    const users = all
      .filter((f) => importsOf(f).includes('onnxruntime-node'))
      .map((f) => relative(SRC, f));
    expect(users.length).toBeLessThanOrEqual(1);
  });
});
