import { describe, expect, it } from 'vitest';
import { LogMelAnalyzer } from '../../src/audio/logMel.js';
import { MEL } from '../../src/audio/melConfig.js';
import { MelWindowStore } from '../../src/audio/melWindows.js';

const sine = (freq: number, seconds: number, amplitude = 0.5) =>
  Float32Array.from(
    { length: Math.round(seconds * MEL.sampleRate) },
    (_, n) => amplitude * Math.sin((2 * Math.PI * freq * n) / MEL.sampleRate),
  );

const hzToMel = (hz: number) => 1125 * Math.log(1 + hz / 700); // meyda's mel scale
const peak = (frames: Float32Array, row: number) => {
  let best = 0;
  for (let b = 1; b < MEL.bands; b++)
    if (frames[row * MEL.bands + b]! > frames[row * MEL.bands + best]!) best = b;
  return best;
};

describe('LogMelAnalyzer', () => {
  it('starts with 5 s of silence: the first 250 frames are exactly 0 (ln 1)', () => {
    const a = new LogMelAnalyzer();
    const out = a.push(sine(1000, 1));
    expect(out.length / MEL.bands).toBe(Math.floor((5 * 16000 + 16000 - 512) / 320) + 1);
    for (let i = 0; i < 249 * MEL.bands; i++) expect(out[i]).toBe(0);
  });

  it.each([250, 1000, 4000])('puts a %i Hz tone in the mel band centred nearest to it', (hz) => {
    const a = new LogMelAnalyzer();
    const out = a.push(sine(hz, 2));
    // centre of band b is mel (b + 1) · melMax / (bands + 1)
    const step = hzToMel(8000) / (MEL.bands + 1);
    const expected = Math.round(hzToMel(hz) / step) - 1;
    expect(Math.abs(peak(out, 300) - expected)).toBeLessThanOrEqual(1);
  });

  it('is a log scale: doubling the amplitude adds ln 4 to the peak band (±0.01)', () => {
    const quiet = new LogMelAnalyzer().push(sine(1000, 1, 0.2));
    const loud = new LogMelAnalyzer().push(sine(1000, 1, 0.4));
    const b = peak(quiet, 280);
    expect(loud[280 * MEL.bands + b]! - quiet[280 * MEL.bands + b]!).toBeCloseTo(Math.log(4), 2);
  });

  it('gives the same frames whatever the chunking of the input', () => {
    const signal = sine(700, 3);
    const whole = new LogMelAnalyzer().push(signal);
    const chunked = new LogMelAnalyzer();
    const parts: Float32Array[] = [];
    for (let i = 0; i < signal.length; i += 777)
      parts.push(chunked.push(signal.subarray(i, i + 777)));
    const joined = Float32Array.from(parts.flatMap((p) => Array.from(p)));
    expect(joined).toEqual(whole);
  });

  it('finish() pads with silence up to the requested frame count', () => {
    const a = new LogMelAnalyzer();
    const head = a.push(sine(1000, 1));
    const rest = a.finish(1000);
    expect((head.length + rest.length) / MEL.bands).toBe(1000);
    expect(rest.subarray(-MEL.bands).every((v) => v === 0)).toBe(true);
  });
});

describe('MelWindowStore', () => {
  const frames = (from: number, n: number) =>
    Float32Array.from({ length: n * MEL.bands }, (_, i) => from + Math.floor(i / MEL.bands));

  it('window t is rows [50t, 50t + 500), handed out as a view', () => {
    const s = new MelWindowStore();
    s.append(frames(0, 600));
    expect(s.ready(2)).toBe(true);
    expect(s.ready(3)).toBe(false);
    const w = s.window(2);
    expect(w.length).toBe(500 * MEL.bands);
    expect(w[0]).toBe(100);
    expect(w.at(-1)).toBe(599);
  });

  it('keeps windows already handed out intact when it compacts, and stays bounded', () => {
    const s = new MelWindowStore(600);
    const held: Float32Array[] = [];
    let appended = 0;
    for (let t = 0; t < 200; t++) {
      while (!s.ready(t)) {
        s.append(frames(appended, 50));
        appended += 50;
      }
      held.push(s.window(t));
    }
    held.forEach((w, t) => {
      expect(w[0]).toBe(50 * t);
      expect(w.at(-1)).toBe(50 * t + 499);
    });
    expect(() => s.window(0)).toThrow(RangeError);
  });

  it('for a live model (future 1 s), hands out window t once rows up to 50t + 300 have come, silent beyond', () => {
    const s = new MelWindowStore(undefined, 1);
    s.append(frames(0, 400));
    expect(s.ready(2)).toBe(true); // needs rows up to 400
    expect(s.ready(3)).toBe(false);
    const w = s.window(2);
    expect(w.length).toBe(500 * MEL.bands);
    expect(w[0]).toBe(100);
    expect(w[299 * MEL.bands]).toBe(399);
    expect(w.subarray(300 * MEL.bands).every((v) => v === 0)).toBe(true);
    // once the whole window is in, it is the plain view again
    s.append(frames(400, 300));
    const later = s.window(3);
    expect(later[0]).toBe(150);
    expect(later.at(-1)).toBe(649);
  });

  it('rejects a future outside 0..5 s', () => {
    expect(() => new MelWindowStore(undefined, 5.5)).toThrow(RangeError);
    expect(() => new MelWindowStore(undefined, -1)).toThrow(RangeError);
  });
});
