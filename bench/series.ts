/**
 * Series-step benchmark (not a test): what joining the episodes of one series costs next to
 * detecting them.
 *
 *   npm run bench:series -- FILE...        # the episodes of one season, in order
 *   npm run bench:series -- --reach 1 FILE...   # default: the model's series.reach
 *
 * Each file is detected alone (model loaded once, prints of its intro span collected as
 * `detectSeries` does), then `refineSeries` runs on all of them; both are timed in this one run.
 */
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { detectEpisode } from '../src/fusion/detectEpisode.js';
import { EpisodeModel } from '../src/fusion/episodeModel.js';
import { defaultModelDir } from '../src/fusion/modelConfig.js';
import { seriesConfigOf } from '../src/series/seriesConfig.js';
import { refineSeries, type PrintedEpisode } from '../src/series/seriesJoiner.js';
import { secondPrint, type SecondPrint } from '../src/series/secondPrint.js';

const { values, positionals: files } = parseArgs({
  allowPositionals: true,
  options: { reach: { type: 'string' }, models: { type: 'string' } },
});
if (files.length < 2) throw new Error('give the episodes of one season (at least two files)');
const reach = values.reach === undefined ? undefined : Number(values.reach);

const model = await EpisodeModel.load(values.models ?? defaultModelDir('fused'));
const episodes: PrintedEpisode[] = [];
let detectMs = 0;
let printMs = 0;
let media = 0;
try {
  for (const file of files) {
    const seconds = new Map<number, SecondPrint>();
    const t0 = performance.now();
    const result = await detectEpisode(file, {
      model,
      onSample: (sample, second) => {
        const p0 = performance.now();
        if (!seconds.has(second)) seconds.set(second, secondPrint(sample, model.config.frameSize));
        printMs += performance.now() - p0;
      },
    });
    detectMs += performance.now() - t0;
    media += result.duration;
    const track = result.probabilities.intro;
    const prints = track.values.map((_, i) => seconds.get(track.from + i)!);
    episodes.push({ result, prints });
  }
} finally {
  await model.dispose();
}
// The model's own series step (its model.json `series` block), --reach over it.
const config = seriesConfigOf(model.config);
const t1 = performance.now();
const refined = refineSeries(episodes, reach === undefined ? {} : { reach }, config);
const seriesMs = performance.now() - t1;

const spanSeconds = episodes.map((e) => e.prints.length);
console.log(
  `episodes ${files.length}, media ${media.toFixed(0)} s, intro spans ${spanSeconds.join(', ')} s`,
);
console.log(`detect (all episodes, prints included) ${(detectMs / 1000).toFixed(2)} s`);
console.log(`  of which prints                      ${(printMs / 1000).toFixed(3)} s`);
console.log(
  `series step (reach ${reach ?? config.reach})               ${(seriesMs / 1000).toFixed(3)} s`,
);
console.log(`series step / detect                   ${((100 * seriesMs) / detectMs).toFixed(1)} %`);
for (const r of refined) {
  console.log(
    `${r.id}: intro ${r.intro ? `${r.intro.start}–${r.intro.end}` : 'none'}, repeated ${JSON.stringify(r.repeated)}`,
  );
}
