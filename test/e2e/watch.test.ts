import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { execa, type ResultPromise } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ffmpeg, scratch } from '../helpers/clips.js';

// Runs the built CLI (`npm test` builds first) as a real child process: slow copies, a corrupt
// file, a kill -9 in the middle of a file, a restart on the same state file.
const DIST = resolve(import.meta.dirname, '../../dist');
const tmp = scratch('introdetect-watch-');

/** `node dist/cli/main.js watch …`, or, until main.ts registers `watch`, a two-line stand-in. */
function cliEntry(): string {
  const main = join(DIST, 'cli/main.js');
  if (readFileSync(main, 'utf8').includes('registerWatch')) return main;
  const runner = tmp.path('watch-cli.mjs');
  const commander = createRequire(import.meta.url).resolve('commander');
  writeFileSync(
    runner,
    `import { Command } from ${JSON.stringify(pathToFileURL(commander).href)};
import { registerWatch } from ${JSON.stringify(pathToFileURL(join(DIST, 'cli/commands/watch.js')).href)};
const program = new Command().name('introdetect').option('--ffmpeg <path>');
registerWatch(program);
try { await program.parseAsync(process.argv); } catch (e) { process.stderr.write(String(e.message) + '\\n'); process.exitCode = e.exitCode ?? 1; }
`,
  );
  return runner;
}

interface Watch {
  child: ResultPromise;
  /** Log lines so far, with the time each arrived. */
  lines: Array<{ at: number; text: string }>;
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<void>;
}

