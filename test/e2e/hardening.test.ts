import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT_CODES, type ErrorCode } from '../../src/errors.js';
import { loadModelConfig, type Mode } from '../../src/fusion/modelConfig.js';
import { catFiles, cutFile, decodeErrors, probeStreams, seededBytes } from '../helpers/badMedia.js';
import { ffmpeg, scratch, testClip } from '../helpers/clips.js';
import {
  expectNoCrash,
  expectTypedError,
  reportedCode,
  runCli,
  type CliRun,
} from '../helpers/detectCli.js';
import { expectWellFormedDetection } from '../helpers/detectionSchema.js';
import { killPids, leftoverMediaTools, mediaToolPids } from '../helpers/processes.js';
import { stallingServer, type StallingServer } from '../helpers/stallServer.js';

// Hardening (issue 6): the real CLI, `introdetect detect`, with the shipped models, on bad
// inputs made here with ffmpeg. Every case must end in a typed error (its message, code and
// documented exit status) or a well-formed result — never a crash, a hang, or an ffmpeg left
// running.

const tmp = scratch('introdetect-hardening-');
const MODES: readonly Mode[] = ['fused', 'vision'];
const MODELS: Record<Mode, string> = {
  fused: fileURLToPath(new URL('../../models/fused', import.meta.url)),
  vision: fileURLToPath(new URL('../../models/vision', import.meta.url)),
};
const SPANS = Object.fromEntries(
  MODES.map((mode) => {
    const { decision } = loadModelConfig(MODELS[mode], mode);
    return [mode, { intro: decision.intro.span, credits: decision.credits.span }];
  }),
) as Record<Mode, { intro: number; credits: number }>;

/** A file case still running after this is killed and counts as a hang. */
const FILE_TIMEOUT_MS = 30_000;
/**
 * Network stalls: detect has no option or variable to shorten its 30-s stall timeout (ffprobe's
 * `timeout` and `-rw_timeout`, ffmpeg's `-rw_timeout`), so these cases take ~30–40 s each
 * (they run alongside the file cases) and a hang is declared at 75 s.
 */
const STALL_TIMEOUT_MS = 75_000;
const STALL_SECONDS_MAX = 45;

/** A correct answer for one input: the typed errors that are right, and/or a result. */
interface Outcome {
  errors?: readonly ErrorCode[];
  /** `whole`: a result covering the whole clip; `any`: a well-formed result. */
  result?: 'whole' | 'any';
}

function says(o: Outcome): string {
  const errors = (o.errors ?? []).map((c) => `${c} (exit ${EXIT_CODES[c]})`).join(' or ');
  const result =
    o.result === 'whole'
      ? 'gives a well-formed result for the whole clip'
      : o.result === 'any'
        ? 'gives a well-formed result'
        : '';
  if (result && errors) return `${result} or fails with ${errors}`;
  return result || `fails with ${errors}`;
}

function expectOutcome(
  run: CliRun,
  o: Outcome,
  want: { file: string; mode: Mode; seconds?: number },
): void {
  expectNoCrash(run);
  if (run.exitCode === 0 && o.result) {
    const lines = run.stdout.split('\n').filter(Boolean);
    expect(lines, 'one JSON line per file').toHaveLength(1);
    expectWellFormedDetection(JSON.parse(lines[0]!) as unknown, {
      ...want,
      spans: SPANS[want.mode],
      exact: o.result === 'whole',
    });
    return;
  }
  const code = reportedCode(run);
  expect(o.errors ?? [], `exit ${run.exitCode}, stderr: ${run.stderr}`).toContain(code);
  expectTypedError(run, code as ErrorCode);
}

/**
 * One CLI run per (input, mode); records the ffmpeg/ffprobe processes mentioning `needle` that
 * it left running (and ends them).
 */
const runs = new Map<string, Promise<{ run: CliRun; leftovers: number[] }>>();
function detectOnce(
  input: string,
  mode: Mode,
  opts: { needle: string; timeoutMs: number },
): Promise<{ run: CliRun; leftovers: number[] }> {
  const key = `${mode}\0${input}`;
  let pending = runs.get(key);
  if (!pending) {
    pending = (async () => {
      const before = mediaToolPids(opts.needle);
      const run = await runCli(['detect', input, '--mode', mode, '--models', MODELS[mode]], {
        timeoutMs: opts.timeoutMs,
      });
      const leftovers = await leftoverMediaTools(opts.needle, before);
      killPids(leftovers);
      return { run, leftovers };
    })();
    runs.set(key, pending);
  }
  return pending;
}

// ---- the inputs ---------------------------------------------------------------------------

