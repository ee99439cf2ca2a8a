import { createHmac, randomUUID } from 'node:crypto';
import { InvalidArgumentError } from '../errors.js';
import { backoffDelay, MAX_BACKOFF_MS } from '../util/backoff.js';

/**
 * `--webhook URL`: every live event POSTed as JSON to a receiver. Detection must never wait on
 * the network, so `send()` only queues; one delivery loop per sink posts the events in order
 * (a receiver sees `intro.start` before `intro.end`), retries what a later attempt can fix,
 * and gives up on one event without blocking the next.
 */

export type WebhookLogLevel = 'info' | 'warn';

export interface WebhookOptions {
  url: string;
  /**
   * HMAC-SHA256 key; when set, every request carries
   * `X-Introdetect-Signature: sha256=<hex of HMAC(secret, `${timestamp}.${body}`)>` and
   * `X-Introdetect-Timestamp: <unix seconds>` (timestamp in the signed text so a receiver can
   * reject replays). Each attempt is signed afresh, so a retry after a long backoff still
   * carries a current timestamp.
   */
  secret?: string;
  /** Per attempt, response body included (default 5000 ms). */
  timeoutMs?: number;
  /** Attempts per event, the first included (default 6: first try + 5 retries). */
  maxAttempts?: number;
  /**
   * First backoff, doubled per failed attempt, capped at 30 s (default 1000 ms). A
   * `Retry-After` on 429/503 is honoured when it asks for longer (also capped at 30 s).
   */
  retryDelayMs?: number;
  /** Events waiting behind the one in flight (default 1000); beyond it the oldest is dropped. */
  maxQueued?: number;
  /** Where failures go (the CLI prints them on stderr); nothing is logged without it. */
  onLog?: (level: WebhookLogLevel, message: string, fields?: Record<string, unknown>) => void;
  userAgent?: string;
}

export interface WebhookStats {
  delivered: number;
  /** Given up: retries spent, a response that retrying cannot fix, or an unserializable event. */
  failed: number;
  /** Never tried to the end: pushed out of a full queue, or still pending at close(). */
  dropped: number;
  /** Waiting or in flight. `delivered + failed + dropped + queued` counts every send(). */
  queued: number;
}

/**
 * What send() takes: any JSON-serializable object with an `event` string field (a StreamEvent,
 * a ChannelEvent…). Not `Record<string, unknown>`: declared interfaces would not fit it.
 */
export interface WebhookEvent {
  readonly event: string;
}

/** Defaults of the webhook sink (documented in the README, `stream --webhook`). */
export const WEBHOOK_DEFAULTS = Object.freeze({
  timeoutMs: 5000,
  maxAttempts: 6,
  retryDelayMs: 1000,
  maxQueued: 1000,
  flushTimeoutMs: 10_000,
  userAgent: 'introdetect',
});

/** Characters of a rejecting response's body that go into the log. */
const BODY_EXCERPT_CHARS = 200;

interface Delivery {
  /** Idempotency key: the same on every attempt, so a receiver can drop duplicates. */
  id: string;
  name: string;
  body: string;
}

type Outcome =
  | { kind: 'delivered'; status: number }
  | { kind: 'retry'; reason: string; status?: number; retryAfterMs?: number }
  | { kind: 'rejected'; reason: string; status: number }
  | { kind: 'closed' };

/**
 * POSTs live events to one URL, one at a time and in order. Network errors, timeouts, 408,
 * 429 and 5xx are retried with exponential backoff under the same delivery id; other answers
 * (4xx, and 3xx, which are not followed: a redirected POST would arrive as a GET) fail the
 * event at once. Nothing throws out of `send()` or a timer, and the sink alone never holds
 * the process open (its timers are unref'd): call `flush()` before exiting to wait for what
 * is queued, `close()` to stop.
 */
export class WebhookSink implements Disposable {
  readonly #url: string;
  readonly #secret: string | undefined;
  readonly #timeoutMs: number;
  readonly #maxAttempts: number;
  readonly #retryDelayMs: number;
  readonly #maxQueued: number;
  readonly #userAgent: string;
  readonly #onLog: WebhookOptions['onLog'];

