import { type RunHelpers, TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';
import { LogMelAnalyzer } from '../../src/audio/logMel.js';
import { MEL } from '../../src/audio/melConfig.js';
import { InvalidArgumentError, StreamsOutOfStepError } from '../../src/errors.js';
import {
  DEFAULT_MAX_BUFFERED,
  type JoinHeld,
  joinSeconds,
  type SecondSample,
} from '../../src/features/joinSeconds.js';
import type { DecodeEvent } from '../../src/streams/decode.js';

// joinSeconds as a specification: marble diagrams over a hand-made decoder output. In the
// source diagrams `s` is the start event, digits (then A, B …) are the frames of seconds 0, 1 …,
// `a`, `b` … are 5-s PCM chunks in order and `e` is the end; in the results a digit is the
// second of that index, joined with its frame and its mel window.

/** Runs `body` in virtual time; `at(tick, f)` calls f at that tick, before the tick's events. */
function marbles(
  body: (helpers: RunHelpers, at: (tick: number, f: () => void) => void) => void,
): void {
  const scheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
  scheduler.run((helpers) => body(helpers, (tick, f) => scheduler.schedule(f, tick)));
}

const FRAME_KEYS = '0123456789ABCDEFGHIJ';
const CHUNK_SECONDS = 5;
const CHUNK_KEYS = 'abcd';

function start(audio: boolean): DecodeEvent {
  return { kind: 'start', info: undefined, frameSize: 1, video: true, audio, origin: 0 };
}

const frames = [...FRAME_KEYS].map((_, t): DecodeEvent => ({
  kind: 'frame',
  t,
  rgb: Uint8Array.of(t, 2 * t, 3 * t),
}));
const rgb = (t: number) => (frames[t] as { rgb: Uint8Array }).rgb;

/** Chunk k: a tone whose pitch and loudness change every second, so each window differs. */
const chunks = [...CHUNK_KEYS].map((_, k): DecodeEvent => {
  const n = CHUNK_SECONDS * MEL.sampleRate;
  const samples = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const second = k * CHUNK_SECONDS + Math.floor(i / MEL.sampleRate);
    const f = 200 + 150 * second;
    samples[i] = 0.05 * (1 + second) * Math.sin((2 * Math.PI * f * i) / MEL.sampleRate);
  }
  return { kind: 'pcm', offset: k * n, samples };
});
const samplesOf = (k: number) => (chunks[k] as { samples: Float32Array }).samples;

const end = (seconds: number): DecodeEvent => ({
  kind: 'end',
  seconds,
  framesDecoded: seconds,
  samplesDecoded: seconds * MEL.sampleRate,
});

function sourceValues(audio: boolean, seconds: number): Record<string, DecodeEvent> {
  const values: Record<string, DecodeEvent> = { s: start(audio), e: end(seconds) };
  frames.forEach((f, t) => (values[FRAME_KEYS[t]!] = f));
  chunks.forEach((c, k) => (values[CHUNK_KEYS[k]!] = c));
  return values;
}

/** The log-mel frames of the first `chunkCount` chunks, analysed in one go, padded to the end. */
function referenceMel(chunkCount: number, seconds: number): Float32Array {
  const all = new Float32Array(chunkCount * CHUNK_SECONDS * MEL.sampleRate);
  for (let k = 0; k < chunkCount; k++) all.set(samplesOf(k), k * samplesOf(0).length);
  const analyzer = new LogMelAnalyzer();
  const head = analyzer.push(all);
  const tail = analyzer.finish((seconds - 1) * MEL.framesPerSecond + MEL.windowFrames);
  const out = new Float32Array(head.length + tail.length);
  out.set(head);
  out.set(tail, head.length);
  return out;
}

/** Expected results: second t with its frame and [t − 5 s, t + 5 s) of `mel` (or no mel). */
function expectedSeconds(count: number, mel: Float32Array | null): Record<string, SecondSample> {
  const values: Record<string, SecondSample> = {};
  for (let t = 0; t < count; t++) {
    const first = t * MEL.framesPerSecond * MEL.bands;
    values[FRAME_KEYS[t]!] = {
      t,
      frame: rgb(t),
      mel: mel ? mel.subarray(first, first + MEL.windowFrames * MEL.bands) : null,
    };
  }
  return values;
}

const none = (): JoinHeld => ({ frames: 0, melFrames: 0 });