const testsrc = (size: string, seconds: number, rate = 25) => [
  '-f',
  'lavfi',
  '-i',
  `testsrc2=size=${size}:rate=${rate}:duration=${seconds}`,
];
const sine = (seconds: number, frequency = 440) => [
  '-f',
  'lavfi',
  '-i',
  `sine=frequency=${frequency}:duration=${seconds}`,
];
const H264 = ['-c:v', 'libx264', '-preset', 'ultrafast'];
const AAC = ['-c:a', 'aac'];

/** Throws when a generated input is not what its case claims (so no case tests nothing). */
function check(ok: boolean, what: string): void {
  if (!ok) throw new Error(`test input not as intended: ${what}`);
}

/** A 4-s MPEG-TS (160×90 H.264 + AAC, a keyframe each second). */
function tsClip(name: string, extra: string[] = []): string {
  const out = tmp.path(name);
  ffmpeg(...testsrc('160x90', 4), ...sine(4), ...H264, '-g', '25', ...AAC, ...extra, out);
  return out;
}

interface BadInput {
  /** Completes the sentence "introdetect detect, given …". */
  given: string;
  /** Makes the input in the temp folder; returns its path. */
  make: () => string;
  /** Length of the clip, when it has one. */
  seconds?: number;
  fused: Outcome;
  vision: Outcome;
}

/** Broken timestamps: a typed error is as good as a result; a crash or a hang is not. */
const TIMESTAMPS: Outcome = { errors: ['TRUNCATED_MEDIA'], result: 'any' };

