import { basename, extname } from 'node:path';
import { InvalidArgumentError, NoAudioStreamError } from '../errors.js';
import type { SecondSample } from '../features/joinSeconds.js';
import { probe, type MediaInfo } from '../streams/probe.js';
import { decideTrack, type Track } from './decide.js';
import type { DetectionResult } from './detectionResult.js';
import { embedSpan, type EmbedTimings } from './embedSpan.js';
import { exactFrames } from './exactFrames.js';
import { segmentsOfResult } from './formats/segments.js';
import { candidateRuns } from './firstPassCandidates.js';
import { exactWindows, subtractWindows, unionWindows, wellInside } from './exactWindows.js';
import { checkKeyframes } from '../streams/keyframeCheck.js';
import type { EpisodeModel, Matrix } from './episodeModel.js';
import { modelFor, type ModelChoice } from './modelChoice.js';
import type { Mode } from './modelConfig.js';
import { partHeadSegments } from './partHeads.js';
import type { Interval } from './pickInterval.js';
import { ffmpegOptionsOf, type LocateFfmpegOptions } from '../streams/locateFfmpeg.js';

export interface DetectProgress {
  /** Seconds decoded and embedded so far, over all spans. */
  seconds: number;
  /** Seconds to decode in all. */
  total: number;
}

/**
 * Where one detection's time went, in milliseconds of the thread that did the work. Decoding
 * (ffmpeg) overlaps all of it and is not in here: `totalMs` is the wall time of the call.
 */
export interface DetectTimings extends EmbedTimings {
  /** Loading the model folder (0 when `model` was given). */
  loadMs: number;
  /** DBSCAN and the interval choice, both targets. */
  clusteringMs: number;
  /** The whole call, probe and load included. */
  totalMs: number;
  /** The spans decoded, [from, to) in seconds of the file. */
  spans: Span[];
  /** Passes run: 2, or 1 when asked for or when a second would not pay (`fallback`). */
  passes: Passes;
  /** Why two passes fell back to one (intra-only video, keyframes that cannot be skipped…). */
  fallback?: string;
  /** Stretches the exact pass decoded frame by frame (two passes only). */
  exact: Span[];
  /**
   * The first pass's candidate runs (two passes only): where it rose towards intro or credits
   * without reaching the threshold; the first exact round decodes around each.
   */
  candidates: Span[];
}

/**
 * 1 (the default): every 1-fps frame of the searched spans, as `stream` must. 2: a cheap first
 * pass over the spans — all the audio, and the video's keyframes only, each held until the
 * next — then an exact pass that decodes every 1-fps frame only around the boundaries the first
 * pass found and around its heaviest runs below the threshold (`candidateRuns`: a short title
 * card under a held keyframe), and decides again. Fused mode only: vision mode, intra-only
 * video and formats that cannot skip non-key frames fall back to one pass.
 *
 * Two passes are not the default yet: the series step compares the first pass's pictures, and
 * held keyframes of two episodes rarely line up where their GOPs differ (repeated stretches are
 * then missed), and on eval-v1 the ±1-s shares fell by one episode each (README, Speed).
 */
export type Passes = 1 | 2;
export const DEFAULT_PASSES: Passes = 1;

/** `1` or `2` from a command line (throws InvalidArgumentError otherwise). */
export function parsePasses(value: string): Passes {
  const n = Number(value.trim());
  if (n !== 1 && n !== 2) {
    throw new InvalidArgumentError(`--passes takes 1 or 2 (got "${value}").`);
  }
  return n;
}

/**
 * Two passes fall back to one when the keyframes-only decode delivers more than this share of
 * the frames: intra-only video, GOPs of a few frames, or a demuxer and decoder that cannot skip
 * non-key frames (VP9 or AV1 in Matroska). Then the first pass would cost nearly a full decode.
 */
export const MAX_KEYFRAME_SHARE = 0.1;
const VISION_FALLBACK =
  'vision mode: without sound, a first pass on keyframes alone misses intros, so every frame is decoded';
