/**
 * Job-queue benchmark (not a test): throughput of 1 and 2 `introdetect worker` processes over
 * one generated season set, and the queue's overhead per job against `introdetect detect` on
 * the same files (`npm run build` first: it runs the built CLI).
 *
 *   npm run bench:queue                              # 2 seasons × 4 episodes of 3 min
 *   npm run bench:queue -- --seasons 3 --episodes 5 --minutes 5 --models models/fused
 *
 * The episodes are made by ffmpeg (lavfi pictures and tones, 320×180, a shared 20-s intro per
 * season) into a temporary folder. Figures are wall time on this machine, whatever else runs.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { timeDetect, timeQueue, type QueueRun } from './lib/queueRun.js';

const { values } = parseArgs({
  options: {
    seasons: { type: 'string', default: '2' },
    episodes: { type: 'string', default: '4' },
    minutes: { type: 'string', default: '3' },
    models: { type: 'string', default: 'models/fused' },
  },
});
const seasons = Number(values.seasons);
const perSeason = Number(values.episodes);
const seconds = Number(values.minutes) * 60;

const root = mkdtempSync(join(tmpdir(), 'bench-queue-'));
try {
  const files: string[] = [];
  for (let s = 1; s <= seasons; s++) {
    const dir = join(root, `Show ${s}`, 'Season 01');
    mkdirSync(dir, { recursive: true });
    for (let e = 1; e <= perSeason; e++) {
      const file = join(dir, `S01E0${e}.mp4`);
      const head = 5 + 3 * e;
      execFileSync('ffmpeg', [
        ...['-hide_banner', '-loglevel', 'error', '-y'],
        ...[
          '-f',
          'lavfi',
          '-t',
          String(head),
          '-i',
          `life=size=320x180:rate=25:seed=${s * 10 + e}`,
        ],
        ...['-f', 'lavfi', '-t', String(head), '-i', 'anoisesrc=c=pink:a=0.2'],
        ...['-f', 'lavfi', '-t', '20', '-i', `testsrc2=size=320x180:rate=25`],
        ...['-f', 'lavfi', '-t', '20', '-i', `aevalsrc='0.3*sin(2*PI*(200+${10 * s}*t)*t)'`],
        ...[
          '-f',
          'lavfi',
          '-t',
          String(seconds - head - 20),
          '-i',
          `mandelbrot=size=320x180:rate=25`,
        ],
        ...[
          '-f',
          'lavfi',
          '-t',
          String(seconds - head - 20),
          '-i',
          `sine=frequency=${300 + 40 * e}`,
        ],
        '-filter_complex',
        '[0:v]format=yuv420p[v0];[2:v]format=yuv420p[v1];[4:v]format=yuv420p[v2];[v0][1:a][v1][3:a][v2][5:a]concat=n=3:v=1:a=1[v][a]',
        ...['-map', '[v]', '-map', '[a]', '-c:v', 'libx264', '-preset', 'ultrafast', '-c:a', 'aac'],
        file,
      ]);
      files.push(file);
    }
  }
  const mediaS = files.length * seconds;
  console.log(
    `season set: ${seasons} season(s) × ${perSeason} episode(s) of ${seconds} s (${(mediaS / 60).toFixed(0)} min), ${cpus().length} CPU(s), model ${values.models}`,
  );

  const detectS = timeDetect(files, values.models);
  const line = (label: string, wall: number) =>
    console.log(
      `${label.padEnd(22)} ${wall.toFixed(1).padStart(7)} s  ${((files.length * 3600) / wall).toFixed(0).padStart(6)} episodes/h  ${(mediaS / wall).toFixed(1).padStart(6)}× real time`,
    );
  line('detect (one process)', detectS);
  const runs: QueueRun[] = [];
  for (const workers of [1, 2]) {
    const run = await timeQueue(root, files.length, workers, values.models);
    runs.push(run);
    line(`queue, ${workers} worker(s)`, run.wallS);
  }
  const one = runs[0]!;
  const two = runs[1]!;
  const overheadS = (one.wallS - detectS) / files.length;
  console.log(
    `queue overhead per episode (1 worker − detect) ${overheadS.toFixed(2)} s (${((100 * (one.wallS - detectS)) / detectS).toFixed(1)} %)`,
  );
  console.log(
    `redis commands per episode job (season jobs included) ${one.redisCommandsPerEpisode.toFixed(0)}`,
  );
  console.log(
    `2 workers / 1 worker speed-up ${(one.wallS / two.wallS).toFixed(2)}× on ${cpus().length} CPU(s)`,
  );
  const perWorker = (files.length * 3600) / one.wallS;
  const episodeS = one.wallS / files.length;
  const perWorkerCommandsS = one.redisCommandsPerEpisode / episodeS;
  // Assumption: one Redis serves 50,000 BullMQ commands/s (a few scripts among simple
  // commands; redis-benchmark gives ~100,000 simple ones/s on one core).
  const REDIS_OPS = 50_000;
  console.log(
    [
      'extrapolation (assumptions: one worker per machine like this one, the same kind of episodes, the library on a file server that keeps up, which is not measured here):',
      `  N machines ≈ N × ${perWorker.toFixed(0)} episodes/h (the workers share nothing but Redis);`,
      `  each worker asks Redis ~${perWorkerCommandsS.toFixed(0)} commands/s (${one.redisCommandsPerEpisode.toFixed(0)} per episode over ${episodeS.toFixed(1)} s),`,
      `  so at ${REDIS_OPS} commands/s one Redis serves up to ~${Math.floor(REDIS_OPS / perWorkerCommandsS)} such workers; with real episodes (~10× longer to detect) ~10× more.`,
    ].join('\n'),
  );
} finally {
  rmSync(root, { recursive: true, force: true });
}