const BAD_INPUTS: BadInput[] = [
  {
    given: 'an empty file',
    make: () => {
      writeFileSync(tmp.path('empty.mp4'), '');
      return tmp.path('empty.mp4');
    },
    fused: { errors: ['NOT_MEDIA'] },
    vision: { errors: ['NOT_MEDIA'] },
  },
  {
    given: 'random bytes named .mp4',
    make: () => {
      writeFileSync(tmp.path('random.mp4'), seededBytes(65_536));
      return tmp.path('random.mp4');
    },
    fused: { errors: ['NOT_MEDIA'] },
    vision: { errors: ['NOT_MEDIA'] },
  },
  {
    given: 'an MP4 with its moov at the end, cut in half',
    make: () => {
      const whole = testClip(tmp.path('moov-at-end.mp4'), 10);
      const head = readFileSync(whole).subarray(0, 64).toString('latin1');
      check(head.indexOf('mdat') >= 0 && !head.includes('moov'), 'moov after mdat');
      return cutFile(whole, tmp.path('moov-at-end-cut.mp4'), 0.5);
    },
    fused: { errors: ['NOT_MEDIA'] },
    vision: { errors: ['NOT_MEDIA'] },
  },
  {
    given: 'an MP4 that holds no frames at all',
    make: () => {
      const out = tmp.path('no-frames.mp4');
      ffmpeg(...testsrc('160x90', 1), '-frames:v', '0', ...H264, out);
      return out;
    },
    fused: { errors: ['NOT_MEDIA'] },
    vision: { errors: ['NOT_MEDIA'] },
  },
  {
    given: 'an audio-only file',
    make: () => {
      const out = tmp.path('audio-only.m4a');
      ffmpeg(...sine(3), ...AAC, out);
      return out;
    },
    fused: { errors: ['NO_VIDEO_STREAM'] },
    vision: { errors: ['NO_VIDEO_STREAM'] },
  },
  {
    given: 'an audio file with cover art',
    make: () => {
      const cover = tmp.path('cover.png');
      ffmpeg(...testsrc('160x90', 1), '-frames:v', '1', cover);
      const out = tmp.path('cover-art.m4a');
      ffmpeg(
        ...sine(3),
        ...['-i', cover, '-map', '0', '-map', '1', ...AAC, '-c:v', 'png'],
        ...['-disposition:v:0', 'attached_pic', out],
      );
      check(
        probeStreams(out).some((s) => s.disposition?.attached_pic === 1),
        'an attached picture',
      );
      return out;
    },
    fused: { errors: ['NO_VIDEO_STREAM'] },
    vision: { errors: ['NO_VIDEO_STREAM'] },
  },
  {
    given: 'a video without sound',
    make: () => testClip(tmp.path('video-only.mp4'), 3, { audio: false }),
    seconds: 3,
    fused: { errors: ['NO_AUDIO_STREAM'] },
    vision: { result: 'whole' },
  },
  {
    given: 'a zero-length video without sound (one frame, 0.04 s)',
    make: () => testClip(tmp.path('zero-length.mp4'), 0.04, { audio: false }),
    seconds: 0.04,
    fused: { errors: ['NO_AUDIO_STREAM'] },
    vision: { result: 'whole' },
  },
  {
    given: 'a zero-length video with sound (0.04 s)',
    make: () => testClip(tmp.path('zero-length-sound.mp4'), 0.04),
    seconds: 0.04,
    fused: { result: 'whole' },
    vision: { result: 'whole' },
  },
  {
    given: 'a 1-second clip',
    make: () => testClip(tmp.path('one-second.mp4'), 1),
    seconds: 1,
    fused: { result: 'whole' },
    vision: { result: 'whole' },
  },
  {
    given: 'an 8K (7680×4320) clip',
    make: () => {
      const out = tmp.path('8k.mp4');
      ffmpeg(...testsrc('7680x4320', 2, 5), ...sine(2), ...H264, ...AAC, out);
      return out;
    },
    seconds: 2,
    fused: { result: 'whole' },
    vision: { result: 'whole' },
  },
  {
    given: 'a 16×16 clip',
    make: () => {
      const out = tmp.path('16x16.mp4');
      ffmpeg(...testsrc('16x16', 3), ...sine(3), ...H264, ...AAC, out);
      return out;
    },
    seconds: 3,
    fused: { result: 'whole' },
    vision: { result: 'whole' },
  },
  ...(
    [
      ['FFV1 video in 10-bit 4:4:4 (yuv444p10le)', 'ffv1.mkv', 'yuv444p10le', ['-c:v', 'ffv1']],
      ['raw grayscale video (gray) in NUT', 'gray.nut', 'gray', ['-c:v', 'rawvideo']],
      ['H.264 in 4:2:2 (yuv422p)', 'yuv422p.mp4', 'yuv422p', H264],
    ] as const
  ).map(([given, name, pixFmt, codec]): BadInput => ({
    given,
    make: () => {
      const out = tmp.path(name);
      ffmpeg(...testsrc('160x90', 3), ...sine(3), ...codec, '-pix_fmt', pixFmt, ...AAC, out);
      check(probeStreams(out)[0]?.pix_fmt === pixFmt, `pixel format ${pixFmt}`);
      return out;
    },
    seconds: 3,
    fused: { result: 'whole' },
    vision: { result: 'whole' },
  })),
  {
    given: 'a video rotated 90° by its display matrix',
    make: () => {
      const plain = testClip(tmp.path('unrotated.mp4'), 3);
      const out = tmp.path('rotated.mp4');
      ffmpeg('-i', plain, '-c', 'copy', '-metadata:s:v:0', 'rotate=90', out);
      const side = probeStreams(out)[0]?.side_data_list ?? [];
      check(
        side.some((d) => Math.abs(d.rotation ?? 0) === 90),
        'a display matrix rotating by 90°',
      );
      return out;
    },
    seconds: 3,
    fused: { result: 'whole' },
    vision: { result: 'whole' },
  },
  {
    given: 'four audio tracks of different layouts and rates',
    make: () => {
      const out = tmp.path('four-tracks.mkv');
      ffmpeg(
        ...testsrc('160x90', 3),
        ...['-f', 'lavfi', '-i', 'sine=frequency=220:sample_rate=8000:duration=3'],
        ...sine(3, 440),
        ...['-f', 'lavfi', '-i', 'sine=frequency=660:sample_rate=48000:duration=3'],
        ...sine(3, 880),
        ...['-map', '0', '-map', '1', '-map', '2', '-map', '3', '-map', '4', ...H264, ...AAC],
        ...['-ac:a:1', '2', '-ac:a:2', '6', '-ar:a:3', '22050'],
        out,
      );
      const audio = probeStreams(out).filter((s) => s.codec_type === 'audio');
      check(audio.length === 4, 'four audio tracks');
      return out;
    },
    seconds: 3,
    fused: { result: 'whole' },
    vision: { result: 'whole' },
  },
  {
    given: 'an MPEG-TS whose timestamps jump 100 s forward (an intact file, no damaged packet)',
    make: () => {
      const plain = tsClip('before-jump.ts');
      // +100 s on every packet from 2 s of content on (TS timestamps are in 1/90 000 s).
      const shift = 'if(gte(DTS\\,180000)\\,9000000\\,0)';
      const setts = `setts=pts=PTS+${shift}:dts=DTS+${shift}`;
      const out = tmp.path('ts-jump.ts');
      ffmpeg('-i', plain, '-c', 'copy', '-bsf:v', setts, '-bsf:a', setts, out);
      check(decodeErrors(out) === '', 'decodes without an error');
      return out;
    },
    // ffmpeg splices the timeline; the probed duration (the timestamp range) is not a promise
    fused: { result: 'any' },
    vision: { result: 'any' },
  },
  {
    given: 'two MPEG-TS files joined byte-wise, the second 100 s later',
    make: () =>
      catFiles(
        tmp.path('ts-joined.ts'),
        tsClip('part-1.ts'),
        tsClip('part-2.ts', ['-output_ts_offset', '100']),
      ),
    fused: TIMESTAMPS,
    vision: TIMESTAMPS,
  },
  {
    given: 'an MPEG-TS whose DTS go backwards (the same TS twice, byte-wise)',
    make: () => {
      const once = tsClip('once.ts');
      return catFiles(tmp.path('ts-twice.ts'), once, once);
    },
    fused: TIMESTAMPS,
    vision: TIMESTAMPS,
  },
  {
    given: 'an MP4 whose timestamps start at 1000 s (-output_ts_offset)',
    make: () => testClip(tmp.path('ts-offset.mp4'), 4, { extra: ['-output_ts_offset', '1000'] }),
    fused: TIMESTAMPS,
    vision: TIMESTAMPS,
  },
  {
    given: 'a path with spaces and unicode',
    make: () => {
      const out = tmp.path('my shows/Saison 1/Épisode 01 – 東京 🎬.mp4');
      mkdirSync(dirname(out), { recursive: true });
      return testClip(out, 3);
    },
    seconds: 3,
    fused: { result: 'whole' },
    vision: { result: 'whole' },
  },
];