  readonly #queue: Delivery[] = [];
  /** The event the delivery loop is on (attempting or waiting to retry). */
  #current: Delivery | undefined;
  #running = false;
  #closed = false;
  /** Aborts the attempt in flight. */
  #inflight: AbortController | undefined;
  /** Ends the backoff wait early (close). */
  #wake: (() => void) | undefined;
  readonly #idleWaiters = new Set<() => void>();
  #delivered = 0;
  #failed = 0;
  #dropped = 0;

  constructor(options: WebhookOptions) {
    this.#url = webhookUrl(options.url);
    if (options.secret !== undefined && options.secret.length === 0) {
      throw new InvalidArgumentError(
        'The webhook secret is empty. Pass a non-empty secret to sign requests, or none to send them unsigned.',
      );
    }
    this.#secret = options.secret;
    this.#timeoutMs = checked('timeoutMs', options.timeoutMs, WEBHOOK_DEFAULTS.timeoutMs, 1);
    this.#maxAttempts = checked(
      'maxAttempts',
      options.maxAttempts,
      WEBHOOK_DEFAULTS.maxAttempts,
      1,
    );
    this.#retryDelayMs = checked(
      'retryDelayMs',
      options.retryDelayMs,
      WEBHOOK_DEFAULTS.retryDelayMs,
      0,
    );
    this.#maxQueued = checked('maxQueued', options.maxQueued, WEBHOOK_DEFAULTS.maxQueued, 1);
    this.#userAgent = options.userAgent ?? WEBHOOK_DEFAULTS.userAgent;
    this.#onLog = options.onLog;
  }

  get stats(): WebhookStats {
    return {
      delivered: this.#delivered,
      failed: this.#failed,
      dropped: this.#dropped,
      queued: this.#queue.length + (this.#current ? 1 : 0),
    };
  }

  /**
   * Queues one event (any JSON-serializable object with an `event` string field); returns at
   * once, never throws.
   */
  send<E extends WebhookEvent>(event: E): void {
    try {
      const name: unknown = event.event;
      if (this.#closed) {
        this.#dropped++;
        this.#log('warn', `closed, dropped ${String(name)}`, { event: name });
        return;
      }
      if (typeof name !== 'string') {
        this.#failed++;
        this.#log('warn', 'not sent, the event has no string `event` field', {});
        return;
      }
      // Serialized now: what the receiver gets is the event as it was when it was sent.
      const body: unknown = JSON.stringify(event);
      if (typeof body !== 'string') throw new TypeError('JSON.stringify gave no text');
      if (this.#queue.length >= this.#maxQueued) {
        const oldest = this.#queue.shift()!;
        this.#dropped++;
        this.#log(
          'warn',
          `queue full (${this.#maxQueued} waiting), dropped the oldest: ${oldest.name}`,
          { event: oldest.name, delivery: oldest.id, maxQueued: this.#maxQueued },
        );
      }
      this.#queue.push({ id: randomUUID(), name, body });
      if (!this.#running) void this.#drain();
    } catch (err) {
      this.#failed++;
      this.#log('warn', `not sent, the event cannot be serialized: ${messageOf(err)}`, {
        event: safeName(event),
      });
    }
  }

  /**
   * Resolves when everything queued has been delivered or given up, or after timeoutMs
   * (default 10 s); used before the process exits.
   */
  flush(timeoutMs: number = WEBHOOK_DEFAULTS.flushTimeoutMs): Promise<void> {
    if (this.#closed || this.#idle()) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.#idleWaiters.delete(done);
        resolve();
      };
      // Not unref'd: awaiting flush() is how a caller keeps the process up for deliveries.
      const timer = setTimeout(() => {
        this.#log('warn', `flush timed out after ${timeoutMs} ms`, {
          queued: this.stats.queued,
        });
        done();
      }, timeoutMs);
      this.#idleWaiters.add(done);
    });
  }

  /** Stops: aborts the request in flight, drops what waits (logged with the count). Idempotent. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    const pending = this.#queue.length + (this.#current ? 1 : 0);
    this.#queue.length = 0;
    this.#current = undefined;
    this.#dropped += pending;
    this.#inflight?.abort();
    this.#wake?.();
    if (pending > 0) {
      this.#log('warn', `closed with ${pending} event(s) undelivered, dropped`, {
        count: pending,
      });
    }
    this.#settleIdle();
  }

  [Symbol.dispose](): void {
    this.close();
  }

  #idle(): boolean {
    return !this.#running && this.#queue.length === 0;
  }

  /**
   * The delivery loop: runs while events wait. Started synchronously by send(), so the first
   * event is in flight (not waiting) as soon as send() returns.
   */
  async #drain(): Promise<void> {
    this.#running = true;
    while (!this.#closed) {
      const delivery = this.#queue.shift();
      if (!delivery) break;
      this.#current = delivery;
      try {
        await this.#deliver(delivery);
      } catch (err) {
        // #deliver guards its own work; this keeps one unexpected error from ending the loop.
        if (!this.#closed) this.#failed++;
        this.#log('warn', `${delivery.name} failed: ${messageOf(err)}`, {
          event: delivery.name,
          delivery: delivery.id,
        });
      }
      this.#current = undefined;
    }
    // Same tick as the empty-queue check: a send() from here on starts a new loop.
    this.#running = false;
    this.#settleIdle();
  }

  /** All attempts for one event; counts it as delivered or failed unless the sink closed. */
  async #deliver(d: Delivery): Promise<void> {
    const fields = { event: d.name, delivery: d.id };
    for (let attempt = 1; !this.#closed; attempt++) {
      const outcome = await this.#attempt(d);
      if (this.#closed || outcome.kind === 'closed') return;
      const at = `attempt ${attempt}/${this.#maxAttempts}`;
      if (outcome.kind === 'delivered') {
        this.#delivered++;
        if (attempt > 1) {
          this.#log('info', `${d.name} delivered on ${at}`, { ...fields, attempt });
        }
        return;
      }
      const failure = {
        ...fields,
        attempt,
        maxAttempts: this.#maxAttempts,
        reason: outcome.reason,
        ...(outcome.status === undefined ? {} : { status: outcome.status }),
      };
      if (outcome.kind === 'rejected' || attempt >= this.#maxAttempts) {
        this.#failed++;
        const why =
          outcome.kind === 'rejected'
            ? `${outcome.reason}; not retried`
            : `failed (${outcome.reason}); giving up`;
        this.#log('warn', `${d.name} ${at} ${why}`, failure);
        return;
      }
      const delayMs = Math.min(
        MAX_BACKOFF_MS,
        Math.max(backoffDelay(attempt, this.#retryDelayMs), outcome.retryAfterMs ?? 0),
      );
      this.#log('warn', `${d.name} ${at} failed (${outcome.reason}); retry in ${delayMs} ms`, {
        ...failure,
        delayMs,
      });
      await this.#sleep(delayMs);
    }
  }

  /** One POST, bounded by timeoutMs (body included); never rejects. */
  async #attempt(d: Delivery): Promise<Outcome> {
    const controller = new AbortController();
    this.#inflight = controller;
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, this.#timeoutMs);
    timer.unref();
    try {
      const res = await fetch(this.#url, {
        method: 'POST',
        headers: this.#headers(d),
        body: d.body,
        signal: controller.signal,
        redirect: 'manual',
      });
      const { status } = res;
      if (status >= 200 && status < 300) {
        await res.body?.cancel().catch(() => undefined);
        return { kind: 'delivered', status };
      }
      const excerpt = await bodyExcerpt(res);
      const reason = `HTTP ${status}${excerpt ? `: ${excerpt}` : ''}`;
      if (status === 408 || status === 429 || status >= 500) {
        const retryAfterMs =
          status === 429 || status === 503
            ? parseRetryAfter(res.headers.get('retry-after'))
            : undefined;
        return {
          kind: 'retry',
          reason,
          status,
          ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
        };
      }
      const where =
        status >= 300 && status < 400
          ? ` (redirect to ${res.headers.get('location') ?? '?'}, not followed)`
          : '';
      return { kind: 'rejected', reason: `rejected: ${reason}${where}`, status };
    } catch (err) {
      if (this.#closed) return { kind: 'closed' };
      return {
        kind: 'retry',
        reason: timedOut ? `no response within ${this.#timeoutMs} ms` : networkReason(err),
      };
    } finally {
      clearTimeout(timer);
      if (this.#inflight === controller) this.#inflight = undefined;
    }
  }

  #headers(d: Delivery): Record<string, string> {
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'user-agent': this.#userAgent,
      'x-introdetect-event': headerSafe(d.name),
      'x-introdetect-delivery': d.id,
    };
    if (this.#secret !== undefined) {
      const timestamp = String(Math.floor(Date.now() / 1000));
      const mac = createHmac('sha256', this.#secret).update(`${timestamp}.${d.body}`);
      headers['x-introdetect-timestamp'] = timestamp;
      headers['x-introdetect-signature'] = `sha256=${mac.digest('hex')}`;
    }
    return headers;
  }

  /** Waits ms, or until close(). */
  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        if (this.#wake === wake) this.#wake = undefined;
        resolve();
      };
      const timer = setTimeout(wake, ms);
      timer.unref();
      this.#wake = wake;
    });
  }

  #settleIdle(): void {
    for (const done of [...this.#idleWaiters]) done();
  }

  #log(level: WebhookLogLevel, message: string, fields: Record<string, unknown>): void {
    try {
      this.#onLog?.(level, message, fields);
    } catch {
      // a failing logger must not stop deliveries (or throw out of send())
    }
  }
}