/** Seconds decoded exactly either side of a first-pass boundary. */
export const EXACT_RADIUS = 6;
/** Exact windows at most this far apart are decoded as one (a seek starts at a keyframe). */
const EXACT_MERGE_GAP = 8;
/** A boundary this close to the edge of what is already exact gets another exact round. */
const EXACT_MARGIN = 3;
/** At most this many seconds at the end of the file that the first pass saw as one held frame are decoded exactly. */
const BLIND_END_MAX = 20;
/** At most this many exact rounds (a boundary that moves is looked at once more). */
const EXACT_ROUNDS = 2;
/**
 * The first exact round also decodes around the heaviest CANDIDATE_RUNS runs per target whose
 * first-pass probability reaches CANDIDATE_SHARE of the decision threshold (`candidateRuns`):
 * a short intro under held keyframes can stay below the threshold until its frames are seen.
 */
const CANDIDATE_SHARE = 0.25;
const CANDIDATE_RUNS = 8;

export interface DetectOptions extends LocateFfmpegOptions, ModelChoice {
  /** Fraction of the file searched for the intro, from the start (default: model.json, 0.5). */
  introSpan?: number;
  /** Fraction searched for the credits, up to the end (default: model.json, 0.25). */
  creditsSpan?: number;
  /** Seconds per inference batch (default 64; 32 with two passes, see TWO_PASS_BATCH). */
  batchSize?: number;
  /** Skip the video decoder's deblocking filter (default true; see DecodeOptions). */
  skipLoopFilter?: boolean;
  /** Extra ffmpeg input options for the decoder, placed before `-i`. */
  inputOptions?: readonly string[];
  /** 2 (default) or 1: see Passes. */
  passes?: Passes;
  onProgress?: (progress: DetectProgress) => void;
  /**
   * Called with every decoded second (`second` in seconds of the file; a second decoded for
   * two spans comes once per span). `detectSeries` fingerprints the seconds with it. With two
   * passes these are the first pass's seconds (held keyframes, exact sound).
   */
  onSample?: (sample: SecondSample, second: number) => void;
  /** Called once, after a successful detection, with where its time went. */
  onTimings?: (timings: DetectTimings) => void;
  /**
   * Recaps and previews from the model's own heads, as segments (models that have them:
   * model.json's channels name recap, preview); the series step's matches replace them
   * where it finds its own. Default false: on the frozen set eval-looks-v1 they lowered
   * recap and preview presence F1 (false ones; model card). A model without the heads finds
   * none either way.
   */
  partHeads?: boolean;
  signal?: AbortSignal;
}

/** Seconds per inference batch with one pass: the decoder is the bottleneck, batches stay few. */
const ONE_PASS_BATCH = 64;
/**
 * With two passes the first pass decodes far faster than inference runs, so the two batches
 * `embedSpan` lets ahead of it are always full, each second holding a 128-KB log-mel window:
 * batches of 64 made the node process peak 30–50 MiB above one pass. With 32 its peak is no
 * higher than one pass's (1080p HEVC bench file, alternating processes: 254–261 vs 259–267
 * MiB), for about 5 % more time (16: 243 MiB, 15 % more).
 */
const TWO_PASS_BATCH = 32;

/** Seconds decoded beyond each searched span, for context (≥ the 5-s half mel window). */
const SPAN_CONTEXT = 30;

/** A span of the file, [from, to) in whole seconds. */
export interface Span {
  from: number;
  to: number;
}

/**
 * Finds the intro and end credits of one file: probe → decode only the searched head and tail
 * → embeddings in the inference worker → sequence model per span → DBSCAN decision.
 */
