import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rm } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { writeFileAtomic } from '../util/atomicFile.js';
import type { PartEpisode } from './findParts.js';
import type { PrintedEpisode } from './seriesJoiner.js';
import type { SecondPrint } from './secondPrint.js';

const MAGIC = 'IDPR';
/** 2: the picture prints of every decoded second too (recaps and previews); 1 is still read. */
const VERSION = 2;
const SUFFIX = '.prints';

/** What the store keeps of a detected episode: enough to be another episode's partner. */
export interface StoredEpisode {
  /** The file it came from. */
  file: string;
  /** Its intro track (probabilities from second `from`), as detected alone. */
  intro: { from: number; values: number[] };
  threshold: number;
  prints: SecondPrint[];
  /**
   * What recaps and previews are matched against (its picture prints by second, its intro
   * and credits as detected alone), when the episode was stored with them (version 2).
   */
  parts?: PartEpisode;
}

/**
 * The prints of episodes already detected, kept on disk for those detected later (`watch`,
 * where a season arrives one file at a time): one file per episode, in a folder per media
 * folder, each vector stored as 8-bit steps of its largest component (about 0.9 KB per second
 * of searched head with sound, and 0.26 KB per decoded second for the pictures of recaps and
 * previews; a print's correlations move by about 0.01).
 */
export class PrintStore {
  constructor(readonly dir: string) {}

  /** Up to `reach` stored episodes of `file`'s folder before it and `reach` after it, by name. */
  async neighbours(file: string, reach: number): Promise<StoredEpisode[]> {
    const folder = this.folderOf(file);
    const own = `${basename(file)}${SUFFIX}`;
    const others = (await storedNames(folder)).filter((n) => n !== own);
    const before = others.filter((n) => n < own).slice(-reach);
    const after = others.filter((n) => n > own).slice(0, reach);
    const out: StoredEpisode[] = [];
    for (const name of [...before, ...after]) {
      const episode = await readEpisode(join(folder, name));
      if (episode) out.push(episode);
    }
    return out;
  }

  /**
   * Every stored episode of the media folder `dir`, by name, each read when it is asked for:
   * only the one handed out is held here, however many the folder has.
   */
  async *episodesOf(dir: string): AsyncGenerator<StoredEpisode> {
    const folder = this.folderOf(join(dir, SUFFIX));
    for (const name of await storedNames(folder)) {
      const episode = await readEpisode(join(folder, name));
      if (episode) yield episode;
    }
  }

  /**
   * Keeps `episode` (replacing an earlier copy of the same file). The hidden temporary copies
   * of this file's prints that a writer killed mid-write left (`.<name>.prints.<hex>.tmp`,
   * never renamed into place) are removed first: one file is put by one writer at a time
   * (`watch` processes a file once at a time, a queue worker holds its job's lock), so none of
   * them is in use.
   */
  async put(episode: PrintedEpisode): Promise<void> {
    const { result } = episode;
    const folder = this.folderOf(result.file);
    const name = `${basename(result.file)}${SUFFIX}`;
    await mkdir(folder, { recursive: true });
    const stale = (await readdir(folder)).filter(
      (n) => n.startsWith(`.${name}.`) && /^[0-9a-f]+\.tmp$/.test(n.slice(name.length + 2)),
    );
    await Promise.all(stale.map((n) => rm(join(folder, n), { force: true })));
    await writeFileAtomic(join(folder, name), encode(episode));
  }

  private folderOf(file: string): string {
    const key = createHash('sha1')
      .update(dirname(resolve(file)))
      .digest('hex')
      .slice(0, 16);
    return join(this.dir, key);
  }
}

/** The names of the episodes stored in `folder`, sorted (none when it does not exist). */
async function storedNames(folder: string): Promise<string[]> {
  const names = await readdir(folder).catch(() => [] as string[]);
  return names.filter((n) => n.endsWith(SUFFIX) && !n.startsWith('.')).sort();
}

/** The parts of a print, in the order they are stored. */
function partsOf(p: SecondPrint): Float32Array[] {
  return p.audio && p.audioLate ? [p.video, p.audio, p.audioLate] : [p.video];
}

