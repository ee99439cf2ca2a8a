import { readdirSync, readFileSync } from 'node:fs';
import { firstValueFrom, type Subscription, take, toArray } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
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

/** Polls `check` (an assertion) until it passes; fails with its last error after `timeout` ms. */
const eventually = (check: () => void, timeout = 30_000) =>
  vi.waitFor(check, { timeout, interval: 20 });

/** Waits until no ffmpeg mentioning `needle` runs (killed ones get SIGKILL after 2 s). */
const noFfmpegLeft = (needle: string) =>
  eventually(() => expect(ffmpegPidsMentioning(needle)).toEqual([]), 5_000);

/**
 * Whether a thread of process `pid` sleeps in a write to a full pipe: Linux names the kernel
 * function it waits in, /proc/<pid>/task/<tid>/wchan. Node's child stdio pipes are Unix socket
 * pairs (sock_alloc_send_pskb, sock_wait_for_wmem); real pipes show pipe_write, anon_pipe_write.
 */
function blockedWriting(pid: number): boolean {
  try {
    return readdirSync(`/proc/${pid}/task`).some((tid) =>
      /pipe_w|sock_alloc_send|wait_for_wmem|unix_stream_sendmsg/.test(
        readFileSync(`/proc/${pid}/task/${tid}/wchan`, 'utf8'),
      ),
    );
  } catch {
    return false; // gone, or no /proc
  }
}

describe('backpressure', () => {
  it('a consumer that stops acknowledging stops the decoder; it resumes when acknowledged', async () => {
    const demand = new Demand(8);
    let received = 0;
    let maxOutstanding = 0;
    let subscription: Subscription | undefined;
    let pump: NodeJS.Timeout | undefined;
    const done = new Promise<void>((resolve, reject) => {
      subscription = secondSamples(long, { demand }).subscribe({
        next: () => {
          received++;
          maxOutstanding = Math.max(maxOutstanding, demand.outstanding);
        },
        error: reject,
        complete: resolve,
      });
    });
    try {
      // The consumer acknowledges nothing: at 8 outstanding seconds the decoder pauses its
      // pipes…
      await eventually(() => expect(demand.saturated).toBe(true));
      const whenSaturated = received;
      // …so ffmpeg fills them and blocks in a write: stopped, not gone.
      const pids = ffmpegPidsMentioning('long five minutes');
      expect(pids).toHaveLength(1);
      await eventually(() => expect(blockedWriting(pids[0]!)).toBe(true));
      // Nothing more arrived while the consumer held its 8 unacknowledged seconds.
      expect(received).toBe(whenSaturated);
      expect(received).toBeLessThanOrEqual(8 + 6);
      expect(ffmpegPidsMentioning('long five minutes')).toEqual(pids);
      // Acknowledge slowly (asynchronously, a few at a time) until the end.
      pump = setInterval(() => demand.release(demand.outstanding), 1);
      await done;
      expect(received).toBe(300);
      expect(maxOutstanding).toBeLessThanOrEqual(8 + 6);
    } finally {
      clearInterval(pump);
      subscription?.unsubscribe(); // on failure, stop ffmpeg before the next test
    }
  });
});

describe('cancellation', () => {
  it('unsubscribing early kills ffmpeg and leaves no child process', async () => {
    const first = await firstValueFrom(secondSamples(long).pipe(take(3), toArray()));
    expect(first.map((s) => s.t)).toEqual([0, 1, 2]);
    await noFfmpegLeft('long five minutes');
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
    await noFfmpegLeft('long five minutes');
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
    await noFfmpegLeft('long five minutes');
  });
});
