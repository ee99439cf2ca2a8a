/**
 * How many live HLS channels one `stream --config` process keeps up with on this machine
 * (run with `nice`; figures in the README):
 *
 *   tsx bench/channels.ts [--channels 1,4,8,12] [--seconds 150] [--size 1280x720] [--models DIR]
 *   tsx bench/channels.ts --channels 4 --seconds 7200 --rss-every 300   (memory over 2 h)
 *
 * One generated episode (lavfi, H.264 at 25 fps with a keyframe every 2 s, AAC) is published N
 * times as N live HLS playlists (ffmpeg `-re -c copy`, 2-s segments, program date-time on)
 * and followed by one ChannelRunner, the same code path as `stream --config`: one model worker
 * shared, one ffmpeg per channel. For each N it prints the CPU seconds per stream minute (this
 * process, its inference worker and the decoding ffmpegs; not the publishers), the channels'
 * seconds behind live at the end (p50 / max) and their growth over the run: a channel keeps up
 * when that stays within a few seconds (the stream's own latency), and falls behind when it
 * grows with stream time.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EpisodeModel } from '../src/fusion/episodeModel.js';
import { ChannelRunner } from '../src/live/channelRunner.js';
import { createLogger } from '../src/util/logger.js';
import { flagValue } from './lib/argv.js';
import { childrenOf, procStat } from './lib/proc.js';
import { serveFolder } from './lib/serveFolder.js';

const args = process.argv.slice(2);
const flag = (name: string, fallback: string) => flagValue(args, name, fallback);
const MODELS = flag(
  'models',
  existsSync('models/fused/model.json') ? 'models/fused' : 'test/fixtures/models/tiny-fused',
);
const counts = flag('channels', '1,4,8,12').split(',').map(Number);
const seconds = Number(flag('seconds', '150'));
const size = flag('size', '1280x720');
const rssEvery = Number(flag('rss-every', '0'));
/** The generated episode; longer runs publish it in a loop. */
const EPISODE_SECONDS = Math.min(seconds + 20, 600);
const PUBLISHER_TAG = 'introdetect-bench-publish';
const mb = (b: number) => b / 2 ** 20;

const fmt = (n: number, d = 1) => (Number.isFinite(n) ? n.toFixed(d) : 'n/a');
const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor(q * s.length))]! : NaN;
};

/** Least-squares slope of y over x. */
function slope(points: Array<[number, number]>): number {
  const n = points.length;
  const mx = points.reduce((a, [x]) => a + x, 0) / n;
  const my = points.reduce((a, [, y]) => a + y, 0) / n;
  let num = 0;
  let den = 0;
  for (const [x, y] of points) {
    num += (x - mx) * (y - my);
    den += (x - mx) ** 2;
  }
  return den > 0 ? num / den : 0;
}

/** CPU seconds of this process and its children, publishers left out (1/100-s ticks). */
function cpuSeconds(): number {
  let total = procStat('self').cpuTicks;
  for (const pid of childrenOf(process.pid)) {
    try {
      if (readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(PUBLISHER_TAG)) continue;
      total += procStat(pid).cpuTicks;
    } catch {
      // ended between listing and reading
    }
  }
  return total / 100;
}

function makeEpisode(out: string): void {
  const r = spawnSync(
    'ffmpeg',
    [
      ...['-hide_banner', '-loglevel', 'error', '-y', '-f', 'lavfi', '-i'],
      `testsrc2=size=${size}:rate=25:duration=${EPISODE_SECONDS}`,
      ...['-f', 'lavfi', '-i', `sine=f=440:sample_rate=48000:duration=${EPISODE_SECONDS}`],
      ...['-c:v', 'libx264', '-preset', 'veryfast', '-g', '50', '-c:a', 'aac'],
      ...['-f', 'mpegts', out],
    ],
    { stdio: 'inherit' },
  );
  if (r.status !== 0) throw new Error('could not generate the bench episode');
}

