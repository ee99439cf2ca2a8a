import { basename, extname } from 'node:path';
import { InvalidArgumentError, NoAudioStreamError } from '../errors.js';
import type { SecondSample } from '../features/joinSeconds.js';
import { probe } from '../streams/probe.js';
import { decide } from './decide.js';
import type { TargetDecision } from './decisionConfig.js';
import type { DetectionResult } from './detectionResult.js';
import { embedSpan, type EmbedTimings } from './embedSpan.js';
import type { Matrix } from './episodeModel.js';
import { modelFor, type ModelChoice } from './modelChoice.js';
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
}

export interface DetectOptions extends LocateFfmpegOptions, ModelChoice {
  /** Fraction of the file searched for the intro, from the start (default: model.json, 0.5). */
  introSpan?: number;
  /** Fraction searched for the credits, up to the end (default: model.json, 0.25). */
  creditsSpan?: number;
  /** Seconds per inference batch (default 64). */
  batchSize?: number;
  /** Skip the video decoder's deblocking filter (default true; see DecodeOptions). */
  skipLoopFilter?: boolean;
  /** Extra ffmpeg input options for the decoder, placed before `-i`. */
  inputOptions?: readonly string[];
  onProgress?: (progress: DetectProgress) => void;
  /**
   * Called with every decoded second (`second` in seconds of the file; a second decoded for
   * two spans comes once per span). `detectSeries` fingerprints the seconds with it.
   */
  onSample?: (sample: SecondSample, second: number) => void;
  /** Called once, after a successful detection, with where its time went. */
  onTimings?: (timings: DetectTimings) => void;
  signal?: AbortSignal;
}

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
    let before = 0;

    const probsOf = async (span: Span): Promise<Matrix> => {
      if (span.to <= span.from) return { data: new Float32Array(0), rows: 0, cols: 2 };
      const emb = await embedSpan(input, model, {
        from: span.from,
        to: span.to,
        audio: mode === 'fused',
        ...(options.batchSize ? { batchSize: options.batchSize } : {}),
        decode: {
          ...ffmpeg,
          info,
          ...(options.skipLoopFilter !== undefined
            ? { skipLoopFilter: options.skipLoopFilter }
            : {}),
          ...(options.inputOptions ? { inputOptions: options.inputOptions } : {}),
        },
        ...(options.onProgress
          ? { onSeconds: (s: number) => options.onProgress?.({ seconds: before + s, total }) }
          : {}),
        ...(options.onSample ? { onSample: options.onSample } : {}),
        ...(timings ? { timings } : {}),
        ...(signal ? { signal } : {}),
      });
      before += emb.rows;
      if (emb.rows === 0) return { data: new Float32Array(0), rows: 0, cols: 2 };
      return model.sequence(emb, {
        ...(signal ? { signal } : {}),
        ...(timings ? { timings } : {}),
      });
    };

    const results = [];
    for (const span of spans) results.push({ span, probs: await probsOf(span) });
    const introTrack = track(results, intro, 0);
    const creditsTrack = track(results, credits, 1);
    const tDecide = performance.now();
    const found = {
      intro: locate(introTrack, decision.intro),
      credits: locate(creditsTrack, decision.credits),
    };
    if (timings) {
      timings.clusteringMs = performance.now() - tDecide;
      timings.spans = spans;
      timings.totalMs = performance.now() - t0;
      options.onTimings?.(timings);
    }
    return {
      id: basename(input, extname(input)),
      file: input,
      duration,
      mode,
      ...found,
      probabilities: { intro: introTrack, credits: creditsTrack },
      threshold: { intro: decision.intro.threshold, credits: decision.credits.threshold },
    };
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
  return { ...ms, sequenceMs: 0, clusteringMs: 0, totalMs: 0, spans: [] };
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
): { from: number; values: number[] } {
  const r = results.find((x) => x.span.from <= want.from && x.span.to >= want.to) ?? results[0];
  if (!r || r.probs.cols <= channel) return { from: want.from, values: [] };
  const values: number[] = [];
  const first = want.from - r.span.from;
  const last = Math.min(want.to - r.span.from, r.probs.rows);
  for (let i = first; i < last; i++) values.push(r.probs.data[i * r.probs.cols + channel]!);
  return { from: want.from, values };
}

function locate(t: { from: number; values: number[] }, decision: TargetDecision): Interval | null {
  const hit = decide(t.values, decision);
  return hit
    ? { start: hit.start + t.from, end: hit.end + t.from, confidence: hit.confidence }
    : null;
}