/** The URL, checked: absolute, http or https. */
function webhookUrl(url: string): string {
  const hint =
    'Pass an absolute http:// or https:// URL, e.g. --webhook https://example.com/hooks/introdetect';
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch (err) {
    throw new InvalidArgumentError(`Invalid webhook URL "${url}". ${hint}.`, { cause: err });
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new InvalidArgumentError(
      `The webhook URL must use http or https (got ${parsed.protocol.slice(0, -1)}). ${hint}.`,
    );
  }
  return parsed.href;
}

/** A number option: its default when absent, else an integer >= min (InvalidArgumentError). */
function checked(name: string, value: number | undefined, fallback: number, min: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < min) {
    throw new InvalidArgumentError(`webhook ${name} must be an integer >= ${min} (got ${value}).`);
  }
  return value;
}

/** `Retry-After` in ms: delay-seconds or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(
  header: string | null,
  now: number = Date.now(),
): number | undefined {
  if (header === null) return undefined;
  const value = header.trim();
  if (/^\d+(\.\d+)?$/.test(value)) return Math.round(Number(value) * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** The first characters of a response body for the log; '' when it cannot be read. */
async function bodyExcerpt(res: Response): Promise<string> {
  if (!res.body) return '';
  const reader = (res.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  let text = '';
  try {
    // Read only what the log shows (4 bytes per character at most), then hang up.
    while (text.length < BODY_EXCERPT_CHARS * 4) {
      const { done, value } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
    }
  } catch {
    // a body that breaks off still gives what arrived
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  return text.trim().slice(0, BODY_EXCERPT_CHARS);
}

/** fetch's "fetch failed" says nothing; its cause has the system error (ECONNREFUSED…). */
function networkReason(err: unknown): string {
  const cause = err instanceof Error ? err.cause : undefined;
  if (cause && typeof cause === 'object') {
    const { code, message } = cause as { code?: unknown; message?: unknown };
    if (typeof code === 'string') return `network error: ${code}`;
    if (typeof message === 'string') return `network error: ${message}`;
  }
  return `network error: ${messageOf(err)}`;
}

/** Header values must be Latin-1 text; an odd event name is sent percent-encoded. */
function headerSafe(value: string): string {
  return /^[\x20-\x7e]*$/.test(value) ? value : encodeURIComponent(value);
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function safeName(event: unknown): unknown {
  try {
    return (event as { event?: unknown }).event;
  } catch {
    return undefined;
  }
}
