import { describe, expect, it } from 'vitest';
import { StreamClock } from '../../src/live/streamClock.js';
import { PTS_WRAP_SECONDS, unwrapNear } from '../../src/live/timestamps.js';
import { inputStartOf } from '../../src/streams/decode.js';

const W = PTS_WRAP_SECONDS;

describe('unwrapNear', () => {
  it('moves a raw value by whole wrap periods to the one nearest the reference', () => {
    expect(unwrapNear(5, 10)).toBe(5);
    expect(unwrapNear(2, W - 3)).toBeCloseTo(W + 2, 9);
    expect(unwrapNear(W - 2, 1)).toBeCloseTo(-2, 9);
    expect(unwrapNear(-2.34, W - 10)).toBeCloseTo(W - 2.34, 9);
    expect(unwrapNear(7, 3 * W + 5)).toBeCloseTo(3 * W + 7, 6);
  });
});

describe('StreamClock', () => {
  it('knows nothing before the first connection reports its start', () => {
    expect(new StreamClock().ptsAt(0)).toBeUndefined();
  });

  it('advances one second of PTS per stream second within a connection', () => {
    const clock = new StreamClock();
    clock.connected(0, 10.4);
    expect(clock.ptsAt(0)).toBeCloseTo(10.4, 9);
    expect(clock.ptsAt(125)).toBeCloseTo(135.4, 9);
  });

  it('takes a negative first start (an input about to wrap) modulo the wrap, and keeps counting past it', () => {
    const clock = new StreamClock();
    clock.connected(0, -12.340911);
    expect(clock.ptsAt(0)).toBeCloseTo(W - 12.340911, 6);
    expect(clock.ptsAt(30)).toBeCloseTo(W + 17.659089, 6);
  });

  it('a reconnect after the wrap continues the timeline instead of jumping back 26.5 h', () => {
    const clock = new StreamClock();
    clock.connected(0, W - 100);
    // 100 s delivered, then a 20-s outage; the live edge is now 20 s past the wrap.
    clock.connected(100, 20);
    expect(clock.ptsAt(99)).toBeCloseTo(W - 1, 6);
    expect(clock.ptsAt(100)).toBeCloseTo(W + 20, 6);
    // Earlier seconds still map through their own connection.
    expect(clock.ptsAt(50)).toBeCloseTo(W - 50, 6);
  });

  it('keeps a 64-bit start past the wrap (fMP4 decode times counted from 1970) as it is, across reconnects', () => {
    const clock = new StreamClock();
    const epoch = 1_764_547_200.48; // 2025-12-01 as CMAF packagers count it
    clock.connected(0, epoch);
    expect(clock.ptsAt(10)).toBeCloseTo(epoch + 10, 6);
    // 60 s delivered, a 15-s outage, resumed at the live edge.
    clock.connected(60, epoch + 75);
    expect(clock.ptsAt(60)).toBeCloseTo(epoch + 75, 6);
    expect(clock.ptsAt(30)).toBeCloseTo(epoch + 30, 6);
  });

  it('a connection that delivered nothing is replaced by the next one at the same origin', () => {
    const clock = new StreamClock();
    clock.connected(0, 1000);
    clock.connected(40, 1100);
    clock.connected(40, 1130);
    expect(clock.connections).toHaveLength(2);
    expect(clock.ptsAt(41)).toBeCloseTo(1131, 9);
  });
});

describe("ffmpeg's input description", () => {
  it('gives the start time that ffmpeg subtracts', () => {
    expect(inputStartOf('  Duration: N/A, start: 1.400000, bitrate: N/A')).toBe(1.4);
    expect(inputStartOf('  Duration: 00:00:04.02, start: -2.340911, bitrate: 416 kb/s')).toBe(
      -2.340911,
    );
    expect(inputStartOf("Input #0, mpegts, from 'pipe:0':")).toBeUndefined();
    expect(inputStartOf('  Duration: N/A, bitrate: N/A')).toBeUndefined();
  });
});
