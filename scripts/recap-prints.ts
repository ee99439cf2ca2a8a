/**
 * Detects every episode of a labelled corpus once, alone, with the shipped model, and keeps
 * its result and the print of every decoded second (what the series step compares), one file
 * per episode: what `scripts/recap-measure.ts` runs the series step over, again and again,
 * without decoding anything twice, and its 1-fps frames as the model sees them (`<id>.prints.frames`,
 * to try other picture prints on). Episodes already printed are skipped (re-run to resume).
 *
 *   npx tsx scripts/recap-prints.ts --labels .cache/corpus24/labels.json \
 *     --out .cache/recap-prints/corpus24 [--models models/fused]
 */
import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { mediaPathOf } from '../src/features/featurizeLabelled.js';
import { detectEpisode } from '../src/fusion/detectEpisode.js';
import { EpisodeModel } from '../src/fusion/episodeModel.js';
import { defaultModelDir } from '../src/fusion/modelConfig.js';
import { readLabels } from '../src/labels/readLabels.js';
import { secondPrint, type SecondPrint } from '../src/series/secondPrint.js';
import { encodeFrames, encodePrints } from './recap-prints-file.js';

const { values } = parseArgs({
  options: {
    labels: { type: 'string' },
    out: { type: 'string' },
    models: { type: 'string' },
  },
});
if (!values.labels || !values.out) throw new Error('--labels FILE and --out DIR are required');
const labelsPath = resolve(values.labels);
const out = resolve(values.out);
mkdirSync(out, { recursive: true });
const { labels } = await readLabels(labelsPath);
const model = await EpisodeModel.load(values.models ?? defaultModelDir('fused'));
try {
  let done = 0;
  for (const label of labels) {
    done++;
    const path = join(out, `${label.id}.prints`);
    if (existsSync(path) && existsSync(`${path}.frames`)) continue;
    const file = mediaPathOf(label, dirname(labelsPath));
    if (!file || !existsSync(file)) {
      console.error(`${label.id}: no media, skipped`);
      continue;
    }
    const seconds = new Map<number, SecondPrint>();
    const frames = new Map<number, Uint8Array>();
    const t0 = Date.now();
    const result = await detectEpisode(file, {
      model,
      onSample: (sample, second) => {
        if (seconds.has(second)) return;
        seconds.set(second, secondPrint(sample, model.config.frameSize));
        frames.set(second, sample.frame.slice());
      },
    });
    writeFileSync(`${path}.tmp`, encodePrints(result, seconds));
    renameSync(`${path}.tmp`, path);
    writeFileSync(`${path}.frames.tmp`, encodeFrames(frames, model.config.frameSize));
    renameSync(`${path}.frames.tmp`, `${path}.frames`);
    console.error(
      `[${done}/${labels.length}] ${label.id}: ${seconds.size} s printed, ${((Date.now() - t0) / 1000).toFixed(1)} s`,
    );
  }
} finally {
  await model.dispose();
}
