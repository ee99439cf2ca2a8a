import { readFileSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { channelMean, collect, ffmpeg, peakBand, rowEnergy, scratch } from '../helpers/clips.js';

// Clips whose picture brightness encodes time (R = 2·t) and whose sound is silent except for
// a 1 kHz tone burst at a known second: if frames or audio drifted, these would show it.
const tmp = scratch();
const clip = (name: string) => tmp.path(name);

/** Lossless clip: red = 2·(presentation time), green = 0, blue = 255 − 2·t; tone 1 kHz in [toneAt, toneAt + 1). */
function timeCodedClip(
  name: string,
  opts: {
    seconds: number;
    rate: string;
    vfr?: boolean;
    toneAt: number;
    audioDelay?: number;
    sampleRate?: number;
  },
): string {
  const out = clip(name);
  const video = `color=black:size=96x64:rate=${opts.rate}:duration=${opts.seconds},format=rgb24,geq=r='2*T':g='0':b='255-2*T'`;
  const vfr = opts.vfr
    ? ['-vf', "select='not(eq(mod(n\\,5)\\,2))*not(eq(mod(n\\,7)\\,4))'", '-fps_mode', 'vfr']
    : [];
  const audioLen = opts.seconds - (opts.audioDelay ?? 0);
  const toneLocal = opts.toneAt - (opts.audioDelay ?? 0);
  const audio = `aevalsrc='if(between(t\\,${toneLocal}\\,${toneLocal + 1})\\,0.5*sin(2*PI*1000*t)\\,0)':s=${opts.sampleRate ?? 44100}:d=${audioLen}`;
  ffmpeg(
    '-f',
    'lavfi',
    '-i',
    video,
    ...(opts.audioDelay ? ['-itsoffset', String(opts.audioDelay)] : []),
    '-f',
    'lavfi',
    '-i',
    audio,
    ...vfr,
    '-map',
    '0:v',
    '-map',
    '1:a',
    '-c:v',
    'ffv1',
    '-c:a',
    'pcm_s16le',
    out,
  );
  return out;
}

/** Row of a window at which the tone starts (first row with energy), or -1. */
function onsetRow(mel: Float32Array): number {
  for (let r = 0; r < 500; r++) if (rowEnergy(mel, r) > 1) return r;
  return -1;
}

describe('per-second alignment', () => {
  let cfr: string;
  let ntsc: string;
  let vfr: string;
  let late: string;
  let rateChange: string;
  beforeAll(() => {
    // MPEG-TS whose audio switches from 44.1 kHz to 22.05 kHz at 20 s (two encodes joined
    // byte-wise, as a broadcast capture can); the tone is at 30 s.
    const a = clip('a.ts');
    const b = clip('b.ts');
    const mux = [
      '-c:v',
      'libx264',
      '-preset',
      'ultrafast',
      '-c:a',
      'aac',
      '-muxdelay',
      '0',
      '-muxpreload',
      '0',
      '-f',
      'mpegts',
    ];
    ffmpeg(
      '-f',
      'lavfi',
      '-i',
      "color=black:size=96x64:rate=25:duration=20,format=rgb24,geq=r='2*T':g=0:b='255-2*T'",
      '-f',
      'lavfi',
      '-i',
      'anullsrc=r=44100:cl=mono',
      '-t',
      '20',
      ...mux,
      a,
    );
    ffmpeg(
      '-f',
      'lavfi',
      '-i',
      "color=black:size=96x64:rate=25:duration=20,format=rgb24,geq=r='2*(T+20)':g=0:b='255-2*(T+20)'",
      '-f',
      'lavfi',
      '-i',
      "aevalsrc='if(between(t\\,10\\,11)\\,0.5*sin(2*PI*1000*t)\\,0)':s=22050:d=20",
      ...mux,
      '-output_ts_offset',
      '20',
      b,
    );
    rateChange = clip('rate-change.ts');
    writeFileSync(rateChange, Buffer.concat([readFileSync(a), readFileSync(b)]));
    cfr = timeCodedClip('cfr25.mkv', { seconds: 40, rate: '25', toneAt: 20 });
    ntsc = timeCodedClip('ntsc.mkv', { seconds: 100, rate: '30000/1001', toneAt: 80 });
    vfr = timeCodedClip('vfr.mkv', { seconds: 40, rate: '25', vfr: true, toneAt: 20 });
    late = timeCodedClip('late-audio.mkv', {
      seconds: 40,
      rate: '24000/1001',
      toneAt: 20,
      audioDelay: 3,
      sampleRate: 48000,
    });
  });
  afterAll(() => tmp.cleanup());

  it('yields one sample per whole second of the media', async () => {
    expect(await collect(cfr)).toHaveLength(40);
    const partial = clip('10.5s.mkv');
    ffmpeg(
      '-f',
      'lavfi',
      '-i',
      'testsrc2=size=64x64:rate=25:duration=10.5',
      '-f',
      'lavfi',
      '-i',
      'sine=d=10.5',
      '-c:v',
      'ffv1',
      partial,
    );
    const seconds = await collect(partial);
    expect(seconds.map((s) => s.t)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it.each([
    ['25 fps', () => cfr, 40],
    ['29.97 fps', () => ntsc, 100],
    ['variable frame rate', () => vfr, 40],
    ['23.976 fps with audio starting 3 s late', () => late, 40],
  ])('frame t is the frame on screen at t (%s), with no drift', async (_name, file, n) => {
    const seconds = await collect(file());
    expect(seconds).toHaveLength(n);
    for (const s of seconds) {
      // red = 2·(time of the frame shown at t): at most one source frame (< 0.1 s) early.
      const red = channelMean(s.frame, 0);
      expect(red).toBeGreaterThan(2 * s.t - 0.25 - 1);
      expect(red).toBeLessThan(2 * s.t + 1);
      expect(channelMean(s.frame, 2)).toBeCloseTo(255 - red, -0.5);
    }
  });

  it.each([
    ['25 fps', () => cfr, 20, 1],
    ['29.97 fps', () => ntsc, 80, 1],
    ['variable frame rate', () => vfr, 20, 1],
    ['audio starting 3 s late, 48 kHz', () => late, 20, 1],
    // AAC (unlike the PCM above) shifts its audio by its encoder delay: 1024 samples = 46 ms
    // at 22.05 kHz; without the fix the tone would sit 20 s (1000 rows) late.
    ['sample rate changing from 44.1 to 22.05 kHz at 20 s', () => rateChange, 30, 3],
  ])('the window of second t is centred on t (%s)', async (_name, file, toneAt, rows) => {
    const seconds = await collect(file());
    const at = seconds[toneAt]!.mel!;
    // The tone starts at the window's centre: row 250 = t (50 rows per second), ±1 row.
    expect(Math.abs(onsetRow(at) - 250)).toBeLessThanOrEqual(rows);
    // and 1 kHz lands in the same mel band everywhere
    expect(peakBand(at, 260)).toBe(peakBand(seconds[toneAt - 3]!.mel!, 410));
    // Five seconds earlier the tone is just past the window's end: only the last row, whose
    // 32-ms analysis frame reaches 12 ms beyond t + 5 s, may touch it.
    const justAfter = onsetRow(seconds[toneAt - 5]!.mel!);
    expect(justAfter === -1 || justAfter >= 500 - rows).toBe(true);
    expect(onsetRow(seconds[toneAt - 6]!.mel!)).toBe(-1);
    expect(Math.abs(onsetRow(seconds[toneAt - 4]!.mel!) - 450)).toBeLessThanOrEqual(rows);
  });

  it('pads with silence before the start and after the end', async () => {
    const seconds = await collect(cfr);
    const first = seconds[0]!.mel!;
    const last = seconds.at(-1)!.mel!;
    expect(first).toHaveLength(500 * 64);
    for (let r = 0; r < 250; r++) expect(rowEnergy(first, r)).toBe(0);
    for (let r = 300; r < 500; r++) expect(rowEnergy(last, r)).toBe(0);
  });
});