describe('joinSeconds', () => {
  it('emits second t once its frame and the audio up to t + 5 s have arrived, the rest at the end', () => {
    marbles(({ cold, expectObservable, expectSubscriptions }) => {
      // Ten frames run ahead (exactly maxBuffered), then 10 s of audio completes the windows
      // of seconds 0–4; the end pads the audio with silence for seconds 5–9.
      const source = cold('s0123456789ab------(e|)', sourceValues(true, 10));
      const result = source.pipe(joinSeconds({ maxBuffered: 10 }));
      expectObservable(result).toBe(
        '------------(01234)(56789|)',
        expectedSeconds(10, referenceMel(2, 10)),
      );
      expectSubscriptions(source.subscriptions).toBe('^------------------!');
    });
  });

  it('for a live model (audioFuture 1 s), emits second t once the audio up to t + 1 s has arrived, silent beyond what came', () => {
    // 5 s of audio after the analyser's 5 s of leading silence: whole windows for no second
    // yet, but up to t + 1 s for seconds 0–3; 5 s more bring seconds 4–8. Each window holds
    // every frame that had come when it was emitted and silence after it (second 4's was
    // whole: a view as before); the end pads the audio for second 9.
    const analyzer = new LogMelAnalyzer();
    const first = analyzer.push(samplesOf(0));
    const second = analyzer.push(samplesOf(1));
    const both = new Float32Array(first.length + second.length);
    both.set(first);
    both.set(second, first.length);
    const asEmitted = (t: number, arrived: Float32Array) => {
      const w = new Float32Array(MEL.windowFrames * MEL.bands);
      const from = t * MEL.framesPerSecond * MEL.bands;
      w.set(arrived.subarray(from, from + w.length));
      return w;
    };
    const expected = expectedSeconds(10, referenceMel(2, 10));
    for (let t = 0; t < 9; t++) {
      const key = FRAME_KEYS[t]!;
      expected[key] = { ...expected[key]!, mel: asEmitted(t, t < 4 ? first : both) };
    }
    expect(expected['4']!.mel).toEqual(expectedSeconds(5, referenceMel(2, 10))['4']!.mel);
    marbles(({ cold, expectObservable }) => {
      const source = cold('s0123456789a---------b---------(e|)', sourceValues(true, 10));
      expectObservable(source.pipe(joinSeconds({ maxBuffered: 10, audioFuture: 1 }))).toBe(
        '-----------(0123)----(45678)---(9|)',
        expected,
      );
    });
  });

  it('without audio, emits each frame as it arrives with no mel window', () => {
    marbles(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('s012(e|)', sourceValues(false, 3));
      expectObservable(source.pipe(joinSeconds())).toBe('-012|', expectedSeconds(3, null));
      expectSubscriptions(source.subscriptions).toBe('^---!');
    });
  });

  it('unsubscribing early unsubscribes from the source and frees what it held', () => {
    const held = none();
    let whileRunning: JoinHeld | undefined;
    marbles(({ cold, expectObservable, expectSubscriptions }, at) => {
      const source = cold('s0123a-----b--(e|)', sourceValues(true, 10));
      expectObservable(source.pipe(joinSeconds({ held })), '--------!').toBe('---------');
      expectSubscriptions(source.subscriptions).toBe('^-------!');
      at(7, () => (whileRunning = { ...held }));
    });
    // Four frames and 5 s of audio (plus 5 s of leading silence, less the FFT's look-ahead)
    // were waiting for the rest of the first window …
    const melFrames = new LogMelAnalyzer().push(samplesOf(0)).length / MEL.bands;
    expect(whileRunning).toEqual({ frames: 4, melFrames });
    // … and nothing is held once unsubscribed.
    expect(held).toEqual(none());
  });

  it('passes a source error straight through and frees what it held', () => {
    const held = none();
    marbles(({ cold, expectObservable, expectSubscriptions }) => {
      const failure = new Error('ffmpeg went away');
      const source = cold('s01a#', sourceValues(true, 10), failure);
      expectObservable(source.pipe(joinSeconds({ held }))).toBe('----#', undefined, failure);
      expectSubscriptions(source.subscriptions).toBe('^---!');
    });
    expect(held).toEqual(none());
  });

  describe('bound on what it buffers (maxBuffered)', () => {
    it('errors when the video runs more than maxBuffered seconds ahead, unsubscribing and freeing', () => {
      const held = none();
      let atTheBound: JoinHeld | undefined;
      marbles(({ cold, expectObservable, expectSubscriptions }, at) => {
        // Frames of seconds 0–10 and no audio: ten are held, the eleventh is one too many.
        const source = cold('s0123456789-AB', sourceValues(true, 12));
        expectObservable(source.pipe(joinSeconds({ maxBuffered: 10, held }))).toBe(
          '------------#',
          undefined,
          new StreamsOutOfStepError('video', 0, 10),
        );
        expectSubscriptions(source.subscriptions).toBe('^-----------!');
        at(11, () => (atTheBound = { ...held }));
      });
      expect(atTheBound).toEqual({ frames: 10, melFrames: 0 });
      expect(held).toEqual(none());
    });

    it('errors when the audio runs more than maxBuffered seconds past the next window, unsubscribing and freeing', () => {
      const held = none();
      marbles(({ cold, expectObservable, expectSubscriptions }) => {
        // 5-s chunks and one frame: after 10 s second 0 is out and second 1's window needs
        // audio to 6 s; after 15 s the audio is 9 s past that, after 20 s 14 s: too far.
        const source = cold('s0abcd', sourceValues(true, 30));
        expectObservable(source.pipe(joinSeconds({ maxBuffered: 10, held }))).toBe(
          '---0-#',
          expectedSeconds(1, referenceMel(4, 30)),
          new StreamsOutOfStepError('audio', 1, 10),
        );
        expectSubscriptions(source.subscriptions).toBe('^----!');
      });
      expect(held).toEqual(none());
    });

    it('with the streams in step, holds only the frames that wait for the last 5 s of their window', () => {
      const held = none();
      let most = 0;
      marbles(({ cold, expectObservable }, at) => {
        // Audio leads by 10 s, then a frame a tick: seconds 0–4 go out as their frames arrive,
        // 5–9 wait for the next chunk.
        const source = cold('sab0123456789c------(e|)', sourceValues(true, 10));
        expectObservable(source.pipe(joinSeconds({ held }))).toBe(
          '---01234-----(56789)|',
          expectedSeconds(10, referenceMel(3, 10)),
        );
        for (let tick = 1; tick <= 21; tick++) at(tick, () => (most = Math.max(most, held.frames)));
      });
      expect(most).toBe(5);
      expect(most).toBeLessThan(DEFAULT_MAX_BUFFERED);
      expect(held).toEqual(none());
    });

    it('refuses a bound below one mel window (10 s): the streams in step would exceed it', () => {
      expect(() => joinSeconds({ maxBuffered: 9 })).toThrow(InvalidArgumentError);
      expect(() => joinSeconds({ maxBuffered: Number.NaN })).toThrow(InvalidArgumentError);
      expect(() => joinSeconds({ maxBuffered: 10 })).not.toThrow();
    });
  });
});
