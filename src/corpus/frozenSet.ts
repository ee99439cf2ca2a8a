import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { FrozenSetMismatchError, InvalidArgumentError } from '../errors.js';
import { pathExists } from '../util/atomicFile.js';

/**
 * The record of a frozen evaluation set: how it was built and the sha256 of every file, so a
 * later run can prove it scores the very same episodes and labels. Committed to the project
 * (it holds no media); the set itself stays in a git-ignored folder.
 */
export interface FrozenSetRecord {
  format: 'introdetect-frozen-set';
  version: 1;
  /** When it was frozen (ISO 8601). */
  frozenAt: string;
  /** The command that builds it again (`POOL`: the media pool folder). */
  build: string;
  /** The corpus options from its corpus.json. */
  options: Record<string, unknown>;
  labels: { sha256: string; episodes: number; intros: number; credits: number };
  /** sha256 of every file: labels.json, manifest.json, splits.json, corpus.json, episodes. */
  files: Record<string, string>;
}

export interface FrozenSetCheck {
  /** labels.json is the frozen one (the scores are comparable). */
  labelsMatch: boolean;
  /** Files whose bytes differ from the record (a rebuild with another ffmpeg or machine). */
  changed: string[];
  missing: string[];
}

async function sha256(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

const kebab = (key: string) => key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

/** `introdetect corpus` arguments that rebuild a corpus from its stamp's options. */
export function buildCommand(options: Record<string, unknown>, out: string): string {
  const args = Object.entries(options)
    .filter(([, v]) => v !== undefined && v !== null)
    .map(([k, v]) => `--${kebab(k)} ${Array.isArray(v) ? v.join(',') : String(v)}`);
  return ['introdetect corpus --media POOL', `--out ${out}`, ...args].join(' ');
}

interface CorpusFolder {
  options: Record<string, unknown>;
  labels: Record<string, { file?: string; start?: unknown; credits_start?: unknown }>;
}

async function readCorpusFolder(dir: string): Promise<CorpusFolder> {
  const read = async (name: string): Promise<unknown> => {
    const path = join(dir, name);
    if (!(await pathExists(path)))
      throw new InvalidArgumentError(
        `${dir} is not a corpus built by \`introdetect corpus\`: ${name} is missing.`,
      );
    return JSON.parse(await readFile(path, 'utf8')) as unknown;
  };
  const stamp = (await read('corpus.json')) as { options?: Record<string, unknown> };
  const labels = (await read('labels.json')) as CorpusFolder['labels'];
  return { options: stamp.options ?? {}, labels };
}

/** The files a frozen record covers, relative to the corpus folder. */
function filesOf(labels: CorpusFolder['labels']): string[] {
  const episodes = Object.values(labels).flatMap((l) => (l.file ? [l.file] : []));
  return ['corpus.json', 'labels.json', 'manifest.json', 'splits.json', ...episodes.sort()];
}

/**
 * Freezes a built corpus: every labelled episode must be there (a set is frozen whole). `out`
 * is how the record names the folder in its build command.
 */
export async function freezeCorpus(dir: string, out: string): Promise<FrozenSetRecord> {
  const { options, labels } = await readCorpusFolder(dir);
  const files = filesOf(labels);
  const missing: string[] = [];
  for (const f of files) if (!(await pathExists(join(dir, f)))) missing.push(f);
  if (missing.length > 0)
    throw new InvalidArgumentError(
      `Cannot freeze ${dir}: ${missing.length} file(s) missing (${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ', …' : ''}). Finish the build first (run the same \`introdetect corpus\` command without --splits).`,
    );
  const record: FrozenSetRecord = {
    format: 'introdetect-frozen-set',
    version: 1,
    frozenAt: new Date().toISOString(),
    build: buildCommand(options, out),
    options,
    labels: {
      sha256: '',
      episodes: Object.keys(labels).length,
      intros: Object.values(labels).filter((l) => l.start !== null && l.start !== undefined).length,
      credits: Object.values(labels).filter(
        (l) => l.credits_start !== null && l.credits_start !== undefined,
      ).length,
    },
    files: {},
  };
  for (const f of files) record.files[f] = await sha256(join(dir, f));
  record.labels.sha256 = record.files['labels.json']!;
  return record;
}

/** Reads a record written by `freezeCorpus` (checks its format). */
export function parseFrozenRecord(text: string, where: string): FrozenSetRecord {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (cause) {
    throw new InvalidArgumentError(`${where} is not valid JSON.`, { cause });
  }
  const r = value as Partial<FrozenSetRecord>;
  if (r.format !== 'introdetect-frozen-set' || r.version !== 1 || typeof r.files !== 'object')
    throw new InvalidArgumentError(
      `${where} is not a frozen-set record (written by \`introdetect freeze DIR --record FILE\`).`,
    );
  return r as FrozenSetRecord;
}

/** Compares a corpus folder with its frozen record, file by file. */
export async function checkFrozen(dir: string, record: FrozenSetRecord): Promise<FrozenSetCheck> {
  const changed: string[] = [];
  const missing: string[] = [];
  for (const [file, hash] of Object.entries(record.files)) {
    const path = join(dir, file);
    if (!(await pathExists(path))) missing.push(file);
    else if ((await sha256(path)) !== hash) changed.push(file);
  }
  const labelsMatch = !missing.includes('labels.json') && !changed.includes('labels.json');
  return { labelsMatch, changed, missing };
}

/** `checkFrozen`, failing unless the labels and every episode are the frozen ones. */
export async function assertFrozen(dir: string, record: FrozenSetRecord): Promise<void> {
  const check = await checkFrozen(dir, record);
  if (check.labelsMatch && check.changed.length === 0 && check.missing.length === 0) return;
  throw new FrozenSetMismatchError(dir, check);
}