/** ffmpeg -re publishing `episode` (looped) into `dir/live.m3u8`; the tag marks it in /proc. */
function publish(episode: string, dir: string): ChildProcess {
  mkdirSync(dir, { recursive: true });
  return spawn(
    'ffmpeg',
    [
      ...['-hide_banner', '-loglevel', 'error', '-re', '-stream_loop', '-1', '-i', episode],
      ...['-t', String(seconds + 20), '-c', 'copy'],
      ...['-metadata', `comment=${PUBLISHER_TAG}`, '-f', 'hls', '-hls_time', '2'],
      ...['-hls_list_size', '10', '-hls_flags', 'delete_segments+program_date_time'],
      join(dir, 'live.m3u8'),
    ],
    { stdio: 'ignore' },
  );
}

async function measure(n: number, episode: string, root: string, model: EpisodeModel) {
  const dirs = Array.from({ length: n }, (_, i) => join(root, `n${n}`, `ch${i}`));
  const publishers = dirs.map((d) => publish(episode, d));
  const server = await serveFolder(root);
  const runner = new ChannelRunner({
    models: [model],
    log: createLogger({ format: 'text', write: () => undefined }),
  });
  try {
    while (!dirs.every((d) => existsSync(join(d, 'live.m3u8'))))
      await new Promise((r) => setTimeout(r, 100));
    runner.apply(
      dirs.map((d, i) => ({
        name: `ch${i}`,
        input: server.url(`${d.slice(root.length + 1)}/live.m3u8`),
      })),
    );
    const warmup = 30;
    await new Promise((r) => setTimeout(r, warmup * 1000));
    const cpu0 = cpuSeconds();
    const at0 = await runner.status();
    const t0 = performance.now();
    const rss: Array<[number, number]> = [];
    const sampler =
      rssEvery > 0
        ? setInterval(() => {
            const h = (performance.now() - t0) / 3.6e6;
            const m = process.memoryUsage();
            rss.push([h, mb(m.rss)]);
            console.error(
              `# ${fmt(h * 60, 0)} min: RSS ${fmt(mb(m.rss))} MB, heap ${fmt(mb(m.heapUsed))} MB`,
            );
          }, rssEvery * 1000)
        : undefined;
    await new Promise((r) => setTimeout(r, (seconds - warmup - 10) * 1000));
    clearInterval(sampler);
    if (rss.length >= 3) {
      const after = rss.filter(([h]) => h >= 1 / 3); // from 20 min
      const ys = after.map(([, y]) => y);
      console.error(
        `# RSS from 20 min: ${fmt(Math.min(...ys))}–${fmt(Math.max(...ys))} MB, slope ${fmt(slope(after), 2)} MB/h`,
      );
    }
    const wall = (performance.now() - t0) / 1000;
    const cpu = cpuSeconds() - cpu0;
    const at1 = await runner.status();
    const behind0 = at0.map((c) => c.secondsBehindLive ?? NaN);
    const behind1 = at1.map((c) => c.secondsBehindLive ?? NaN);
    const growth = behind1.map((b, i) => b - behind0[i]!);
    const decided = at1.map((c, i) => c.decidedSeconds - at0[i]!.decidedSeconds);
    const perMinute = (cpu / decided.reduce((a, b) => a + b, 0)) * 60;
    const connected = at1.filter((c) => c.state === 'connected').length;
    console.log(
      `${n}\t${connected}/${n}\t${fmt(perMinute, 2)}\t${fmt((cpu / wall) * 100, 0)}%\t${fmt(quantile(behind1, 0.5))} / ${fmt(Math.max(...behind1))}\t${fmt(Math.max(...growth))}\t${fmt(Math.min(...decided) / wall, 2)}`,
    );
  } finally {
    await runner.stop();
    for (const p of publishers) p.kill();
    await server.close();
  }
}

const root = mkdtempSync(join(tmpdir(), 'introdetect-bench-channels-'));
try {
  const episode = join(root, 'episode.ts');
  makeEpisode(episode);
  const model = await EpisodeModel.load(MODELS);
  console.log(
    `# channels: live HLS ${size} H.264 25 fps (keyframe every 2 s, 2-s segments) ×N in one process, ${seconds} s each (30 s warm-up), models ${MODELS}`,
  );
  console.log(
    'channels\tconnected\tcpu_s/stream_min\tcpu_of_one_core\tbehind_live_s(p50 / max)\tbehind_growth_s(max)\tstream_s/wall_s(min)',
  );
  for (const n of counts) await measure(n, episode, root, model);
  await model.dispose();
} finally {
  rmSync(root, { recursive: true, force: true });
}
