import type { Readable } from 'node:stream';
import { concatMap, lastValueFrom, tap } from 'rxjs';
import { IntrodetectError } from '../errors.js';
import type { EpisodeModel } from '../fusion/episodeModel.js';
import type { DecisionConfig } from '../fusion/decisionConfig.js';
import type { LocateFfmpegOptions } from '../streams/locateFfmpeg.js';
import type { Logger } from '../util/logger.js';
import { describeNotice } from './describeNotice.js';
import { detectStream, STREAM_DEFAULTS } from './detectStream.js';
import type { SkipRange } from './hls/daterangePlaylist.js';
import { HlsRepublisher } from './hls/hlsRepublisher.js';
import { PlaylistTimeline } from './hls/playlistTimeline.js';
import { looksLikeHls } from './playlistEnded.js';
import type { StreamNotice } from './reconnectingSamples.js';
import { StreamClock } from './streamClock.js';
import type { StreamEvent } from './streamEvent.js';
import { toMs } from './timestamps.js';
import { WebhookSink } from './webhook.js';

/** One live input and where its events go (a line of `channels.yaml`, or `stream URL`). */
export interface ChannelSpec {
  name: string;
  input: string;
  lookahead?: number;
  window?: number;
  minRun?: number;
  /** Seconds of footage kept to find recaps in (0: none; `StreamDetectOptions.recapMemory`). */
  recapMemory?: number;
  maxRetries?: number;
  retryDelayMs?: number;
  /** POST each event here (JSON), retried with backoff; `secret` signs it (HMAC-SHA256). */
  webhook?: { url: string; secret?: string; timeoutMs?: number };
  /** Write `<hlsOut>/<name>.m3u8`: the live playlist with EXT-X-DATERANGE skip ranges. */
  hlsOut?: string;
}

/** An event of one channel: the stream event plus the channel's name. */
export type ChannelEvent = StreamEvent & { channel: string };

export type ChannelState =
  'starting' | 'connected' | 'reconnecting' | 'ended' | 'failed' | 'stopped';

/** What `/channels` reports for one channel. */
export interface ChannelStatus {
  name: string;
  input: string;
  state: ChannelState;
  /** When the channel entered this state (ISO 8601). */
  since: string;
  /** Stream seconds decided so far. */
  decidedSeconds: number;
  /**
   * How far the newest decided second is behind the live edge, in seconds: from
   * EXT-X-PROGRAM-DATE-TIME where the playlist has it, else from the wall clock since the
   * connection opened (which takes the input to start at its live edge).
   */
  secondsBehindLive?: number;
  /** Presentation time of the newest decided second. */
  pts?: number;
  events: number;
  lastEvent?: ChannelEvent;
  reconnects: number;
  /** Whether a playlist with skip ranges is being republished. */
  republishing: boolean;
  webhook?: { delivered: number; failed: number; dropped: number; queued: number };
  error?: { code: string; message: string };
}

export interface LiveChannelOptions extends LocateFfmpegOptions {
  /** The loaded model; shared by the channels of a process, never disposed here. */
  model: EpisodeModel;
  log: Logger;
  /** Every event, in order, once it is placed on the media timeline. */
  onEvent?: (event: ChannelEvent) => void;
  /** Keep the republished playlist in memory (for an HTTP server) even without `hlsOut`. */
  republish?: boolean;
  decision?: DecisionConfig;
  readTimeoutMs?: number;
  /** What ffmpeg reads for input `-`. */
  stdin?: Readable;
}

/**
 * One live channel: `detectStream` over its input, each event placed on the media timeline
 * (PTS always; for HLS with EXT-X-PROGRAM-DATE-TIME also the wall-clock instant, the media
 * sequence number and the segment), then written out, POSTed to the webhook and marked in the
 * republished playlist. A slow webhook or playlist never holds up detection: the webhook has
 * its own bounded queue, and placing an event waits at most a few seconds for a segment's
 * timestamp.
 */
