import { isDeepStrictEqual } from 'node:util';
import type { EpisodeModel } from '../fusion/episodeModel.js';
import type { Logger } from '../util/logger.js';
import {
  LiveChannel,
  type ChannelEvent,
  type ChannelSpec,
  type ChannelStatus,
  type LiveChannelOptions,
} from './liveChannel.js';

export interface ChannelRunnerOptions extends Omit<
  LiveChannelOptions,
  'model' | 'log' | 'onEvent'
> {
  /**
   * The inference pool: loaded models (each its own worker thread), shared by all channels;
   * channel i uses model i mod n. One worker serves several channels, one call at a time.
   */
  models: readonly EpisodeModel[];
  log: Logger;
  onEvent?: (event: ChannelEvent) => void;
  /**
   * After a channel gives up (its reconnects failed `maxRetries` times in a row), start it
   * again this much later (ms). Undefined: a failure is final and `done` rejects with it.
   */
  restartDelayMs?: number;
}

interface Slot {
  spec: ChannelSpec;
  channel: LiveChannel;
  /** Settles when this slot stops for good (ended, stopped, or failed without restart). */
  finished: Promise<void>;
  timer?: NodeJS.Timeout;
  /** Ends a pending restart wait. */
  wake?: () => void;
  stopped: boolean;
}

/**
 * Runs many channels in one process: each its own LiveChannel (own ffmpeg, reconnect state,
 * playlist and webhook), all sharing the inference pool. `apply` takes a new channel list
 * (at start and on SIGHUP): channels gone are stopped, new ones started, changed ones
 * restarted, unchanged ones left running.
 */
export class ChannelRunner {
  readonly #options: ChannelRunnerOptions;
  readonly #slots = new Map<string, Slot>();
  #assigned = 0;
  #failure: Error | undefined;

  constructor(options: ChannelRunnerOptions) {
    if (options.models.length === 0) throw new Error('ChannelRunner: no models');
    this.#options = options;
  }

  apply(specs: readonly ChannelSpec[]): { started: string[]; stopped: string[]; kept: string[] } {
    const next = new Map(specs.map((s) => [s.name, s]));
    const started: string[] = [];
    const stopped: string[] = [];
    const kept: string[] = [];
    for (const [name, slot] of this.#slots) {
      const spec = next.get(name);
      if (spec && isDeepStrictEqual(spec, slot.spec)) {
        kept.push(name);
        continue;
      }
      this.#stopSlot(slot);
      this.#slots.delete(name);
      stopped.push(name);
    }
    for (const spec of specs) {
      if (this.#slots.has(spec.name)) continue;
      this.#slots.set(spec.name, this.#start(spec));
      started.push(spec.name);
    }
    return { started, stopped, kept };
  }

  channel(name: string): LiveChannel | undefined {
    return this.#slots.get(name)?.channel;
  }

  async status(): Promise<ChannelStatus[]> {
    return Promise.all([...this.#slots.values()].map((s) => s.channel.status()));
  }

  /**
   * Resolves when every channel has finished (their inputs ended, or they were stopped);
   * rejects with a channel's failure when restarts are off. Channels added later are waited
   * for too.
   */
  async done(): Promise<void> {
    for (;;) {
      const pending = [...this.#slots.values()].map((s) => s.finished);
      await Promise.all(pending);
      if (this.#failure !== undefined) throw this.#failure;
      const now = [...this.#slots.values()].map((s) => s.finished);
      if (now.length === pending.length && now.every((p, i) => p === pending[i])) return;
    }
  }

  /** Stops every channel and waits for them. */
  async stop(): Promise<void> {
    const slots = [...this.#slots.values()];
    for (const s of slots) this.#stopSlot(s);
    await Promise.all(slots.map((s) => s.finished));
  }

  #start(spec: ChannelSpec): Slot {
    const o = this.#options;
    const { models, log, onEvent, restartDelayMs, ...channelOptions } = o;
    const model = models[this.#assigned++ % models.length]!;
    const make = () =>
      new LiveChannel(spec, {
        ...channelOptions,
        model,
        log,
        ...(onEvent ? { onEvent } : {}),
      });
    const slot: Slot = { spec, channel: make(), finished: Promise.resolve(), stopped: false };
    const clog = log.child({ channel: spec.name });
    const runLoop = async (): Promise<void> => {
      for (;;) {
        try {
          await slot.channel.run();
          if (!slot.stopped) {
            const s = await slot.channel.status();
            clog.info(`input ended: ${s.decidedSeconds} s analysed, ${s.events} event(s)`, {
              notice: 'ended',
              decidedSeconds: s.decidedSeconds,
              events: s.events,
            });
          }
          return;
        } catch (err) {
          if (slot.stopped) return;
          if (restartDelayMs === undefined) {
            this.#failure ??= err instanceof Error ? err : new Error(String(err));
            return;
          }
          clog.error(
            `channel failed (${firstLine(err)}); restarting in ${Math.round(restartDelayMs / 1000)} s`,
            { notice: 'restarting', delayMs: restartDelayMs },
          );
          const resumed = await new Promise<boolean>((resolve) => {
            slot.timer = setTimeout(() => resolve(!slot.stopped), restartDelayMs);
            slot.wake = () => resolve(false);
          });
          if (!resumed) return;
          slot.channel = make();
        }
      }
    };
    slot.finished = runLoop();
    return slot;
  }

  #stopSlot(slot: Slot): void {
    slot.stopped = true;
    if (slot.timer) clearTimeout(slot.timer);
    slot.wake?.();
    slot.channel.stop();
  }
}

function firstLine(err: unknown): string {
  const m = err instanceof Error ? err.message : String(err);
  return m.split('\n')[0] ?? m;
}
