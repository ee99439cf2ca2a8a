import { readFile, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { InvalidArgumentError } from '../errors.js';
import { locateFfmpeg, type LocateFfmpegOptions } from '../streams/locateFfmpeg.js';
import { pathExists, writeOnce } from '../util/atomicFile.js';
import { buildEpisode, type SharedRenders } from './buildEpisode.js';
import { planCorpus } from './corpusPlan.js';
import { labelsJson, manifestJson, splitsJson } from './corpusFiles.js';
import { scanMediaPool } from './mediaPool.js';
import { contextFor, type RenderContext } from './renderContext.js';
import { renderIntro } from './renderIntro.js';
import { renderLogo } from './renderLogo.js';
import { hashString } from './rng.js';
import type { CorpusOptions, CorpusPlan, EpisodePlan, Split, StingDesign } from './types.js';

export interface BuildCorpusOptions extends LocateFfmpegOptions {
  media: string;
  out: string;
  corpus: CorpusOptions;
  /** Episodes rendered at the same time (default 1). */
  jobs?: number;
  /**
   * Render only the episodes of these splits (default: all). The plan, labels and stamp are the
   * whole corpus's, so a later run without it finishes the rest.
   */
  splits?: readonly Split[];
  signal?: AbortSignal;
  /** One line per event (default: stderr). */
  log?: (line: string) => void;
}

export interface BuildCorpusResult {
  plan: CorpusPlan;
  built: string[];
  skipped: string[];
  seconds: number;
}

/** Memoises async work by key so parallel episodes render a shared part once. */
function memo<T>(): (key: string, make: () => Promise<T>) => Promise<T> {
  const cache = new Map<string, Promise<T>>();
  return (key, make) => {
    let p = cache.get(key);
    if (!p) {
      p = make();
      p.catch(() => cache.delete(key));
      cache.set(key, p);
    }
    return p;
  };
}

/** Refuses to resume into a folder that was built from other options (its episodes would differ). */
async function checkStamp(out: string, options: CorpusOptions): Promise<void> {
  const stamp = join(out, 'corpus.json');
  const wanted = JSON.stringify({ generator: 'introdetect corpus', version: 1, options }, null, 2);
  if (await pathExists(stamp)) {
    const found = await readFile(stamp, 'utf8');
    if (found.trim() !== wanted.trim()) {
      throw new InvalidArgumentError(
        `${out} holds a corpus built with other options (${stamp}). Use a new --out folder, or the same --seed/--series/--episodes/--min-minutes/--max-minutes/--max-width to resume it.`,
      );
    }
    return;
  }
  await writeOnce(stamp, (tmp) => writeFile(tmp, `${wanted}\n`));
}

/**
 * Builds (or resumes) a synthetic corpus: plans it from the seed and the media pool, renders
 * every missing episode (`jobs` at a time; intros and the logo rendered once into
 * OUT/.cache), then writes labels.json, splits.json and manifest.json.
 */
export async function buildCorpus(options: BuildCorpusOptions): Promise<BuildCorpusResult> {
  // Absolute paths: the concat lists name parts relative to nothing.
  const o = { ...options, media: resolve(options.media), out: resolve(options.out) };
  const t0 = performance.now();
  const log = o.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const { ffmpeg, ffprobe } = locateFfmpeg(o);
  const signal = o.signal;
  const pool = await scanMediaPool(o.media, ffprobe, {
    ...(signal ? { signal } : {}),
    ...(o.corpus.use ? { use: o.corpus.use } : {}),
  });
  const plan = planCorpus(pool, o.corpus);
  await checkStamp(o.out, o.corpus);
  const cacheDir = join(o.out, '.cache');
  const base = { ffmpeg, mediaRoot: pool.root, cacheDir, ...(signal ? { signal } : {}) };
  const seriesById = new Map(plan.series.map((s) => [s.id, s]));
  const once = memo<string>();
  const shared: SharedRenders = {
    intro: (ctx: RenderContext, id: string, opening: 1 | 2) => {
      const s = seriesById.get(id);
      if (!s) throw new Error(`unknown series ${id}`);
      const design = opening === 2 ? s.secondOpening?.design : s.intro;
      if (!design) throw new Error(`series ${id} has no second opening`);
      const key = hashString(JSON.stringify([design, ctx.width, ctx.height, ctx.fps])).toString(16);
      // The first opening keeps its file name, so caches of earlier builds are reused.
      const name = opening === 2 ? `${id}-opening2` : id;
      const file = join(
        cacheDir,
        'intros',
        `${name}-${ctx.width}x${ctx.height}@${ctx.fps}-${key}.mkv`,
      );
      return once(file, async () => {
        if (await writeOnce(file, (tmp) => renderIntro(ctx, design, tmp)))
          log(
            `intro ${id}${opening === 2 ? ' (second opening)' : ''} (${design.duration} s, ${design.style}) rendered`,
          );
        return file;
      });
    },
    logo: (ctx: RenderContext, seconds: number, design?: StingDesign) => {
      // A studio's own sting is keyed by its design; the shared one keeps its old name.
      const key = design ? `-${hashString(JSON.stringify(design)).toString(16)}` : '';
      const file = join(
        cacheDir,
        'logo',
        `logo-${seconds}s-${ctx.width}x${ctx.height}@${ctx.fps}${key}.mkv`,
      );
      return once(file, async () => {
        await writeOnce(file, (tmp) => renderLogo(ctx, seconds, tmp, design));
        return file;
      });
    },
  };

  const splitOf = new Map(plan.series.map((s) => [s.id, s.split]));
  const wanted = o.splits
    ? plan.episodes.filter((ep) => o.splits!.includes(splitOf.get(ep.series)!))
    : plan.episodes;
  const total = wanted.length;
  log(
    `corpus: ${plan.series.length} series × ${o.corpus.episodes} episodes, seed ${o.corpus.seed}, ${Math.round(wanted.reduce((s, e) => s + e.duration, 0) / 60)} min of video${o.splits ? ` (splits ${o.splits.join(', ')}: ${total} of ${plan.episodes.length} episodes)` : ''} → ${o.out}`,
  );
  const built: string[] = [];
  const skipped: string[] = [];
  let next = 0;
  let done = 0;
  let failed = false;
  const worker = async (): Promise<void> => {
    for (;;) {
      // After a failure, the other workers finish their episode and stop.
      const ep: EpisodePlan | undefined = failed ? undefined : wanted[next++];
      if (!ep) return;
      const t = performance.now();
      const ctx = contextFor(base, ep.format);
      const fresh = await buildEpisode(ctx, ep, {
        outDir: o.out,
        workDir: join(o.out, '.work', ep.id),
        shared,
      }).catch((err: unknown) => {
        failed = true;
        throw err;
      });
      done++;
      (fresh ? built : skipped).push(ep.id);
      const f = ep.format;
      log(
        `[${done}/${total}] ${ep.id} ${fresh ? `built in ${((performance.now() - t) / 1000).toFixed(1)} s` : 'already built'} ` +
          `(${ep.duration} s, ${f.videoCodec}/${f.audioCodec} ${f.container} ${f.width}x${f.height} ${f.frameRate} fps, ` +
          `intro ${ep.intro ? `${ep.intro.start}-${ep.intro.end}` : 'none'}, credits ${ep.credits ? `${ep.credits.start}-${ep.credits.end}` : 'none'})`,
      );
    }
  };
  const jobs = Math.max(1, Math.min(o.jobs ?? 1, total));
  const workers = Array.from({ length: jobs }, () => worker());
  const results = await Promise.allSettled(workers);
  const failure = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failure) throw failure.reason;

  const write = (name: string, value: unknown): Promise<void> =>
    writeFile(join(o.out, name), `${JSON.stringify(value, null, 2)}\n`);
  await write('labels.json', labelsJson(plan));
  await write('splits.json', splitsJson(plan));
  await write('manifest.json', manifestJson(plan, pool.root));
  await rm(join(o.out, '.work'), { recursive: true, force: true });
  const seconds = (performance.now() - t0) / 1000;
  log(
    `corpus done: ${built.length} built, ${skipped.length} already there, ${seconds.toFixed(1)} s`,
  );
  return { plan, built, skipped, seconds };
}