function encode({ result, prints, pictures }: PrintedEpisode): Buffer {
  const audio = prints.length > 0 && prints.every((p) => p.audio && p.audioLate);
  const dims = prints[0] ? partsOf(prints[0]).map((v) => v.length) : [];
  const seconds = pictures ? [...pictures.keys()].sort((a, b) => a - b) : [];
  const span = (i: { start: number; end: number } | null) => i && { start: i.start, end: i.end };
  const header = Buffer.from(
    JSON.stringify({
      version: VERSION,
      file: resolve(result.file),
      seconds: prints.length,
      audio,
      dims: audio ? dims : dims.slice(0, 1),
      intro: result.probabilities.intro,
      threshold: result.threshold.intro,
      ...(pictures && seconds.length > 0
        ? {
            pictures: {
              seconds,
              dim: pictures.get(seconds[0]!)!.length,
              duration: result.duration,
              intro: span(result.intro),
              credits: span(result.credits),
            },
          }
        : {}),
    }),
  );
  const vectors = prints.flatMap((p) => (audio ? partsOf(p) : [p.video]));
  const length = Buffer.alloc(4);
  length.writeUInt32LE(header.length);
  return Buffer.concat([
    Buffer.from(MAGIC),
    length,
    header,
    ...quantised(vectors),
    ...quantised(seconds.map((t) => pictures!.get(t)!)),
  ]);
}

/** Vectors as their scales (float32, one each) and 8-bit steps of them, in that order. */
function quantised(vectors: readonly Float32Array[]): [Buffer, Buffer] {
  const scales = new Float32Array(vectors.length);
  const steps = new Int8Array(vectors.reduce((n, v) => n + v.length, 0));
  let at = 0;
  vectors.forEach((v, k) => {
    let max = 0;
    for (const x of v) max = Math.max(max, Math.abs(x));
    scales[k] = max / 127;
    for (const x of v) steps[at++] = max > 0 ? Math.round((x / max) * 127) : 0;
  });
  return [Buffer.from(scales.buffer), Buffer.from(steps.buffer)];
}

/**
 * `count` vectors of `dims` (repeating) read back from `quantised`'s bytes at `at`, each
 * scaled back to unit length (8-bit steps move it a little, so dot products stay
 * correlations); undefined when the buffer is short.
 */
function dequantised(
  buf: Buffer,
  at: number,
  count: number,
  dims: readonly number[],
): { vectors: Float32Array[]; next: number } | undefined {
  const total = count * dims.length;
  const stepCount = count * dims.reduce((n, d) => n + d, 0);
  if (buf.length < at + 4 * total + stepCount) return undefined;
  const scales = new Float32Array(
    buf.buffer.slice(buf.byteOffset + at, buf.byteOffset + at + 4 * total),
  );
  at += 4 * total;
  const steps = new Int8Array(
    buf.buffer.slice(buf.byteOffset + at, buf.byteOffset + at + stepCount),
  );
  const vectors: Float32Array[] = [];
  let s = 0;
  for (let k = 0; k < total; k++) {
    const d = dims[k % dims.length]!;
    const v = new Float32Array(d);
    let norm = 0;
    for (let i = 0; i < d; i++) {
      v[i] = steps[s++]! * scales[k]!;
      norm += v[i]! * v[i]!;
    }
    if (norm > 0) for (let i = 0; i < d; i++) v[i] = v[i]! / Math.sqrt(norm);
    vectors.push(v);
  }
  return { vectors, next: at + stepCount };
}

/** A stored episode, or undefined when the file is missing, foreign or damaged. */
async function readEpisode(path: string): Promise<StoredEpisode | undefined> {
  try {
    const buf = await readFile(path);
    if (buf.subarray(0, 4).toString() !== MAGIC) return undefined;
    const headerLength = buf.readUInt32LE(4);
    const header = JSON.parse(buf.subarray(8, 8 + headerLength).toString()) as {
      version: number;
      file: string;
      seconds: number;
      audio: boolean;
      dims: number[];
      intro: { from: number; values: number[] };
      threshold: number;
      pictures?: {
        seconds: number[];
        dim: number;
        duration: number;
        intro: { start: number; end: number } | null;
        credits: { start: number; end: number } | null;
      };
    };
    if (header.version !== VERSION && header.version !== 1) return undefined;
    const read = dequantised(buf, 8 + headerLength, header.seconds, header.dims);
    if (!read) return undefined;
    const prints: SecondPrint[] = [];
    const perSecond = header.dims.length;
    for (let t = 0; t < header.seconds; t++) {
      const [video, audio, audioLate] = read.vectors.slice(t * perSecond, (t + 1) * perSecond);
      prints.push({
        video: video!,
        audio: header.audio ? audio! : null,
        audioLate: header.audio ? audioLate! : null,
      });
    }
    const stored: StoredEpisode = {
      file: header.file,
      intro: header.intro,
      threshold: header.threshold,
      prints,
    };
    const p = header.pictures;
    if (p) {
      const pics = dequantised(buf, read.next, p.seconds.length, [p.dim]);
      if (!pics) return undefined;
      stored.parts = {
        duration: p.duration,
        pictures: new Map(p.seconds.map((t, k) => [t, pics.vectors[k]!])),
        intro: p.intro,
        credits: p.credits,
      };
    }
    return stored;
  } catch {
    return undefined;
  }
}
