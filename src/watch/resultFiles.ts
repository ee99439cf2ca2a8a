import { randomBytes } from 'node:crypto';
import { mkdir, rm } from 'node:fs/promises';
import { basename, dirname, extname, join, relative, resolve, sep } from 'node:path';
import { InvalidArgumentError } from '../errors.js';
import { fsyncDir, move, pathExists, replaceWith, writeDurable } from '../util/atomicFile.js';
import type { ProcessOutput } from './processFile.js';
import type { StagedResult } from './stateStore.js';

export interface ResultLayout {
  /** The watched folder. */
  root: string;
  /** Where results go, mirroring the folders under root; undefined: next to each input. */
  outDir?: string | undefined;
}

/**
 * `Show/S1/ep1.mkv` → `<out or root>/Show/S1/ep1`; a result's path is this plus `.suffix`
 * (`ep1.edl` is where Kodi looks). With `keepExtension`: `<…>/Show/S1/ep1.mkv`.
 */
function resultBase(layout: ResultLayout, key: string, keepExtension = false): string {
  const parts = key.split('/');
  const name = parts.pop() ?? key;
  return join(
    layout.outDir ?? layout.root,
    ...parts,
    keepExtension ? name : basename(name, extname(name)),
  );
}

/**
 * The result base of `key` that no other known file uses: `ep1.mp4` and `ep1.mkv` in one
 * folder would both write `ep1.intro.json`, so a file whose plain base is already another
 * known file's keeps its extension (`ep1.mp4.intro.json`). Results already written under a
 * name are never taken over.
 */
export function uniqueResultBase(
  layout: ResultLayout,
  key: string,
  others: Iterable<string>,
): string {
  const plain = resultBase(layout, key);
  for (const other of others) {
    if (other !== key && resultBase(layout, other) === plain) return resultBase(layout, key, true);
  }
  return plain;
}

function checkSuffix(suffix: string): void {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(suffix) || suffix.includes('..')) {
    throw new InvalidArgumentError(
      `The processor returned a result named "${suffix}"; result names are suffixes like intro.json.`,
    );
  }
}

/**
 * Puts every result next to its final path under a hidden temporary name (written and
 * fsynced, or moved from the scratch folder). Nothing is visible under a final name yet.
 */
export async function stageResults(output: ProcessOutput, base: string): Promise<StagedResult[]> {
  const staged: StagedResult[] = [];
  const dir = dirname(base);
  await mkdir(dir, { recursive: true });
  const tag = randomBytes(4).toString('hex');
  try {
    for (const [suffix, content] of Object.entries(output)) {
      checkSuffix(suffix);
      const to = `${base}.${suffix}`;
      const from = join(dir, `.${basename(to)}.${tag}.staged`);
      staged.push({ from, to });
      if (typeof content === 'string' || content instanceof Uint8Array) {
        await writeDurable(from, content);
      } else {
        await move(content.path, from);
      }
    }
    await fsyncDir(dir);
  } catch (err) {
    await discardStaged(staged);
    throw err;
  }
  return staged;
}

/**
 * Renames staged results to their final names. Idempotent: after a crash halfway, calling it
 * again finishes the renames that are left (a missing `from` was already renamed).
 */
export async function commitStaged(staged: readonly StagedResult[]): Promise<void> {
  const dirs = new Set<string>();
  for (const { from, to } of staged) {
    if (!(await pathExists(from))) continue;
    await replaceWith(from, to);
    dirs.add(dirname(to));
  }
  for (const dir of dirs) await fsyncDir(dir);
}

export async function discardStaged(staged: readonly StagedResult[]): Promise<void> {
  await Promise.all(staged.map(({ from }) => rm(from, { recursive: true, force: true })));
}

const isUrl = (input: string) => /^[a-z][a-z0-9+.-]*:\/\//i.test(input);

/**
 * Where `detect -o DIR` puts each local input's results: DIR mirrors the folders below the
 * inputs' deepest common folder, so `Show A/S01E01.mkv` and `Show B/S01E01.mkv` become
 * `DIR/Show A/S01E01` and `DIR/Show B/S01E01` (inputs of one folder stay flat in DIR). Two inputs
 * of one folder with one stem (`ep1.mkv`, `ep1.mp4`) never share a base: the second keeps its
 * extension (`ep1.mp4`), as in `watch`. URLs are left out (their results go by id in DIR).
 * Input (as given) → base, to which a result's extension is appended.
 */
export function mirroredOutBases(inputs: readonly string[], outDir: string): Map<string, string> {
  const local = [...new Set(inputs.filter((i) => !isUrl(i)))];
  const dirs = local.map((i) => dirname(resolve(i)).split(sep));
  let common = dirs[0] ?? [];
  for (const d of dirs.slice(1)) {
    let n = 0;
    while (n < common.length && n < d.length && common[n] === d[n]) n++;
    common = common.slice(0, n);
  }
  const root = common.join(sep) || sep;
  const bases = new Map<string, string>();
  const taken = new Map<string, string>(); // base → resolved input that has it
  for (const input of local) {
    const abs = resolve(input);
    const rel = relative(root, dirname(abs));
    const plain = join(outDir, rel, basename(abs, extname(abs)));
    const owner = taken.get(plain);
    const base = owner === undefined || owner === abs ? plain : join(outDir, rel, basename(abs));
    taken.set(base, abs);
    bases.set(input, base);
  }
  return bases;
}