// ---- the specs ----------------------------------------------------------------------------

// A stall case waits ~30 s doing nothing (see STALL_TIMEOUT_MS), so the four stall runs start
// first, alongside the file cases, and are checked at the end.
let silent: StallingServer | undefined;
let midway: StallingServer | undefined;
const neverAnswers = (mode: Mode) => silent!.url(`never-answers-${mode}.mp4`);
const stopsMidway = (mode: Mode) => midway!.url(`stops-midway-${mode}.mp4`);
const detectStalled = (url: string, mode: Mode) =>
  detectOnce(url, mode, { needle: url, timeoutMs: STALL_TIMEOUT_MS });

beforeAll(async () => {
  silent = await stallingServer();
  const clip = readFileSync(
    testClip(tmp.path('stalled.mp4'), 10, { extra: ['-movflags', '+faststart'] }),
  );
  midway = await stallingServer({ body: clip, sendBytes: Math.floor(clip.length / 2) });
  for (const mode of MODES) {
    // Awaited (and any failure reported) by the stall specs below.
    detectStalled(neverAnswers(mode), mode).catch(() => undefined);
    detectStalled(stopsMidway(mode), mode).catch(() => undefined);
  }
});
afterAll(async () => {
  // Closing the servers ends any stalled run still waiting (e.g. when tests are filtered).
  await silent?.close();
  await midway?.close();
  await Promise.allSettled(runs.values());
  tmp.cleanup();
});

describe('introdetect detect', () => {
  for (const c of BAD_INPUTS) {
    describe(`given ${c.given}`, { timeout: 60_000 }, () => {
      let input: string;
      beforeAll(() => {
        input = c.make();
      });
      const detect = (mode: Mode) =>
        detectOnce(input, mode, { needle: tmp.dir, timeoutMs: FILE_TIMEOUT_MS });
      const want = (mode: Mode) => ({
        mode,
        ...(c.seconds !== undefined ? { seconds: c.seconds } : {}),
      });

      for (const mode of MODES) {
        it(`${says(c[mode])} in ${mode} mode, leaving no ffmpeg behind`, async () => {
          const { run, leftovers } = await detect(mode);
          expect(leftovers, 'ffmpeg/ffprobe processes left running').toEqual([]);
          expectOutcome(run, c[mode], { file: input, ...want(mode) });
        });
      }
    });
  }
});

describe('introdetect detect, given a network stream that stalls', { timeout: 120_000 }, () => {
  for (const mode of MODES) {
    it(`fails with FFMPEG_FAILED (exit 10) within the 30-s stall timeout when the server accepts and never answers, in ${mode} mode`, async () => {
      const { run, leftovers } = await detectStalled(neverAnswers(mode), mode);
      expect(silent!.connections(), 'the server accepted (a stall, not a refusal)').toBeGreaterThan(
        0,
      );
      expect(leftovers, 'ffmpeg/ffprobe processes left running').toEqual([]);
      expectTypedError(run, 'FFMPEG_FAILED');
      expect(run.stderr).toMatch(/stalled/);
      expect(run.seconds).toBeLessThan(STALL_SECONDS_MAX);
    });

    it(`fails with STREAM_DROPPED (exit 9) within the 30-s stall timeout when the server stops sending mid-way, in ${mode} mode`, async () => {
      const url = stopsMidway(mode);
      const { run, leftovers } = await detectStalled(url, mode);
      expect(leftovers, 'ffmpeg/ffprobe processes left running').toEqual([]);
      expectTypedError(run, 'STREAM_DROPPED');
      expect(run.seconds).toBeLessThan(STALL_SECONDS_MAX);
    });
  }
});