export class LiveChannel {
  readonly spec: ChannelSpec;
  readonly #options: LiveChannelOptions;
  readonly #log: Logger;
  readonly #clock = new StreamClock();
  readonly #controller = new AbortController();
  readonly #timeline: PlaylistTimeline | undefined;
  readonly #republisher: HlsRepublisher | undefined;
  readonly #webhook: WebhookSink | undefined;
  #state: ChannelState = 'starting';
  #since = new Date();
  #decided = 0;
  #events = 0;
  #lastEvent: ChannelEvent | undefined;
  #reconnects = 0;
  #error: IntrodetectError | undefined;

  constructor(spec: ChannelSpec, options: LiveChannelOptions) {
    this.spec = spec;
    this.#options = options;
    this.#log = options.log.child({ channel: spec.name });
    const signal = this.#controller.signal;
    if (looksLikeHls(spec.input, undefined)) {
      this.#timeline = new PlaylistTimeline(spec.input, {
        signal,
        onWarning: (m) => this.#log.warn(m),
      });
      if (spec.hlsOut !== undefined || options.republish) {
        this.#republisher = new HlsRepublisher(this.#timeline, spec.name, {
          ...(spec.hlsOut !== undefined ? { outDir: spec.hlsOut } : {}),
          onWarning: (m: string) => this.#log.warn(m),
        });
      }
    } else if (spec.hlsOut !== undefined) {
      this.#log.warn(
        `--hls-out needs an HLS playlist input; ${spec.input} is not one, so no playlist is written`,
      );
    }
    if (spec.webhook) {
      this.#webhook = new WebhookSink({
        url: spec.webhook.url,
        ...(spec.webhook.secret !== undefined ? { secret: spec.webhook.secret } : {}),
        ...(spec.webhook.timeoutMs !== undefined ? { timeoutMs: spec.webhook.timeoutMs } : {}),
        onLog: (level, message, fields) => this.#log[level](`webhook: ${message}`, fields),
      });
    }
  }

  /** Runs until the input ends (resolves) or fails for good (rejects); `stop()` ends it early. */
  async run(): Promise<void> {
    const { spec } = this;
    const o = this.#options;
    this.#timeline?.start();
    try {
      await lastValueFrom(
        detectStream(spec.input, {
          ...(o.ffmpegPath !== undefined ? { ffmpegPath: o.ffmpegPath } : {}),
          model: o.model,
          clock: this.#clock,
          ...(spec.lookahead !== undefined ? { lookahead: spec.lookahead } : {}),
          ...(spec.window !== undefined ? { window: spec.window } : {}),
          ...(spec.minRun !== undefined ? { minRun: spec.minRun } : {}),
          ...(spec.recapMemory !== undefined ? { recapMemory: spec.recapMemory } : {}),
          ...(spec.maxRetries !== undefined ? { maxRetries: spec.maxRetries } : {}),
          ...(spec.retryDelayMs !== undefined ? { retryDelayMs: spec.retryDelayMs } : {}),
          ...(o.decision ? { decision: o.decision } : {}),
          ...(o.readTimeoutMs !== undefined ? { readTimeoutMs: o.readTimeoutMs } : {}),
          ...(o.stdin ? { stdin: o.stdin } : {}),
          onNotice: (n) => this.#notice(n),
          onDecided: (d) => {
            if (this.#state === 'starting') this.#enter('connected');
            this.#decided = d.t + 1;
          },
          signal: this.#controller.signal,
        }).pipe(
          concatMap((ev) => this.#place(ev)),
          tap((ev) => this.#emit(ev)),
        ),
        { defaultValue: undefined },
      );
      this.#enter('ended');
    } catch (err) {
      if (this.#controller.signal.aborted) {
        this.#enter('stopped');
        return;
      }
      this.#error = err instanceof IntrodetectError ? err : undefined;
      this.#enter('failed');
      throw err;
    } finally {
      this.#timeline?.stop();
      await this.#webhook?.flush(5000);
    }
  }

  /** Stops the channel: ffmpeg killed, polling stopped, waiting webhook deliveries dropped. */
  stop(): void {
    this.#controller.abort();
    this.#timeline?.stop();
    this.#webhook?.close();
  }

  /** The republished playlist (HLS inputs with program date-time), if any yet. */
  playlist(): string | undefined {
    return this.#republisher?.current();
  }

  async status(): Promise<ChannelStatus> {
    const pts = this.#decided > 0 ? this.#clock.ptsAt(this.#decided - 1) : undefined;
    const behind = await this.#secondsBehind(pts);
    return {
      name: this.spec.name,
      input: this.spec.input,
      state: this.#state,
      since: this.#since.toISOString(),
      decidedSeconds: this.#decided,
      ...(behind !== undefined ? { secondsBehindLive: behind } : {}),
      ...(pts !== undefined ? { pts: toMs(pts) } : {}),
      events: this.#events,
      ...(this.#lastEvent ? { lastEvent: this.#lastEvent } : {}),
      reconnects: this.#reconnects,
      republishing: this.#republisher !== undefined,
      ...(this.#webhook ? { webhook: { ...this.#webhook.stats } } : {}),
      ...(this.#error
        ? { error: { code: this.#error.code, message: this.#error.message.split('\n')[0]! } }
        : {}),
    };
  }

  async #secondsBehind(pts: number | undefined): Promise<number | undefined> {
    if (this.#state !== 'connected' || pts === undefined) return undefined;
    const place = this.#timeline?.hasProgramDateTime ? await this.#timeline.locate(pts) : undefined;
    if (place?.programDateTime) {
      return toMs(Math.max(0, (Date.now() - Date.parse(place.programDateTime)) / 1000 - 1));
    }
    const c = this.#clock.connections.at(-1);
    if (!c) return undefined;
    const liveEdge = c.origin + (Date.now() - c.atMs) / 1000;
    return toMs(Math.max(0, liveEdge - this.#decided));
  }

  async #place(ev: StreamEvent): Promise<ChannelEvent> {
    const placed: ChannelEvent = { channel: this.spec.name, ...ev };
    if (!this.#timeline || ev.pts === undefined) return placed;
    const where = await this.#timeline.locate(ev.pts);
    if (!where) return placed;
    // Keep the field order of StreamEvent: the media-timeline fields before wallTime.
    const { wallTime, confidence, ...head } = placed;
    return {
      ...head,
      ...(where.programDateTime !== undefined ? { programDateTime: where.programDateTime } : {}),
      mediaSequence: where.mediaSequence,
      segmentUri: where.uri,
      wallTime,
      confidence,
    };
  }

  #emit(ev: ChannelEvent): void {
    this.#events++;
    this.#lastEvent = ev;
    this.#options.onEvent?.(ev);
    this.#webhook?.send(ev);
    const [target, edge] = ev.event.split('.') as [SkipRange['target'], 'start' | 'end'];
    if (this.#republisher && ev.programDateTime !== undefined) {
      if (edge === 'start') this.#republisher.open(target, ev.programDateTime, ev.confidence);
      else this.#republisher.close(target, ev.programDateTime, ev.confidence);
    }
  }

  #notice(n: StreamNotice): void {
    switch (n.kind) {
      case 'lost':
        this.#enter('reconnecting');
        break;
      case 'reconnected':
        this.#reconnects++;
        this.#enter('connected');
        break;
      default:
        break;
    }
    const { level, message, fields } = describeNotice(
      n,
      this.spec.maxRetries ?? STREAM_DEFAULTS.maxRetries,
      process.env.INTRODETECT_DEBUG !== undefined,
    );
    this.#log[level](message, fields);
  }

  #enter(state: ChannelState): void {
    if (state === this.#state) return;
    this.#state = state;
    this.#since = new Date();
  }
}
