/**
 * The detect bench's measurements (printing: detectReport.ts). Per episode and mode, one after
 * the other: ffmpeg alone on detect's spans, ffmpeg with detect's arguments, our decode stream
 * alone, detect in a child; fpcalc on the same spans; and the decoder variants side by side.
 */
import type { Span } from '../../src/fusion/detectEpisode.js';
import type { Mode } from '../../src/fusion/modelConfig.js';
import type { MediaInfo } from '../../src/streams/probe.js';
import { decodeStream } from './decodeStream.js';
import { detectInChild, type ChildReport, type DetectRun } from './detectInChild.js';
import type { BenchEpisode } from './episodes.js';
import {
  ffmpegAudioOnly,
  ffmpegDetectArgs,
  ffmpegKeyframes,
  ffmpegNull,
} from './ffmpegBaselines.js';
import { fpcalc } from './fpcalc.js';
import {
  decoderArgs,
  DEFAULT_SETUP,
  ONE_PASS,
  TWO_PASSES,
  VARIANTS,
  type Setup,
} from './setups.js';
import { bestRun, overSpans, type Run } from './timed.js';

export interface ModeResult {
  mode: Mode;
  ffmpegNull: Run;
  /** ffmpeg -f null with detect's decoder options (DEFAULT_SETUP). */
  nullDetect: Run;
  ffmpegFilters: Run;
  /** ffmpeg -f null, keyframes only (video), and audio only (fused), over the same spans. */
  keyframes: Run;
  audioOnly: Run | null;
  decodeStreamS: number;
  /** detect as it runs by default (two passes where they pay). */
  detect: DetectRun;
  /** detect with every frame decoded (`--passes 1`). */
  detect1: DetectRun;
}

/** One round of one mode's measurements on an episode's spans. */
async function measureMode(
  ep: BenchEpisode,
  info: MediaInfo,
  mode: Mode,
  spans: Span[],
): Promise<ModeResult> {
  const audio = mode === 'fused';
  const null_ = await overSpans(spans, (s) => ffmpegNull(ep.file, s, audio, []));
  const nullDetect = await overSpans(spans, (s) =>
    ffmpegNull(ep.file, s, audio, decoderArgs(DEFAULT_SETUP)),
  );
  const filters = await overSpans(spans, (s) => ffmpegDetectArgs(ep.file, s, audio, DEFAULT_SETUP));
  const keyframes = await overSpans(spans, (s) => ffmpegKeyframes(ep.file, s));
  const audioOnly = audio ? await overSpans(spans, (s) => ffmpegAudioOnly(ep.file, s)) : null;
  const decodeStreamS = (await decodeStream(ep.file, spans, audio, info, DEFAULT_SETUP)).seconds;
  const detect1 = await detectInChild(mode, ep.file, ONE_PASS);
  const detect = await detectInChild(mode, ep.file, TWO_PASSES);
  return {
    mode,
    ffmpegNull: null_,
    nullDetect,
    ffmpegFilters: filters,
    keyframes,
    audioOnly,
    decodeStreamS,
    detect,
    detect1,
  };
}

/** The faster of two detect runs, with the larger peak RSS of each process. */
function bestDetect(a: DetectRun, b: DetectRun): DetectRun {
  const fast = a.wallMs <= b.wallMs ? a : b;
  return {
    ...fast,
    nodeMiB: Math.max(a.nodeMiB, b.nodeMiB),
    ffmpegMiB: Math.max(a.ffmpegMiB, b.ffmpegMiB),
  };
}

/** Best of two measurements: each time the shorter, each peak RSS the larger. */
function best(a: ModeResult, b: ModeResult): ModeResult {
  return {
    mode: a.mode,
    ffmpegNull: bestRun(a.ffmpegNull, b.ffmpegNull),
    nullDetect: bestRun(a.nullDetect, b.nullDetect),
    ffmpegFilters: bestRun(a.ffmpegFilters, b.ffmpegFilters),
    keyframes: bestRun(a.keyframes, b.keyframes),
    audioOnly: a.audioOnly && b.audioOnly ? bestRun(a.audioOnly, b.audioOnly) : a.audioOnly,
    decodeStreamS: Math.min(a.decodeStreamS, b.decodeStreamS),
    detect: bestDetect(a.detect, b.detect),
    detect1: bestDetect(a.detect1, b.detect1),
  };
}

export interface EpisodeMeasures {
  /** One per mode, in the order asked. */
  results: ModeResult[];
  /** fpcalc over the spans; null when not installed. */
  fp: Run | null;
}

/**
 * Every mode's measurements on an episode, best of `repeat` rounds, the modes interleaved in
 * each round (a machine whose speed drifts affects all alike), fpcalc at the end of each.
 */
export async function measureEpisode(
  ep: BenchEpisode,
  info: MediaInfo,
  spans: Span[],
  modes: readonly Mode[],
  repeat: number,
): Promise<EpisodeMeasures> {
  let results: ModeResult[] = [];
  let fp: Run | null = null;
  for (let round = 0; round < repeat; round++) {
    const now: ModeResult[] = [];
    for (const mode of modes) now.push(await measureMode(ep, info, mode, spans));
    results = round === 0 ? now : results.map((r, i) => best(r, now[i]!));
    const f = await fpcalc(ep.file, spans);
    fp = f && fp ? (f.seconds < fp.seconds ? f : fp) : f;
  }
  return { results, fp };
}

export interface VariantMeasure {
  setup: Setup;
  /** ffmpeg -f null (video + audio) with the setup's decoder options, best of the rounds. */
  nullS: number;
  /** detect fused wall seconds, best of the rounds. */
  detectS: number;
  /** The frames our decode stream gives with the setup (first round). */
  frames: Uint8Array[];
  /** detect's report of the first round. */
  d: ChildReport;
}

/**
 * The VARIANTS (fused), best of `repeat` rounds with the variants interleaved; the decoded
 * frames and detect's outputs of the first round, to compare with the default's.
 */
export async function measureVariants(
  ep: BenchEpisode,
  info: MediaInfo,
  spans: Span[],
  repeat: number,
): Promise<VariantMeasure[]> {
  const bestOf = VARIANTS.map(() => ({ nullS: Infinity, detectS: Infinity }));
  const outputs: Array<{ frames: Uint8Array[]; d: ChildReport }> = [];
  for (let round = 0; round < repeat; round++) {
    for (const [i, v] of VARIANTS.entries()) {
      const n = await overSpans(spans, (s) => ffmpegNull(ep.file, s, true, decoderArgs(v)));
      // The decoded frames, once, to compare with the default's (not timed here).
      const st = round === 0 ? await decodeStream(ep.file, spans, true, info, v, true) : null;
      const d = await detectInChild('fused', ep.file, v);
      const b = bestOf[i]!;
      b.nullS = Math.min(b.nullS, n.seconds);
      b.detectS = Math.min(b.detectS, d.wallMs / 1000);
      if (st) outputs.push({ frames: st.frames, d });
    }
  }
  return VARIANTS.map((setup, i) => ({ setup, ...bestOf[i]!, ...outputs[i]! }));
}
