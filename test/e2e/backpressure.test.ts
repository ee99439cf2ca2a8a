import { setTimeout as sleep } from 'node:timers/promises';
import { firstValueFrom, take, toArray } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AbortedError } from '../../src/errors.js';
import { dumpFeatures } from '../../src/features/dumpFeatures.js';
import { secondSamples } from '../../src/features/secondSamples.js';
import { Demand } from '../../src/streams/demand.js';
import { ffmpegPidsMentioning, scratch, testClip } from '../helpers/clips.js';

const tmp = scratch();
let long: string;

beforeAll(() => {
  long = tmp.path('long five minutes.mkv'); // a space in the path, on purpose
  testClip(long, 300);
});
afterAll(() => tmp.cleanup());

async function waitForNoFfmpeg(needle: string): Promise<number[]> {
  for (let i = 0; i < 40 && ffmpegPidsMentioning(needle).length > 0; i++) await sleep(50);
  return ffmpegPidsMentioning(needle);
}

describe('backpressure', () => {
  it('a consumer that stops acknowledging stops the decoder; it resumes when acknowledged', async () => {
    const demand = new Demand(8);
    let received = 0;
    let maxOutstanding = 0;
    const done = new Promise<void>((resolve, reject) => {
      secondSamples(long, { demand }).subscribe({
        next: () => {
          received++;
          maxOutstanding = Math.max(maxOutstanding, demand.outstanding);
        },
        error: reject,
        complete: resolve,
      });
    });
    await sleep(1500);
    const whilePaused = received;
    await sleep(1000);
    // Nothing more arrived while the consumer held 8 unacknowledged seconds…
    expect(received).toBe(whilePaused);
    expect(received).toBeLessThanOrEqual(8 + 6);
    expect(ffmpegPidsMentioning('long five minutes')).toHaveLength(1); // …ffmpeg is blocked, not gone
    // Acknowledge slowly (asynchronously, a few at a time) until the end.
    const pump = setInterval(() => demand.release(demand.outstanding), 1);
    await done;
    clearInterval(pump);
    expect(received).toBe(300);
    expect(maxOutstanding).toBeLessThanOrEqual(8 + 6);
  });
});

describe('cancellation', () => {
  it('unsubscribing early kills ffmpeg and leaves no child process', async () => {
    const first = await firstValueFrom(secondSamples(long).pipe(take(3), toArray()));
    expect(first.map((s) => s.t)).toEqual([0, 1, 2]);
    expect(await waitForNoFfmpeg('long five minutes')).toEqual([]);
  });

  it('aborting the signal kills ffmpeg and errors with ABORTED', async () => {
    const controller = new AbortController();
    const error = await new Promise<unknown>((resolve) => {
      secondSamples(long, { signal: controller.signal }).subscribe({
        next: (s) => {
          if (s.t === 2) controller.abort(new Error('user pressed Ctrl-C'));
        },
        error: resolve,
        complete: () => resolve(undefined),
      });
    });
    expect(error).toBeInstanceOf(AbortedError);
    expect(await waitForNoFfmpeg('long five minutes')).toEqual([]);
  });

  it('aborting a features dump rejects with ABORTED and stops ffmpeg', async () => {
    const controller = new AbortController();
    const dump = dumpFeatures(long, tmp.path('aborted-dump'), {
      signal: controller.signal,
      onProgress: (s) => {
        if (s === 3) controller.abort(new Error('stop'));
      },
    });
    await expect(dump).rejects.toBeInstanceOf(AbortedError);
    expect(await waitForNoFfmpeg('long five minutes')).toEqual([]);
  });
});