function startWatch(entry: string, args: string[]): Watch {
  const child = execa('node', [entry, 'watch', ...args], { reject: false, buffer: false });
  const lines: Watch['lines'] = [];
  let rest = '';
  child.stderr.on('data', (chunk: Buffer) => {
    const parts = (rest + chunk.toString()).split('\n');
    rest = parts.pop() ?? '';
    for (const text of parts) lines.push({ at: Date.now(), text });
  });
  const waitFor = async (pattern: RegExp, timeoutMs = 60_000) => {
    const end = Date.now() + timeoutMs;
    while (!lines.some((l) => pattern.test(l.text))) {
      if (Date.now() > end || child.exitCode !== null) {
        throw new Error(
          `no log line matching ${pattern}; got:\n${lines.map((l) => l.text).join('\n')}`,
        );
      }
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  return { child, lines, waitFor };
}

function clip(path: string, seconds: number): void {
  mkdirSync(dirname(path), { recursive: true });
  ffmpeg(
    ...['-f', 'lavfi', '-i', `testsrc2=size=160x90:rate=25:duration=${seconds}`],
    ...['-f', 'lavfi', '-i', `sine=duration=${seconds}`],
    ...['-c:v', 'libx264', '-preset', 'ultrafast', '-c:a', 'aac', '-shortest', path],
  );
}

/** Copies `from` to `to` in 8 chunks with pauses (a slow upload); resolves when complete. */
async function slowCopy(from: string, to: string, pauseMs: number): Promise<number> {
  const data = readFileSync(from);
  mkdirSync(dirname(to), { recursive: true });
  const handle = await open(to, 'w');
  const step = Math.ceil(data.length / 8);
  for (let off = 0; off < data.length; off += step) {
    await handle.write(data.subarray(off, off + step));
    await handle.sync();
    await new Promise((r) => setTimeout(r, pauseMs));
  }
  await handle.close();
  return Date.now();
}

const count = (lines: Watch['lines'], re: RegExp) => lines.filter((l) => re.test(l.text)).length;

describe('introdetect watch (features processor, real files, real processes)', () => {
  let entry: string;
  const dir = tmp.path('ingest');
  const out = tmp.path('results');
  const state = tmp.path('state/watch.json');
  const args = [
    dir,
    '--out',
    out,
    '--state',
    state,
    '--processor',
    'features',
    '--settle',
    '1',
    '--poll',
    '0.2',
  ];
  const secondsOf = {
    'Show/Season 1/ep1.mp4': 4,
    'Show/Season 1/ep2.mp4': 20,
    'Show/Season 2/ep3.mp4': 3,
  };

  beforeAll(() => {
    entry = cliEntry();
    clip(join(dir, 'Show/Season 1/ep1.mp4'), 4);
    clip(join(dir, 'Show/Season 1/ep2.mp4'), 20);
    clip(tmp.path('source/ep3.mp4'), 3);
    writeFileSync(join(dir, 'corrupt.mp4'), randomBytes(64 * 1024));
    writeFileSync(join(dir, 'notes.txt'), 'not a video\n');
  });
  afterAll(() => tmp.cleanup());

  it('ends with exactly one result per good file and a recorded failure for the bad one, across kill -9 and restart', async () => {
    expect(existsSync(join(DIST, 'cli/commands/watch.js'))).toBe(true);

    // Run 1: watch forever, two files at a time; a file is copied in slowly meanwhile; kill -9
    // as soon as that file is picked (ep2, 20 s, is usually still in flight too).
    const first = startWatch(entry, [...args, '--concurrency', '2']);
    const copied = slowCopy(tmp.path('source/ep3.mp4'), join(dir, 'Show/Season 2/ep3.mp4'), 500);
    await first.waitFor(/picked Show\/Season 2\/ep3\.mp4/);
    first.child.kill('SIGKILL');
    const killed = await first.child;
    expect(killed.signal).toBe('SIGKILL');
    const copyDone = await copied;
    const atKill = (
      JSON.parse(readFileSync(state, 'utf8')) as { files: Record<string, { status: string }> }
    ).files;
    const interrupted = Object.keys(atKill).filter((k) => atKill[k]?.status === 'processing');
    expect(interrupted).toContain('Show/Season 2/ep3.mp4');
    for (const key of interrupted) {
      // nothing half-written is visible for a file killed mid-way
      expect(existsSync(join(out, key.replace(/\.mp4$/, '.features')))).toBe(false);
    }

    // Run 2: same state file, --once: redoes the interrupted files, records the corrupt one.
    const second = startWatch(entry, [...args, '--once']);
    const done = await second.child;
    const log = [...first.lines, ...second.lines];
    expect(done.exitCode, log.map((l) => l.text).join('\n')).toBe(0);

    // the slowly copied file was not touched before it was complete
    const pickedEp3 = log.find((l) => /picked Show\/Season 2\/ep3\.mp4/.test(l.text));
    expect(pickedEp3!.at).toBeGreaterThanOrEqual(copyDone);

    // exactly one completed run and one result per good file, with the right content; the
    // processor ran once per file, plus once more for each file the kill interrupted
    const escape = (key: string) => key.replace(/[.]/g, '\\.');
    for (const [key, seconds] of Object.entries(secondsOf)) {
      const again = interrupted.includes(key) ? 1 : 0;
      expect(count(log, new RegExp(`done ${escape(key)} `)), key).toBe(1);
      expect(count(log, new RegExp(`picked ${escape(key)}`)), key).toBe(1 + again);
      expect(count(log, new RegExp(`interrupted earlier, redoing ${escape(key)}`)), key).toBe(
        again,
      );
      const meta = JSON.parse(
        readFileSync(join(out, key.replace(/\.mp4$/, '.features'), 'meta.json'), 'utf8'),
      ) as { seconds: number; input: string };
      expect(meta.seconds, key).toBe(seconds);
      expect(meta.input).toBe(join(dir, key));
    }

    const files = (
      JSON.parse(readFileSync(state, 'utf8')) as {
        files: Record<
          string,
          { status: string; attempts: number; permanent: boolean; errorCode: string | null }
        >;
      }
    ).files;
    expect(Object.keys(files).sort()).toEqual([
      'Show/Season 1/ep1.mp4',
      'Show/Season 1/ep2.mp4',
      'Show/Season 2/ep3.mp4',
      'corrupt.mp4',
    ]);
    for (const key of Object.keys(secondsOf)) {
      const attempts = interrupted.includes(key) ? 2 : 1; // a crash mid-file counts as an attempt
      expect(files[key], key).toMatchObject({ status: 'done', attempts });
    }
    expect(files['corrupt.mp4']).toMatchObject({
      status: 'failed',
      permanent: true,
      errorCode: 'NOT_MEDIA',
    });
    expect(count(log, /failed corrupt\.mp4: .*\[NOT_MEDIA\], not retrying/)).toBe(1);

    // the output tree holds the results and nothing else (no temp, staged or scratch files)
    const outFiles = readdirSync(out, { recursive: true }).map(String).sort();
    expect(outFiles).toEqual([
      'Show',
      'Show/Season 1',
      'Show/Season 1/ep1.features',
      'Show/Season 1/ep1.features/frames.npy',
      'Show/Season 1/ep1.features/mel.npy',
      'Show/Season 1/ep1.features/meta.json',
      'Show/Season 1/ep2.features',
      'Show/Season 1/ep2.features/frames.npy',
      'Show/Season 1/ep2.features/mel.npy',
      'Show/Season 1/ep2.features/meta.json',
      'Show/Season 2',
      'Show/Season 2/ep3.features',
      'Show/Season 2/ep3.features/frames.npy',
      'Show/Season 2/ep3.features/mel.npy',
      'Show/Season 2/ep3.features/meta.json',
    ]);
    expect(existsSync(`${state}.lock`)).toBe(false);
  });

  it('SIGTERM stops cleanly (exit 0): the file in flight goes back to pending and is redone later', async () => {
    // touch ep2: a changed file is redone
    const ep2 = join(dir, 'Show/Season 1/ep2.mp4');
    writeFileSync(ep2, readFileSync(ep2));
    const w = startWatch(entry, args);
    await w.waitFor(/picked Show\/Season 1\/ep2\.mp4/);
    w.child.kill('SIGTERM');
    const r = await w.child;
    expect(r.exitCode).toBe(0);
    expect(count(w.lines, /interrupted Show\/Season 1\/ep2\.mp4 \(back to pending\)/)).toBe(1);
    const files = (
      JSON.parse(readFileSync(state, 'utf8')) as { files: Record<string, { status: string }> }
    ).files;
    expect(files['Show/Season 1/ep2.mp4']?.status).toBe('pending');
    expect(files['Show/Season 1/ep1.mp4']?.status).toBe('done');

    const again = startWatch(entry, [...args, '--once']);
    expect((await again.child).exitCode).toBe(0);
    expect(count(again.lines, /done Show\/Season 1\/ep2\.mp4/)).toBe(1);
    expect(count(again.lines, /picked/)).toBe(1);
  });

  it('detect without models fails at startup with a clear message (no fake results)', async () => {
    const r = await execa(
      'node',
      [
        entry,
        'watch',
        dir,
        '--once',
        '--state',
        tmp.path('s2.json'),
        '--models',
        tmp.path('nowhere'),
      ],
      {
        reject: false,
      },
    );
    expect(r.exitCode).toBe(11);
    expect(r.stderr).toMatch(/model|Detection/i);
    expect(existsSync(tmp.path('s2.json'))).toBe(false);
  });
});
