import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { tap } from 'rxjs';
import { MEL } from '../audio/melConfig.js';
import { AbortedError } from '../errors.js';
import { Demand } from '../streams/demand.js';
import {
  decode,
  DEFAULT_FRAME_SIZE,
  type DecodeOptions,
  type DecodeStart,
} from '../streams/decode.js';
import type { MediaInfo } from '../streams/probe.js';
import { joinSeconds, type SecondSample } from './joinSeconds.js';
import { NpyWriter } from './npyWriter.js';

const FEATURES_FORMAT = 'introdetect-features';
const FEATURES_VERSION = 1;

/** meta.json of a feature dump; the format is documented in the README ("Feature dumps"). */
export interface FeaturesMeta {
  format: typeof FEATURES_FORMAT;
  version: typeof FEATURES_VERSION;
  input: string;
  info: MediaInfo | null;
  /** Input time of second 0 (`--from`). */
  origin: number;
  seconds: number;
  frame: { file: 'frames.npy'; size: number; layout: 'T,H,W,C'; dtype: 'uint8' };
  mel:
    | ({ file: 'mel.npy'; layout: 'F,B'; dtype: 'float32'; rows: number } & Omit<typeof MEL, never>)
    | null;
}

export interface DumpOptions extends DecodeOptions {
  onProgress?: (seconds: number) => void;
}

/**
 * Writes the per-second features of `input` to `outDir` (frames.npy, mel.npy, meta.json), as
 * the only feature extractor: training reads these files, inference computes the same stream.
 * mel.npy holds the continuous log-mel frames [(T − 1)·50 + 500, 64]; the window of second t is
 * rows [t·50, t·50 + 500). Files are written under a temporary name and renamed at the end.
 */
export async function dumpFeatures(
  input: string,
  outDir: string,
  options: DumpOptions = {},
): Promise<FeaturesMeta> {
  const tmp = `${outDir}.partial`;
  await rm(tmp, { recursive: true, force: true });
  await mkdir(tmp, { recursive: true });
  const size = options.frameSize ?? DEFAULT_FRAME_SIZE;
  const demand = new Demand(32);
  const frames = NpyWriter.create(join(tmp, 'frames.npy'), '|u1', [size, size, 3]);
  let mel: NpyWriter | undefined;
  let start: DecodeStart | undefined;
  let seconds = 0;
  let pending: SecondSample | undefined; // its window's first second is written when the next arrives
  let chain = Promise.resolve();

  const writeSecond = async (s: SecondSample, next: SecondSample | undefined) => {
    await frames.write(s.frame);
    if (s.mel && mel)
      await mel.write(next ? s.mel.subarray(0, MEL.framesPerSecond * MEL.bands) : s.mel);
  };

  try {
    await new Promise<void>((resolve, reject) => {
      const source = decode(input, { ...options, demand });
      const sub = source
        .pipe(
          tap((ev) => {
            if (ev.kind === 'start') {
              start = ev;
              if (ev.audio) mel = NpyWriter.create(join(tmp, 'mel.npy'), '<f4', [MEL.bands]);
            }
          }),
          joinSeconds({ demand }),
        )
        .subscribe({
          next(s) {
            const prev = pending;
            pending = s;
            seconds = s.t + 1;
            if (prev) {
              chain = chain
                .then(() => writeSecond(prev, s))
                .then(() => {
                  demand.release();
                  options.onProgress?.(prev.t + 1);
                });
              chain.catch(reject);
            }
          },
          error: reject,
          complete() {
            const last = pending;
            chain = chain.then(async () => {
              if (last) await writeSecond(last, undefined);
            });
            chain.then(resolve, reject);
          },
        });
      options.signal?.addEventListener(
        'abort',
        () => {
          sub.unsubscribe();
          reject(new AbortedError({ cause: options.signal?.reason }));
        },
        { once: true },
      );
    });
  } finally {
    await chain.catch(() => undefined);
    await frames.close();
    await mel?.close();
  }

  const meta: FeaturesMeta = {
    format: FEATURES_FORMAT,
    version: FEATURES_VERSION,
    input,
    info: start?.info ?? null,
    origin: options.from ?? 0,
    seconds,
    frame: { file: 'frames.npy', size, layout: 'T,H,W,C', dtype: 'uint8' },
    mel: mel ? { file: 'mel.npy', layout: 'F,B', dtype: 'float32', rows: mel.rows, ...MEL } : null,
  };
  await writeFile(join(tmp, 'meta.json'), `${JSON.stringify(meta, null, 2)}\n`);
  await rm(outDir, { recursive: true, force: true });
  await rename(tmp, outDir);
  return meta;
}
