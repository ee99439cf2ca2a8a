import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MEL } from '../audio/melConfig.js';
import { InvalidArgumentError, ModelNotFoundError } from '../errors.js';
import { type DecisionConfig, PART_HEADS, type PartHead, parseDecision } from './decisionConfig.js';

/** `fused`: picture + sound; `vision`: picture only (files without audio, or faster). */
export type Mode = 'fused' | 'vision';
export const MODES: readonly Mode[] = ['fused', 'vision'];

export function parseMode(name: string): Mode {
  if ((MODES as readonly string[]).includes(name)) return name as Mode;
  throw new InvalidArgumentError(`Unknown mode "${name}". Valid modes: ${MODES.join(', ')}.`);
}

/** The files a model folder must hold for each mode. */
const MODEL_FILES: Readonly<Record<Mode, readonly string[]>> = Object.freeze({
  vision: ['model.json', 'vision-encoder.onnx', 'sequence.onnx'],
  fused: ['model.json', 'vision-encoder.onnx', 'audio-encoder.onnx', 'sequence.onnx'],
});

/** What detect needs from model.json (the rest is kept in `raw`). */
export interface ModelConfig {
  dir: string;
  mode: Mode;
  /** Side of the square frames the image encoder takes (default 64). */
  frameSize: number;
  /**
   * Seconds of audio past each second's centre the audio encoder hears (model.json
   * `mel.futureSeconds`, default 5: the whole 10-s window). A live model hears less and
   * silences the rest of the window itself, so a stream can decide sooner.
   */
  audioFuture: number;
  /** The look-ahead (s) a stream uses with this model unless told (model.json `stream.lookahead`). */
  streamLookahead?: number;
  decision: DecisionConfig;
  /**
   * The sequence model's output channels (model.json `inputs.sequence.channels`): intro and
   * credits first, then the part heads it has (recap, preview), each at its index.
   */
  channels: readonly ('intro' | 'credits' | PartHead)[];
  raw: Readonly<Record<string, unknown>>;
}

/** `models/<mode>/` at the package root (next to `src/` and `dist/`). */
export function defaultModelDir(mode: Mode): string {
  return fileURLToPath(new URL(`../../models/${mode}/`, import.meta.url));
}

/**
 * The model a stream runs by default: `models/live/` for `fused` where the package ships it
 * (a fused model whose audio encoder hears less of the future, so each second is decided
 * sooner), else the same folder as `detect`.
 */
export function defaultStreamModelDir(mode: Mode): string {
  if (mode === 'fused') {
    const live = fileURLToPath(new URL('../../models/live/', import.meta.url));
    if (existsSync(join(live, 'model.json'))) return live;
  }
  return defaultModelDir(mode);
}

/**
 * Reads and checks a model folder. Without `mode` the folder's model.json decides; with it,
 * the two must agree. Missing files → ModelNotFoundError naming them.
 */
export function loadModelConfig(dir: string, mode?: Mode): ModelConfig {
  const wanted = mode ?? readMode(dir) ?? 'fused';
  const missing = MODEL_FILES[wanted].filter((f) => !existsSync(join(dir, f)));
  if (missing.length > 0) {
    throw new ModelNotFoundError(
      `The ${wanted} model in ${dir} is incomplete: missing ${missing.join(', ')}. ` +
        `Train and export it (see the README, "How to train and reproduce the models": ` +
        `python training/train.py --mode ${wanted}, then python training/export_onnx.py --out models/${wanted}), ` +
        `or pass --models DIR pointing at a folder with ${MODEL_FILES[wanted].join(', ')}.`,
    );
  }
  const where = join(dir, 'model.json');
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(where, 'utf8'));
  } catch (cause) {
    throw new ModelNotFoundError(`${where} is not valid JSON; re-export the model.`, { cause });
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new ModelNotFoundError(`${where} must hold a JSON object; re-export the model.`);
  }
  const obj = raw as Record<string, unknown>;
  if (obj.mode !== undefined && obj.mode !== wanted) {
    const has = JSON.stringify(obj.mode);
    throw new InvalidArgumentError(
      `${dir} holds a ${has} model but --mode ${wanted} was asked for; use --mode ${has} or another --models folder.`,
    );
  }
  const frameSize = obj.frameSize ?? 64;
  if (typeof frameSize !== 'number' || !Number.isInteger(frameSize) || frameSize < 8) {
    throw new ModelNotFoundError(`${where}: "frameSize" must be an integer >= 8.`);
  }
  const mel = obj.mel as Record<string, unknown> | null | undefined;
  const audioFuture = mel?.futureSeconds ?? MEL.padSeconds;
  if (typeof audioFuture !== 'number' || !(audioFuture >= 0 && audioFuture <= MEL.padSeconds)) {
    throw new ModelNotFoundError(
      `${where}: "mel.futureSeconds" must be a number of seconds within 0..${MEL.padSeconds}.`,
    );
  }
  const stream = obj.stream as Record<string, unknown> | null | undefined;
  const streamLookahead = stream?.lookahead;
  if (
    streamLookahead !== undefined &&
    (typeof streamLookahead !== 'number' ||
      !Number.isInteger(streamLookahead) ||
      streamLookahead < 0)
  ) {
    throw new ModelNotFoundError(`${where}: "stream.lookahead" must be a whole number of seconds.`);
  }
  return {
    dir,
    mode: wanted,
    frameSize,
    audioFuture,
    ...(streamLookahead !== undefined ? { streamLookahead } : {}),
    decision: parseDecision(obj.decision, where),
    channels: readChannels(obj, where),
    raw: obj,
  };
}

/** `inputs.sequence.channels`: intro, credits, then known part heads once each (default the two). */
function readChannels(obj: Record<string, unknown>, where: string): ModelConfig['channels'] {
  const inputs = obj.inputs as { sequence?: { channels?: unknown } } | null | undefined;
  const channels = inputs?.sequence?.channels;
  if (channels === undefined) return ['intro', 'credits'];
  const ok =
    Array.isArray(channels) &&
    channels[0] === 'intro' &&
    channels[1] === 'credits' &&
    channels.slice(2).every((c) => (PART_HEADS as readonly unknown[]).includes(c)) &&
    new Set(channels).size === channels.length;
  if (!ok) {
    throw new ModelNotFoundError(
      `${where}: "inputs.sequence.channels" must be "intro", "credits", then any of ${PART_HEADS.join(', ')} once each (got ${JSON.stringify(channels)}); re-export the model.`,
    );
  }
  return channels as ModelConfig['channels'];
}

function readMode(dir: string): Mode | undefined {
  try {
    const m = (JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8')) as { mode?: unknown })
      .mode;
    return m === 'fused' || m === 'vision' ? m : undefined;
  } catch {
    return undefined;
  }
}