export async function detectEpisode(
  input: string,
  options: DetectOptions = {},
): Promise<DetectionResult> {
  const { signal } = options;
  const t0 = performance.now();
  const timings = options.onTimings ? noTimings() : undefined;
  const ffmpeg: LocateFfmpegOptions = ffmpegOptionsOf(options);
  const info = await probe(input, { ...ffmpeg, ...(signal ? { signal } : {}) });
  if (info.duration === undefined || !Number.isFinite(info.duration)) {
    throw new InvalidArgumentError(
      `${input} has no known duration (a live stream?); detect searches the head and tail of a whole episode, so it needs a file or a finished (VOD) playlist.`,
    );
  }
  const duration = info.duration;
  const tLoad = performance.now();
  const { model, owned: own } = await modelFor(options, signal);
  if (timings && own) timings.loadMs = performance.now() - tLoad;
  try {
    const { decision, mode } = model.config;
    // The decoder says so too, but a clip under a second decodes nothing: say it up front.
    if (mode === 'fused' && info.audio === undefined) throw new NoAudioStreamError(input);
    const introSpan = checkFraction(options.introSpan ?? decision.intro.span, 'intro span');
    const creditsSpan = checkFraction(options.creditsSpan ?? decision.credits.span, 'credits span');
    const { intro, credits, spans } = detectSpans(duration, introSpan, creditsSpan);
    const total = spans.reduce((n, s) => n + (s.to - s.from), 0);
    const decodeOptions = {
      ...ffmpeg,
      info,
      ...(options.skipLoopFilter !== undefined ? { skipLoopFilter: options.skipLoopFilter } : {}),
      ...(options.inputOptions ? { inputOptions: options.inputOptions } : {}),
    };
    const inference = { ...(signal ? { signal } : {}), ...(timings ? { timings } : {}) };
    const { passes, fallback } = await choosePasses(input, options.passes ?? DEFAULT_PASSES, mode, {
      ...ffmpeg,
      info,
      ...(signal ? { signal } : {}),
    });
    let before = 0;

    // First pass (the only one with passes = 1): every second of each span.
    const results: SpanResult[] = [];
    let lastChange = -1; // the last second of the last span whose frame differs from the one before
    for (const span of spans) {
      if (span.to <= span.from) {
        // A clip under a second: nothing to decode (as before two passes).
        results.push({
          span,
          emb: { data: new Float32Array(0), rows: 0, cols: 0 },
          probs: NO_PROBS,
        });
        continue;
      }
      // Two passes only: where the held keyframe last changed (one pass has no held frames).
      let previous: Uint8Array | undefined;
      const watchHeld = (sample: SecondSample, second: number) => {
        if (!previous || !sameBytes(previous, sample.frame)) lastChange = second;
        previous = sample.frame;
        options.onSample?.(sample, second);
      };
      const emb = await embedSpan(input, model, {
        from: span.from,
        to: span.to,
        audio: mode === 'fused',
        batchSize: options.batchSize ?? (passes === 2 ? TWO_PASS_BATCH : ONE_PASS_BATCH),
        decode: { ...decodeOptions, keyframesOnly: passes === 2 },
        ...(options.onProgress
          ? { onSeconds: (s: number) => options.onProgress?.({ seconds: before + s, total }) }
          : {}),
        ...(passes === 2
          ? { onSample: watchHeld }
          : options.onSample
            ? { onSample: options.onSample }
            : {}),
        ...inference,
      });
      before += emb.rows;
      results.push({ span, emb, probs: await sequenceOf(model, emb, inference) });
    }
    const tDecide = performance.now();
    const decideAll = () => {
      const creditsFound = decideTrack(track(results, credits, 1), decision.credits);
      return {
        intro: decideTrack(track(results, intro, 0), decision.intro)?.interval ?? null,
        credits: creditsFound?.interval ?? null,
        creditsPieces: creditsFound?.pieces ?? [],
      };
    };
    let found = decideAll();
    let clusteringMs = performance.now() - tDecide;

    // Exact pass: every frame around the boundaries found, then decide again.
    const exact: Span[] = [];
    const blindEnd = passes === 2 ? blindEndOf(spans, lastChange) : undefined;
    const runs =
      passes === 2
        ? [
            ...candidateRuns(
              track(results, intro, 0),
              CANDIDATE_SHARE * decision.intro.threshold,
              CANDIDATE_RUNS,
            ),
            ...candidateRuns(
              track(results, credits, 1),
              CANDIDATE_SHARE * decision.credits.threshold,
              CANDIDATE_RUNS,
            ),
          ]
        : [];
    const candidates = runs.flatMap((r) => [r.start, r.end]);
    for (let round = 0; passes === 2 && round < EXACT_ROUNDS; round++) {
      const boundaries = [
        ...boundariesOf(found, duration),
        ...(round === 0 ? candidates : []),
      ].filter((b) => !wellInside(b, exact, EXACT_MARGIN));
      const windows = subtractWindows(
        unionWindows([
          ...exactWindows(boundaries, spans, { radius: EXACT_RADIUS, mergeGap: EXACT_MERGE_GAP }),
          ...(round === 0 && blindEnd ? [blindEnd] : []),
        ]),
        exact,
      );
      if (windows.length === 0) break;
      const touched = new Set<SpanResult>();
      for (const w of windows) {
        const r = results.find((x) => x.span.from <= w.from && x.span.to >= w.to);
        if (!r || r.emb.rows === 0) continue;
        const frames = await exactFrames(input, w, {
          ...decodeOptions,
          frameSize: model.config.frameSize,
          ...(signal ? { signal } : {}),
        });
        if (frames.length === 0) continue;
        const vision = await model.embedVision(frames, inference);
        spliceColumns(r.emb, vision, w.from - r.span.from);
        touched.add(r);
      }
      exact.push(...windows);
      for (const r of touched) r.probs = await sequenceOf(model, r.emb, inference);
      const t = performance.now();
      found = decideAll();
      clusteringMs += performance.now() - t;
    }
    if (timings) {
      timings.clusteringMs = clusteringMs;
      timings.spans = spans;
      timings.passes = passes;
      if (fallback) timings.fallback = fallback;
      timings.exact = unionWindows(exact);
      timings.candidates = runs
        .map((r) => ({ from: r.start, to: r.end }))
        .sort((a, b) => a.from - b.from);
      timings.totalMs = performance.now() - t0;
      options.onTimings?.(timings);
    }
    const introTrack = track(results, intro, 0);
    const creditsTrack = track(results, credits, 1);
    const result: DetectionResult = {
      id: basename(input, extname(input)),
      file: input,
      duration,
      mode,
      intro: found.intro,
      credits: found.credits,
      probabilities: { intro: introTrack, credits: creditsTrack },
      threshold: { intro: decision.intro.threshold, credits: decision.credits.threshold },
    };
    // The intro and credits as segments (credits in pieces around a mid-credits scene); the
    // series step adds the parts only it finds.
    const pieces = found.creditsPieces;
    const segments = [
      ...(pieces.length > 1
        ? [
            ...segmentsOfResult(result).filter((seg) => seg.type !== 'credits'),
            ...pieces.map((p) => ({ type: 'credits' as const, ...p })),
          ]
        : segmentsOfResult(result)),
      ...(options.partHeads === true
        ? partHeadSegments(model.config, (target, channel) =>
            track(results, target === 'intro' ? intro : credits, channel),
          )
        : []),
    ].sort((a, b) => a.start - b.start);
    return { ...result, segments };
  } finally {
    if (own) await model.dispose();
  }
}

