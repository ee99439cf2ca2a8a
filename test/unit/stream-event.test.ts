import { describe, expect, it } from 'vitest';
import { formatStreamEvent, type StreamEvent } from '../../src/live/streamEvent.js';

const event = (name: StreamEvent['event'], streamTime: number): StreamEvent => ({
  event: name,
  streamTime,
  pts: streamTime + 1.442,
  wallTime: '2026-12-02T18:00:00.000Z',
  confidence: 0.5714,
});

describe('stream events as lines', () => {
  it('names every kind of event for people (--format text)', () => {
    expect(formatStreamEvent(event('recap.start', 180), 'text')).toBe(
      '0:03:00  Recap starts   (pts 181.442; confidence 0.57, decided 2026-12-02T18:00:00.000Z)\n',
    );
    expect(formatStreamEvent(event('intro.end', 206), 'text')).toMatch(
      /^0:03:26 {2}Intro ends {5}\(/,
    );
    expect(formatStreamEvent({ ...event('credits.start', 351), channel: 'news' }, 'text')).toMatch(
      /^\[news\] 0:05:51 {2}Credits starts \(/,
    );
  });

  it('writes one JSON object per line, the channel first and the confidence to 3 decimals', () => {
    const line = formatStreamEvent({ ...event('recap.end', 186), channel: 'news' }, 'jsonl');
    expect(line.endsWith('\n')).toBe(true);
    expect(Object.keys(JSON.parse(line) as object)[0]).toBe('channel');
    expect(JSON.parse(line)).toMatchObject({
      event: 'recap.end',
      streamTime: 186,
      confidence: 0.571,
    });
  });
});
