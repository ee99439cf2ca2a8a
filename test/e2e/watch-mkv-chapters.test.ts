import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import type { DetectionResult } from '../../src/fusion/detectionResult.js';
import { ffmpeg, scratch } from '../helpers/clips.js';
import { CLI } from '../helpers/detectCli.js';
import { chaptersOf, mkvtoolnixInstalled } from '../helpers/chapters.js';

// `watch --mkv-chapters` edits the very file it watches (mkvpropedit, in place): that edit
// changes the file's size and mtime, which would make it look like a new version and be
// processed again, forever. The watcher records the signature the edit left instead; a change
// made by anyone else still counts. Built CLI, real mkvtoolnix, clips made here.
const MODELS = 'test/fixtures/models/tiny-fused';
const tmp = scratch('introdetect-watch-mkv-');
const lib = tmp.path('library');
const video = join(lib, 'Show/Season 1/S01E01.mkv');

const mkvtoolnix = mkvtoolnixInstalled();

async function watchOnce(): Promise<string> {
  const run = await execa(
    'node',
    [
      CLI,
      'watch',
      lib,
      ...['--once', '--settle', '0', '--poll', '0.1', '--models', MODELS, '--mkv-chapters'],
    ],
    { reject: false, timeout: 150_000 },
  );
  expect(run.exitCode, String(run.stderr)).toBe(0);
  return String(run.stderr);
}

interface State {
  files: Record<string, { status: string; size: string; mtimeNs: string; ino: string }>;
  output?: { mkvChapters?: boolean };
}
const stateOf = () =>
  JSON.parse(readFileSync(join(lib, '.introdetect-watch.json'), 'utf8')) as State;

afterAll(() => tmp.cleanup());

describe.skipIf(!mkvtoolnix)('watch --mkv-chapters (skipped: mkvtoolnix not installed)', () => {
  it('sets the chapters in place once: its own edit does not make the file new, another change does', async () => {
    mkdirSync(dirname(video), { recursive: true });
    ffmpeg(
      ...['-f', 'lavfi', '-i', 'testsrc2=size=160x90:rate=25:duration=20'],
      ...['-f', 'lavfi', '-i', 'sine=frequency=330:duration=20'],
      ...['-c:v', 'libx264', '-preset', 'ultrafast', '-c:a', 'aac', '-shortest', video],
    );
    expect(chaptersOf(video)).toEqual([]);
    const untouched = statSync(video, { bigint: true });

    const first = await watchOnce();
    expect(first).toMatch(/picked Show\/Season 1\/S01E01\.mkv/);
    expect(first).toMatch(/finished: 1 done, 0 failed/);
    const result = JSON.parse(
      readFileSync(join(lib, 'Show/Season 1/S01E01.intro.json'), 'utf8'),
    ) as DetectionResult;
    const chapters = chaptersOf(video);
    expect(chapters[0]?.start_time).toBe('0.000000');
    if (result.intro) {
      const intro = chapters.find((c) => c.tags?.title === 'Intro');
      expect(Number(intro?.start_time)).toBeCloseTo(result.intro.start, 3);
      expect(Number(intro?.end_time)).toBeCloseTo(result.intro.end, 3);
    }
    // The file was edited in place, and the state holds the version the edit left.
    const edited = statSync(video, { bigint: true });
    expect(edited.mtimeNs === untouched.mtimeNs && edited.size === untouched.size).toBe(false);
    const record = stateOf().files['Show/Season 1/S01E01.mkv']!;
    expect(record).toMatchObject({
      status: 'done',
      size: String(edited.size),
      mtimeNs: String(edited.mtimeNs),
      ino: String(edited.ino),
    });
    expect(stateOf().output?.mkvChapters).toBe(true);

    // Again: nothing to do (before, the edited file was a "new version", processed again).
    const second = await watchOnce();
    expect(second).not.toMatch(/picked/);
    expect(second).toMatch(/finished: 0 done, 0 failed/);
    expect(chaptersOf(video)).toEqual(chapters);

    // Someone else edits the file (a new title): that is a new version, processed again.
    execFileSync('mkvpropedit', [video, '--edit', 'info', '--set', 'title=Pilot'], {
      stdio: 'ignore',
    });
    const third = await watchOnce();
    expect(third).toMatch(/picked Show\/Season 1\/S01E01\.mkv/);
    expect(third).toMatch(/finished: 1 done, 0 failed/);
    // Its own chapters were replaced, not added to.
    expect(chaptersOf(video)).toEqual(chapters);
    const fourth = await watchOnce();
    expect(fourth).not.toMatch(/picked/);
  });
});