/**
 * The searched spans of a file of `duration` seconds (intro: the head, credits: the tail) and
 * the spans decoded for them: each searched span plus SPAN_CONTEXT seconds, so the seconds at
 * its edges get real audio in their mel windows (not the silence padding) and the BiLSTM sees
 * context on both sides (`track` cuts the extra seconds off again). Overlapping spans are
 * decoded once, as the whole file.
 */
export function detectSpans(
  duration: number,
  introSpan: number,
  creditsSpan: number,
): { intro: Span; credits: Span; spans: Span[] } {
  const whole = Math.floor(duration + 1e-3);
  const intro: Span = { from: 0, to: Math.min(whole, Math.ceil(duration * introSpan)) };
  const credits: Span = {
    from: Math.max(0, Math.floor(duration * (1 - creditsSpan))),
    to: whole,
  };
  const introDecode: Span = { from: 0, to: Math.min(whole, intro.to + SPAN_CONTEXT) };
  const creditsDecode: Span = { from: Math.max(0, credits.from - SPAN_CONTEXT), to: whole };
  const spans =
    introDecode.to >= creditsDecode.from ? [{ from: 0, to: whole }] : [introDecode, creditsDecode];
  return { intro, credits, spans };
}

function noTimings(): DetectTimings {
  const ms = { loadMs: 0, melMs: 0, frameTensorMs: 0, visionEncoderMs: 0, audioEncoderMs: 0 };
  return {
    ...ms,
    sequenceMs: 0,
    clusteringMs: 0,
    totalMs: 0,
    spans: [],
    passes: 1,
    exact: [],
    candidates: [],
  };
}

/** One decoded span: its per-second embeddings and the sequence model's probabilities. */
interface SpanResult {
  span: Span;
  emb: Matrix;
  probs: Matrix;
}

