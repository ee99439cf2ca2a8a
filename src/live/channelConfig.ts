import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';
import { InvalidArgumentError } from '../errors.js';
import type { ChannelSpec } from './liveChannel.js';

/** Names become file names and URL path parts: keep them plain. */
const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

const WHOLE_KEYS = [
  'lookahead',
  'window',
  'minRun',
  'recapMemory',
  'maxRetries',
  'retryDelayMs',
] as const;
const CHANNEL_KEYS = new Set(['name', 'input', 'webhook', 'hlsOut', ...WHOLE_KEYS]);
const WEBHOOK_KEYS = new Set(['url', 'secret', 'timeoutMs']);

type Raw = Record<string, unknown>;

const isObject = (v: unknown): v is Raw => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The channels of a `stream --config` file (YAML, or JSON, which YAML reads too):
 *
 * ```yaml
 * defaults:            # optional: every key of a channel but name and input
 *   lookahead: 4
 *   webhook: { url: https://hooks.example/skip, secret: s3cret }
 *   hlsOut: /srv/hls   # writes /srv/hls/<name>.m3u8
 * channels:
 *   - name: news
 *     input: https://origin.example/news/index.m3u8
 *   - { name: movies, input: udp://239.0.0.1:1234, lookahead: 6 }
 * ```
 * Each channel is its defaults overlaid with its own keys. Unknown keys, duplicate names and
 * values of the wrong kind are errors that name the channel and the key.
 */
export function parseChannelsConfig(text: string, source = 'channels file'): ChannelSpec[] {
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (err) {
    throw new InvalidArgumentError(`${source}: not valid YAML or JSON: ${String(err)}`, {
      cause: err,
    });
  }
  const bad = (m: string) => new InvalidArgumentError(`${source}: ${m}`);
  for (const key of isObject(doc) ? Object.keys(doc) : []) {
    if (key !== 'channels' && key !== 'defaults') {
      throw bad(`unknown key "${key}" (valid: channels, defaults).`);
    }
  }
  if (!isObject(doc) || !Array.isArray(doc.channels)) {
    throw bad('expected a "channels:" list (see `introdetect stream --help`).');
  }
  const defaults = doc.defaults ?? {};
  if (!isObject(defaults)) throw bad('"defaults" must be a mapping.');
  checkKeys(defaults, 'defaults', bad, true);
  const seen = new Set<string>();
  return doc.channels.map((entry: unknown, i) => {
    const where = `channels[${i}]`;
    if (!isObject(entry)) throw bad(`${where} must be a mapping with "name" and "input".`);
    checkKeys(entry, where, bad, false);
    const merged: Raw = { ...defaults, ...entry };
    if (isObject(defaults.webhook) && isObject(entry.webhook)) {
      merged.webhook = { ...defaults.webhook, ...entry.webhook };
    }
    const name = merged.name;
    if (typeof name !== 'string' || !NAME.test(name)) {
      throw bad(
        `${where}.name must be 1–64 letters, digits, ".", "_" or "-" (got ${JSON.stringify(name)}).`,
      );
    }
    if (seen.has(name)) throw bad(`two channels are named "${name}".`);
    seen.add(name);
    if (typeof merged.input !== 'string' || merged.input === '') {
      throw bad(`${where} (${name}).input must be a URL or path.`);
    }
    return toSpec(merged, `${where} (${name})`, bad);
  });
}

/** Reads and parses a channels file. */
export async function readChannelsConfig(path: string): Promise<ChannelSpec[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new InvalidArgumentError(`cannot read the channels file ${path}: ${String(err)}`, {
      cause: err,
    });
  }
  return parseChannelsConfig(text, path);
}

function checkKeys(raw: Raw, where: string, bad: (m: string) => Error, isDefaults: boolean): void {
  for (const key of Object.keys(raw)) {
    if (!CHANNEL_KEYS.has(key) || (isDefaults && (key === 'name' || key === 'input'))) {
      const valid = [...CHANNEL_KEYS].filter((k) => !isDefaults || (k !== 'name' && k !== 'input'));
      throw bad(`${where}: unknown key "${key}" (valid: ${valid.join(', ')}).`);
    }
  }
  if (raw.webhook !== undefined) {
    if (!isObject(raw.webhook)) throw bad(`${where}.webhook must be a mapping with "url".`);
    for (const key of Object.keys(raw.webhook)) {
      if (!WEBHOOK_KEYS.has(key)) {
        throw bad(
          `${where}.webhook: unknown key "${key}" (valid: ${[...WEBHOOK_KEYS].join(', ')}).`,
        );
      }
    }
  }
}

function toSpec(raw: Raw, where: string, bad: (m: string) => Error): ChannelSpec {
  const spec: ChannelSpec = { name: raw.name as string, input: raw.input as string };
  for (const key of WHOLE_KEYS) {
    const v = raw[key];
    if (v === undefined) continue;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) {
      throw bad(`${where}.${key} must be a whole number >= 0 (got ${JSON.stringify(v)}).`);
    }
    spec[key] = v;
  }
  if (raw.hlsOut !== undefined) {
    if (typeof raw.hlsOut !== 'string' || raw.hlsOut === '')
      throw bad(`${where}.hlsOut must be a folder path.`);
    spec.hlsOut = raw.hlsOut;
  }
  if (raw.webhook !== undefined) {
    const w = raw.webhook as Raw;
    if (typeof w.url !== 'string') throw bad(`${where}.webhook.url must be an http(s) URL.`);
    if (w.secret !== undefined && typeof w.secret !== 'string')
      throw bad(`${where}.webhook.secret must be a string.`);
    if (
      w.timeoutMs !== undefined &&
      (typeof w.timeoutMs !== 'number' || !Number.isInteger(w.timeoutMs) || w.timeoutMs < 1)
    )
      throw bad(`${where}.webhook.timeoutMs must be a whole number >= 1.`);
    spec.webhook = {
      url: w.url,
      ...(typeof w.secret === 'string' ? { secret: w.secret } : {}),
      ...(typeof w.timeoutMs === 'number' ? { timeoutMs: w.timeoutMs } : {}),
    };
  }
  return spec;
}
