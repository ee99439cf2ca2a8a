import { execa } from 'execa';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCorpus } from '../../src/corpus/buildCorpus.js';
import type { CorpusOptions } from '../../src/corpus/types.js';
import { readLabels } from '../../src/labels/readLabels.js';
import { ffmpeg } from '../helpers/clips.js';
import { SHARED_MEDIA } from '../helpers/sharedMedia.js';

// Recaps in a live stream (issue 16): a channel airs a season's three episodes back to back,
// built here from the shared media pool with every skippable part (`--parts all`). Episodes 2
// and 3 open with a recap re-cut from the episodes before them; `introdetect stream`, with the
// shipped live model, must tell each as recap.start / recap.end, before that episode's intro.
//
// The season was picked from the plans alone (seeds 1–60 of 1 series × 3 three-minute
// episodes, the first whose episodes 2 and 3 both have a recap), before any model ran on it:
//   episode  recap    intro    credits      (stream seconds: episode k starts at 180·(k − 1))
//   s01e01   –        0–20     171–180
//   s01e02   0–6      6–26     171–180      → recap 180–186
//   s01e03   0–12     12–32    164–180      → recap 360–372
// On the first run the live model decided each intro within a second and each credits end
// within a second; `detect` on the three files finds the recaps 0–6 and 0–9 (the last 3 s of
// episode 3's recap match none of the footage its series step may use), and so does the stream.

const SEASON: CorpusOptions = {
  seed: 6,
  series: 1,
  episodes: 3,
  minMinutes: 3,
  maxMinutes: 3,
  maxWidth: 480,
  parts: 'all',
};
const EPISODE_SECONDS = 180;
const CLI = 'dist/cli/main.js';

interface Line {
  event: string;
  streamTime: number;
  pts: number;
  confidence: number;
}

let out: string;
let channel: string;
/** Each labelled recap on the stream's timeline. */
let truth: Array<{ start: number; end: number }>;

beforeAll(async () => {
  out = await mkdtemp(join(tmpdir(), 'introdetect-stream-recap-'));
  await buildCorpus({ media: SHARED_MEDIA, out, corpus: SEASON, jobs: 2, log: () => {} });
  const { labels } = await readLabels(join(out, 'labels.json'));
  const season = labels.sort((a, b) => a.id.localeCompare(b.id));
  expect(season).toHaveLength(3);
  truth = season.flatMap((l, k) =>
    (l.parts ?? [])
      .filter((p) => p.type === 'recap')
      .map((p) => ({ start: p.start + k * EPISODE_SECONDS, end: p.end + k * EPISODE_SECONDS })),
  );
  // Guards against a corpus change that leaves nothing to find.
  expect(truth.map((r) => r.start)).toEqual([180, 360]);
  // The channel: the three episodes in one MPEG-TS, as a broadcast capture.
  const list = join(out, 'list.txt');
  await writeFile(list, season.map((l) => `file '${join(out, l.file!)}'\n`).join(''));
  channel = join(out, 'channel.ts');
  ffmpeg(
    ...['-f', 'concat', '-safe', '0', '-i', list],
    ...['-c:v', 'libx264', '-preset', 'veryfast', '-c:a', 'aac', '-f', 'mpegts', channel],
  );
}, 600_000);

afterAll(async () => {
  if (out) await rm(out, { recursive: true, force: true });
});

async function stream(...flags: string[]): Promise<Line[]> {
  const run = await execa('node', [CLI, 'stream', channel, ...flags], { reject: false });
  expect(run.exitCode, run.stderr).toBe(0);
  return run.stdout
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Line);
}

describe('stream: recaps before an intro, from footage the channel aired earlier', () => {
  it('tells each episode’s recap, before its intro, within ±2 s of where it starts', async () => {
    const events = await stream('--recap-memory', '7200');
    const times = events.map((e) => e.streamTime);
    expect(times).toEqual([...times].sort((a, b) => a - b));
    const recaps = events.filter((e) => e.event.startsWith('recap.'));
    expect(recaps.map((e) => e.event)).toEqual([
      'recap.start',
      'recap.end',
      'recap.start',
      'recap.end',
    ]);
    for (const [k, r] of truth.entries()) {
      const [start, end] = [recaps[2 * k]!, recaps[2 * k + 1]!];
      expect(Math.abs(start.streamTime - r.start)).toBeLessThanOrEqual(2);
      // It ends by the intro, and covers at least the 6 s a recap must last.
      expect(end.streamTime).toBeLessThanOrEqual(r.end + 2);
      expect(end.streamTime - start.streamTime).toBeGreaterThanOrEqual(6);
      expect(start.confidence).toBeGreaterThan(0.5);
      expect(end.pts - start.pts).toBeCloseTo(end.streamTime - start.streamTime, 3);
      // The intro after it is told after it.
      const intro = events.find((e) => e.event === 'intro.start' && e.streamTime >= end.streamTime);
      expect(intro!.streamTime - r.end).toBeLessThanOrEqual(2);
    }
    // Episode 1 has no recap: nothing before the first intro.
    expect(recaps[0]!.streamTime).toBeGreaterThanOrEqual(EPISODE_SECONDS - 2);
  }, 300_000);

  it('tells no recap by default (--recap-memory 0), and the same intros and credits', async () => {
    const [on, off] = await Promise.all([stream('--recap-memory', '7200'), stream()]);
    expect(off.filter((e) => e.event.startsWith('recap.'))).toEqual([]);
    const edges = (ev: Line[]) =>
      ev.filter((e) => !e.event.startsWith('recap.')).map((e) => [e.event, e.streamTime]);
    expect(edges(off)).toEqual(edges(on));
  }, 300_000);
});
