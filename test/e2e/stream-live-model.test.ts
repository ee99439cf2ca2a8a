import { cpSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { lastValueFrom, toArray } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultModelDir, defaultStreamModelDir } from '../../src/fusion/modelConfig.js';
import { detectStream, type DecidedSecond } from '../../src/live/detectStream.js';
import { scratch } from '../helpers/clips.js';
import { liveEpisodeTs } from '../helpers/liveHls.js';

// A live model (test/fixtures/models/tiny-fused-live: its audio encoder hears 1 s past each
// second's centre) carries the look-ahead a stream should use with it (model.json
// stream.lookahead); an explicit look-ahead wins. How much sooner its seconds arrive is
// test/unit/join-seconds.test.ts; that its graph ignores the rest of the window, parity.test.ts.

const tmp = scratch('introdetect-live-model-');
let clip: string;
let models: string;

beforeAll(() => {
  clip = tmp.path('episode.ts');
  liveEpisodeTs(clip, 30);
  models = join(tmp.dir, 'tiny-fused-live');
  cpSync('test/fixtures/models/tiny-fused-live', models, { recursive: true });
  const config = JSON.parse(readFileSync(join(models, 'model.json'), 'utf8')) as object;
  writeFileSync(
    join(models, 'model.json'),
    JSON.stringify({ ...config, stream: { lookahead: 1 } }),
  );
});
afterAll(() => tmp.cleanup());

/** Seconds each decision waited for beyond its own (telemetry), until the input ended. */
async function waits(lookahead?: number): Promise<number[]> {
  const decided: DecidedSecond[] = [];
  await lastValueFrom(
    detectStream(clip, {
      modelDir: models,
      ...(lookahead !== undefined ? { lookahead } : {}),
      onDecided: (d) => decided.push(d),
    }).pipe(toArray()),
  );
  const last = Math.max(...decided.map((d) => d.arrived));
  expect(decided.map((d) => d.t)).toEqual(decided.map((_, i) => i)); // every second, once
  return decided.filter((d) => d.arrived < last).map((d) => d.arrived - 1 - d.t);
}

describe('a live model in a stream', () => {
  it("decides with the model's look-ahead (stream.lookahead) unless told another", async () => {
    const own = await waits();
    expect(Math.min(...own)).toBe(1);
    const told = await waits(3);
    expect(Math.min(...told)).toBe(3);
  });

  it('is the default model of a fused stream where the package ships models/live', () => {
    expect(defaultStreamModelDir('vision')).toBe(defaultModelDir('vision'));
    const live = defaultModelDir('fused').replace(/fused\/?$/, 'live/');
    expect(defaultStreamModelDir('fused')).toBe(
      existsSync(join(live, 'model.json')) ? live : defaultModelDir('fused'),
    );
  });
});
