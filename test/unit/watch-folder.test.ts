import {
  appendFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FfmpegFailedError, ModelNotFoundError, NotMediaError } from '../../src/errors.js';
import { FolderWatcher, type WatchOptions } from '../../src/watch/folderWatcher.js';
import { statSignature } from '../../src/watch/fileSignature.js';
import type { ProcessFile } from '../../src/watch/processFile.js';
import type { WatchEvent } from '../../src/watch/watchEvents.js';

// The watcher core with fake processors on real files: scheduling, state and result files.
let root: string;
let calls: string[];
let events: WatchEvent[];
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'introdetect-watch-folder-'));
  calls = [];
  events = [];
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

const put = (rel: string, content = `video ${rel}`) => {
  const p = join(root, 'in', rel);
  mkdirSync(dirname(p), { recursive: true });
  writeFileSync(p, content);
  return p;
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Reads the input and reports its size; "bad" inputs are not media. */
const fake: ProcessFile = async (input) => {
  calls.push(input);
  const text = readFileSync(input, 'utf8');
  if (text.startsWith('bad')) throw new NotMediaError(input);
  await sleep(20);
  return { 'intro.json': JSON.stringify({ bytes: text.length }) };
};

const open = (over: Partial<WatchOptions> = {}) =>
  FolderWatcher.open({
    root: join(root, 'in'),
    statePath: join(root, 'state.json'),
    process: fake,
    settleMs: 50,
    pollMs: 20,
    onEvent: (e) => events.push(e),
    ...over,
  });

async function once(over: Partial<WatchOptions> = {}) {
  const w = await open(over);
  try {
    return await w.run({ once: true });
  } finally {
    await w.dispose();
  }
}

const state = () =>
  (
    JSON.parse(readFileSync(join(root, 'state.json'), 'utf8')) as {
      files: Record<
        string,
        { status: string; attempts: number; permanent: boolean; errorCode: string | null }
      >;
    }
  ).files;

describe('FolderWatcher', () => {
  it('processes each media file once, results next to it, non-media ignored, bad ones failed for good', async () => {
    put('Show/Season 1/ep1.mkv');
    put('Show/Season 1/ep2.mp4');
    put('bad.mp4', 'bad bytes');
    put('notes.txt');
    put('.hidden.mp4');
    const summary = await once();
    expect(summary).toEqual({ done: 2, failed: 1, interrupted: 0 });
    expect(JSON.parse(readFileSync(join(root, 'in/Show/Season 1/ep1.intro.json'), 'utf8'))).toEqual(
      {
        bytes: 'video Show/Season 1/ep1.mkv'.length,
      },
    );
    expect(state()['bad.mp4']).toMatchObject({
      status: 'failed',
      permanent: true,
      errorCode: 'NOT_MEDIA',
    });
    expect(Object.keys(state()).sort()).toEqual([
      'Show/Season 1/ep1.mkv',
      'Show/Season 1/ep2.mp4',
      'bad.mp4',
    ]);
    // a second run does nothing: done stays done, the bad file is not retried
    calls = [];
    expect(await once()).toEqual({ done: 0, failed: 0, interrupted: 0 });
    expect(calls).toEqual([]);
    // no temporary or staged files anywhere
    const hidden = readdirSync(join(root, 'in'), { recursive: true })
      .map(String)
      .filter((n) => /(^|\/)\./.test(n));
    expect(hidden).toEqual(['.hidden.mp4']);
  });

  it('mirrors the folder structure under outDir', async () => {
    put('Show/Season 2/ep1.mp4');
    await once({ outDir: join(root, 'out'), statePath: undefined });
    expect(existsSync(join(root, 'out/Show/Season 2/ep1.intro.json'))).toBe(true);
    expect(existsSync(join(root, 'out/.introdetect-watch.json'))).toBe(true);
  });

  it('gives ep1.mp4 and ep1.mkv in one folder results of their own: the second keeps its extension', async () => {
    put('Show/ep1.mkv', 'video mkv');
    await once();
    put('Show/ep1.mp4', 'video mp4, longer');
    await once();
    const read = (name: string) =>
      JSON.parse(readFileSync(join(root, 'in/Show', name), 'utf8')) as { bytes: number };
    expect(read('ep1.intro.json').bytes).toBe('video mkv'.length);
    expect(read('ep1.mp4.intro.json').bytes).toBe('video mp4, longer'.length);
    expect(calls).toHaveLength(2);
  });

  it('does not touch a file while it grows; processes it once it settles', async () => {
    const p = put('growing.mp4', 'part1');
    const w = await open({ settleMs: 300 });
    const run = w.run({ once: true });
    for (let i = 0; i < 8; i++) {
      await sleep(100);
      appendFileSync(p, `-chunk${i}`);
      expect(calls).toEqual([]);
    }
    await run;
    await w.dispose();
    expect(calls).toHaveLength(1);
    expect(readFileSync(join(root, 'in/growing.intro.json'), 'utf8')).toContain(
      String(readFileSync(p).length),
    );
  });

  it('retries transient failures with exponential backoff, up to the limit', async () => {
    put('flaky.mp4');
    const times: number[] = [];
    const failing: ProcessFile = () => {
      times.push(Date.now());
      return Promise.reject(new FfmpegFailedError('ffmpeg crashed'));
    };
    const ac = new AbortController();
    const w = await open({ process: failing, retry: { maxAttempts: 3, baseDelayMs: 100 } });
    const run = w.run({ signal: ac.signal });
    while (times.length < 3) await sleep(20);
    await sleep(300);
    ac.abort();
    await run;
    await w.dispose();
    expect(times).toHaveLength(3);
    expect(times[1]! - times[0]!).toBeGreaterThanOrEqual(100);
    expect(times[2]! - times[1]!).toBeGreaterThanOrEqual(200);
    expect(state()['flaky.mp4']).toMatchObject({ status: 'failed', attempts: 3, permanent: true });
    const failed = events.filter((e) => e.type === 'failed');
    expect(failed.map((e) => e.type === 'failed' && e.retryInMs)).toEqual([100, 200, undefined]);
  });

  it('a changed file is processed again', async () => {
    const p = put('ep.mp4', 'v1');
    await once();
    writeFileSync(p, 'version 2');
    await once();
    expect(calls).toHaveLength(2);
    expect(readFileSync(join(root, 'in/ep.intro.json'), 'utf8')).toBe('{"bytes":9}');
  });

  it('a processor that edits its input in place is not called again for its own edit', async () => {
    const p = put('ep.mkv', 'v1');
    /** Appends a "chapter" to the file it processes, as mkvpropedit edits a Matroska file. */
    const editing: ProcessFile = async (input, _signal, _scratch, context) => {
      calls.push(input);
      const before = await statSignature(input);
      appendFileSync(input, '+chapters');
      context?.inputEdited(before!, (await statSignature(input))!);
      return { 'intro.json': '{}' };
    };
    await once({ process: editing });
    await once({ process: editing });
    expect(calls).toHaveLength(1);
    expect(readFileSync(p, 'utf8')).toBe('v1+chapters');
    // A change by someone else is a new version.
    appendFileSync(p, '!');
    await once({ process: editing });
    expect(calls).toHaveLength(2);
  });

  it('a file changed by someone else while it was processed is processed again, edit or not', async () => {
    const p = put('ep.mkv', 'v1');
    const racing: ProcessFile = async (input, _signal, _scratch, context) => {
      calls.push(input);
      if (calls.length === 1) appendFileSync(input, ' replaced meanwhile');
      const before = await statSignature(input);
      appendFileSync(input, '+chapters');
      context?.inputEdited(before!, (await statSignature(input))!);
      return { 'intro.json': '{}' };
    };
    await once({ process: racing });
    // The edit was of a version the watcher did not pick: the new version is processed.
    await once({ process: racing });
    expect(calls).toHaveLength(2);
    await once({ process: racing });
    expect(calls).toHaveLength(2);
    expect(readFileSync(p, 'utf8')).toBe('v1 replaced meanwhile+chapters+chapters');
  });

  it('on stop, aborts the file in flight: back to pending, attempt not counted, redone next time', async () => {
    put('long.mp4');
    const ac = new AbortController();
    const slow: ProcessFile = (input, signal) =>
      new Promise((_, reject) => {
        calls.push(input);
        signal.addEventListener('abort', () => reject(new Error('aborted')));
      });
    const w = await open({ process: slow });
    const run = w.run({ signal: ac.signal });
    while (calls.length === 0) await sleep(10);
    expect(state()['long.mp4']?.status).toBe('processing');
    ac.abort();
    expect(await run).toEqual({ done: 0, failed: 0, interrupted: 1 });
    await w.dispose();
    expect(state()['long.mp4']).toMatchObject({ status: 'pending', attempts: 0 });
    await once();
    expect(state()['long.mp4']).toMatchObject({ status: 'done', attempts: 1 });
  });

  it('after a crash, redoes "processing" files and finishes "committing" ones without redoing them', async () => {
    put('a.mp4');
    put('b.mp4');
    await once();
    const files = state();
    // forge the two crash points
    const staged = join(root, 'in/.b.intro.json.x.staged');
    writeFileSync(staged, '{"bytes":"from before the crash"}');
    rmSync(join(root, 'in/b.intro.json'));
    writeFileSync(
      join(root, 'state.json'),
      JSON.stringify({
        format: 'introdetect-watch-state',
        version: 1,
        root: join(root, 'in'),
        files: {
          'a.mp4': { ...files['a.mp4'], status: 'processing', results: [] },
          'b.mp4': {
            ...files['b.mp4'],
            status: 'committing',
            results: [],
            staged: [{ from: staged, to: join(root, 'in/b.intro.json') }],
          },
        },
      }),
    );
    calls = [];
    await once();
    expect(calls.map((c) => c.slice(-5))).toEqual(['a.mp4']);
    expect(readFileSync(join(root, 'in/b.intro.json'), 'utf8')).toContain('from before the crash');
    expect(state()['b.mp4']?.status).toBe('done');
    expect(
      events.filter((e) => e.type === 'recovered').map((e) => e.type === 'recovered' && e.was),
    ).toEqual(['processing', 'committing']);
  });

  it('never runs more than `concurrency` files at once', async () => {
    for (let i = 0; i < 6; i++) put(`f${i}.mp4`);
    let running = 0;
    let peak = 0;
    const counting: ProcessFile = async () => {
      peak = Math.max(peak, ++running);
      await sleep(40);
      running--;
      return { 'intro.json': '{}' };
    };
    const summary = await once({ process: counting, concurrency: 2 });
    expect(summary.done).toBe(6);
    expect(peak).toBe(2);
  });

  it('stops on a setup error (missing models) instead of failing every file', async () => {
    put('a.mp4');
    put('b.mp4');
    const broken: ProcessFile = () => Promise.reject(new ModelNotFoundError('no models'));
    await expect(once({ process: broken })).rejects.toMatchObject({ code: 'MODEL_NOT_FOUND' });
    expect(state()['a.mp4']).toMatchObject({ status: 'pending', attempts: 0 });
    expect(state()['b.mp4']).toBeUndefined();
  });
});