const NO_PROBS: Matrix = { data: new Float32Array(0), rows: 0, cols: 2 };

function sequenceOf(
  model: EpisodeModel,
  emb: Matrix,
  options: Parameters<EpisodeModel['sequence']>[1],
): Promise<Matrix> {
  return emb.rows === 0 ? Promise.resolve(NO_PROBS) : model.sequence(emb, options);
}

/**
 * The passes to run: two when asked for and the video's keyframes can be decoded alone at a
 * fraction of the cost of every frame (measured on its first 30 s, see checkKeyframes).
 */
async function choosePasses(
  input: string,
  requested: Passes,
  mode: Mode,
  options: LocateFfmpegOptions & { info: MediaInfo; signal?: AbortSignal },
): Promise<{ passes: Passes; fallback?: string }> {
  if (requested !== 1 && requested !== 2) {
    throw new InvalidArgumentError(`passes must be 1 or 2 (got ${String(requested)}).`);
  }
  if (requested === 1) return { passes: 1 };
  // Measured on the corpus test split: with held keyframes and no sound, the vision model
  // found half the intros it finds on every frame (presence recall 50 vs 75 %).
  if (mode === 'vision') return { passes: 1, fallback: VISION_FALLBACK };
  const check = await checkKeyframes(input, options.info, options);
  if (!check) return { passes: 1, fallback: 'the keyframes-only check decoded nothing' };
  if (check.share > MAX_KEYFRAME_SHARE) {
    const pct = Math.round(check.share * 100);
    return {
      passes: 1,
      fallback: `decoding keyframes only still delivers ${pct} % of the frames (${check.keyframes} of ${check.frames} in the first ${Math.round(check.seconds)} s): intra-only or very short GOPs, or a format whose non-key frames cannot be skipped`,
    };
  }
  return { passes: 2 };
}

/**
 * The end of the file as far back as its picture was held in the first pass (the seconds after
 * the last keyframe repeat it), at most BLIND_END_MAX seconds: a first pass cannot see a
 * credits roll shorter than the GOP there, and credits end the file. Undefined when the last
 * frames changed to the end, or the last span does not reach the end.
 */
function blindEndOf(spans: readonly Span[], lastChange: number): Span | undefined {
  const last = spans.at(-1);
  if (!last || lastChange < last.from) return undefined;
  const from = Math.max(lastChange, last.to - BLIND_END_MAX);
  return last.to - from >= 2 ? { from, to: last.to } : undefined;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && Buffer.compare(a, b) === 0;
}

/** Where the decided intervals start and end, inside the file (not at its very start or end). */
function boundariesOf(
  found: { intro: Interval | null; credits: Interval | null },
  duration: number,
): number[] {
  const out: number[] = [];
  for (const hit of [found.intro, found.credits]) {
    if (!hit) continue;
    for (const b of [hit.start, hit.end]) if (b > 0 && b < Math.floor(duration)) out.push(b);
  }
  return out;
}

/** Overwrites rows [row, row + part.rows) of `into`'s first part.cols columns with `part`. */
function spliceColumns(into: Matrix, part: Matrix, row: number): void {
  for (let i = 0; i < part.rows; i++) {
    const r = row + i;
    if (r < 0 || r >= into.rows) continue;
    into.data.set(part.data.subarray(i * part.cols, (i + 1) * part.cols), r * into.cols);
  }
}

function checkFraction(v: number, what: string): number {
  if (!(v > 0 && v <= 1)) {
    throw new InvalidArgumentError(
      `The ${what} must be a fraction of the episode in (0, 1] (got ${v}).`,
    );
  }
  return v;
}

/** The values of one probability channel over `want`, cut from the decoded span holding it. */
function track(
  results: ReadonlyArray<{ span: Span; probs: Matrix }>,
  want: Span,
  channel: number,
): Track {
  const r = results.find((x) => x.span.from <= want.from && x.span.to >= want.to) ?? results[0];
  if (!r || r.probs.cols <= channel) return { from: want.from, values: [] };
  const values: number[] = [];
  const first = want.from - r.span.from;
  const last = Math.min(want.to - r.span.from, r.probs.rows);
  for (let i = first; i < last; i++) values.push(r.probs.data[i * r.probs.cols + channel]!);
  return { from: want.from, values };
}
