import { spawn } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../src/errors.js';
import { parseRetryAfter, WebhookSink, type WebhookOptions } from '../../src/live/webhook.js';

/** One request as the receiver saw it. */
interface Received {
  headers: IncomingHttpHeaders;
  body: string;
  /** performance.now() when the body had arrived. */
  at: number;
}

/** How the receiver answers request n (0-based): write to res, or leave it hanging. */
type Answer = (res: ServerResponse, n: number, req: Received) => void;

interface Receiver {
  url: string;
  requests: Received[];
  /** Resolves once `count` requests have arrived. */
  received(count: number): Promise<void>;
  close(): Promise<void>;
}

const open: Receiver[] = [];
const sinks: WebhookSink[] = [];

afterEach(async () => {
  for (const sink of sinks.splice(0)) sink.close();
  await Promise.all(open.splice(0).map((r) => r.close()));
});

/** A real HTTP receiver on 127.0.0.1, port 0. */
async function receiver(answer: Answer): Promise<Receiver> {
  const requests: Received[] = [];
  const waiting: Array<{ count: number; resolve: () => void }> = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const r = {
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        at: performance.now(),
      };
      const n = requests.push(r) - 1;
      answer(res, n, r);
      for (const w of waiting.filter((w) => requests.length >= w.count)) w.resolve();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const r: Receiver = {
    url: `http://127.0.0.1:${port}/hook`,
    requests,
    received: (count) =>
      requests.length >= count
        ? Promise.resolve()
        : new Promise((resolve) => waiting.push({ count, resolve })),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  open.push(r);
  return r;
}

/** An answer that replies at once (usable as an Answer, or called from one). */
const reply =
  (status: number, body = '', headers: Record<string, string> = {}) =>
  (res: ServerResponse): void => {
    res.writeHead(status, headers);
    res.end(body);
  };

interface LogLine {
  level: 'info' | 'warn';
  message: string;
  fields: Record<string, unknown> | undefined;
}

/** A sink with a log, closed after the test; small delays so the file runs in seconds. */
function sink(url: string, options: Partial<WebhookOptions> = {}) {
  const log: LogLine[] = [];
  const s = new WebhookSink({
    url,
    retryDelayMs: 10,
    timeoutMs: 2000,
    onLog: (level, message, fields) => log.push({ level, message, fields }),
    ...options,
  });
  sinks.push(s);
  const warns = () => log.filter((l) => l.level === 'warn');
  return { sink: s, log, warns };
}

const ev = (event: string, extra: Record<string, unknown> = {}) => ({
  event,
  streamTime: 42,
  ...extra,
});
/** Polls until check() holds (for states only the log shows). */
async function until(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((r) => setTimeout(r, 5));
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('WebhookSink: delivery and retries', () => {
  it('retries against a server that fails twice: one event, 3 attempts, one delivery id, two warns', async () => {
    const server = await receiver((res, n) => reply(n < 2 ? 500 : 200, n < 2 ? 'busy' : 'ok')(res));
    const { sink: s, warns, log } = sink(server.url, { retryDelayMs: 20 });
    const event = ev('intro.start', { confidence: 0.93 });
    s.send(event);
    await s.flush();

    expect(server.requests).toHaveLength(3);
    const ids = server.requests.map((r) => r.headers['x-introdetect-delivery']);
    expect(ids[0]).toMatch(UUID);
    expect(new Set(ids).size).toBe(1);
    for (const r of server.requests) {
      expect(JSON.parse(r.body)).toEqual(event);
      expect(r.headers['content-type']).toBe('application/json');
      expect(r.headers['x-introdetect-event']).toBe('intro.start');
    }
    // Backoff doubles: 20 ms after the first failure, 40 ms after the second.
    expect(warns().map((w) => [w.fields?.attempt, w.fields?.status, w.fields?.delayMs])).toEqual([
      [1, 500, 20],
      [2, 500, 40],
    ]);
    expect(warns()[0]!.message).toContain('attempt 1/6');
    const [a, b, c] = server.requests.map((r) => r.at) as [number, number, number];
    expect(b - a).toBeGreaterThanOrEqual(19);
    expect(c - b).toBeGreaterThanOrEqual(39);
    expect(log.filter((l) => l.level === 'info')).toHaveLength(1); // "delivered on attempt 3/6"
    expect(s.stats).toEqual({ delivered: 1, failed: 0, dropped: 0, queued: 0 });
  });

  it('gives each event its own delivery id and posts the event exactly as JSON', async () => {
    const server = await receiver(reply(204));
    const { sink: s } = sink(server.url, { userAgent: 'test-agent/1' });
    s.send(ev('intro.start'));
    s.send(ev('intro.end', { nested: { a: [1, 'two'] } }));
    await s.flush();
    const [first, second] = server.requests as [Received, Received];
    expect(first.headers['x-introdetect-delivery']).not.toBe(
      second.headers['x-introdetect-delivery'],
    );
    expect(second.body).toBe(JSON.stringify(ev('intro.end', { nested: { a: [1, 'two'] } })));
    expect(first.headers['user-agent']).toBe('test-agent/1');
    expect(s.stats.delivered).toBe(2);
  });

  it('sends the event as it was at send(), not as the caller later changes it', async () => {
    const server = await receiver(reply(200));
    const { sink: s } = sink(server.url);
    const event = ev('credits.start');
    s.send(event);
    s.send(ev('credits.end'));
    event.streamTime = 999;
    await s.flush();
    expect(JSON.parse(server.requests[0]!.body)).toMatchObject({ streamTime: 42 });
  });

  it('retries network errors (connection refused) and gives up after maxAttempts', async () => {
    const gone = await receiver(reply(200));
    await gone.close(); // the port is now closed
    const { sink: s, warns } = sink(gone.url, { maxAttempts: 3 });
    s.send(ev('intro.start'));
    await s.flush();
    expect(warns()).toHaveLength(3);
    expect(warns()[0]!.fields?.reason).toMatch(/network error: ECONNREFUSED/);
    expect(warns()[2]!.message).toMatch(/attempt 3\/3 .*giving up/);
    expect(s.stats).toEqual({ delivered: 0, failed: 1, dropped: 0, queued: 0 });
  });

  it('times out a server that never answers, gives up, then delivers the next event', async () => {
    // intro.start hangs forever; everything else is answered at once.
    const server = await receiver((res, _n, req) => {
      if (req.headers['x-introdetect-event'] !== 'intro.start') reply(200)(res);
    });
    const { sink: s, warns } = sink(server.url, { timeoutMs: 60, maxAttempts: 3 });
    const t0 = performance.now();
    s.send(ev('intro.start'));
    s.send(ev('intro.end'));
    await s.flush();

    const names = server.requests.map((r) => r.headers['x-introdetect-event']);
    expect(names).toEqual(['intro.start', 'intro.start', 'intro.start', 'intro.end']);
    expect(warns().map((w) => w.fields?.reason)).toEqual([
      'no response within 60 ms',
      'no response within 60 ms',
      'no response within 60 ms',
    ]);
    expect(warns()[2]!.message).toContain('giving up');
    // 3 timeouts of 60 ms plus backoffs of 10 and 20 ms before intro.end went out.
    expect(server.requests[3]!.at - t0).toBeGreaterThanOrEqual(3 * 60 + 30 - 5);
    expect(s.stats).toEqual({ delivered: 1, failed: 1, dropped: 0, queued: 0 });
  });

  it('retries 408, 429 and 5xx; does not retry 400 and logs its status and the start of its body', async () => {
    const statuses = [408, 502, 429, 200, 400, 200];
    const longBody = 'x'.repeat(500);
    const server = await receiver((res, n) => {
      const status = statuses[n]!;
      reply(status, status === 400 ? longBody : '')(res);
    });
    const { sink: s, warns } = sink(server.url);
    s.send(ev('intro.start'));
    s.send(ev('intro.end'));
    s.send(ev('credits.start'));
    await s.flush();

    expect(server.requests.map((r) => r.headers['x-introdetect-event'])).toEqual([
      'intro.start',
      'intro.start',
      'intro.start',
      'intro.start',
      'intro.end', // 400: once, not retried
      'credits.start', // and the next event still goes out
    ]);
    const rejected = warns().at(-1)!;
    expect(rejected.fields).toMatchObject({ status: 400, event: 'intro.end' });
    expect(rejected.message).toContain('not retried');
    expect(rejected.message).toContain(`HTTP 400: ${'x'.repeat(200)};`);
    expect(rejected.message).not.toContain('x'.repeat(201));
    expect(s.stats).toEqual({ delivered: 2, failed: 1, dropped: 0, queued: 0 });
  });

  it('does not follow a redirect (the POST would arrive as a GET) and does not retry it', async () => {
    const server = await receiver(reply(302, '', { location: '/elsewhere' }));
    const { sink: s, warns } = sink(server.url);
    s.send(ev('intro.start'));
    await s.flush();
    expect(server.requests).toHaveLength(1);
    expect(warns()[0]!.message).toContain('/elsewhere');
    expect(s.stats.failed).toBe(1);
  });

  it('waits at least Retry-After on 429 when it is longer than the backoff', async () => {
    const server = await receiver((res, n) =>
      n === 0 ? reply(429, '', { 'retry-after': '1' })(res) : reply(200)(res),
    );
    const { sink: s, warns } = sink(server.url, { retryDelayMs: 10 });
    s.send(ev('intro.start'));
    await s.flush();
    expect(server.requests).toHaveLength(2);
    expect(warns()[0]!.fields).toMatchObject({ status: 429, delayMs: 1000 });
    expect(server.requests[1]!.at - server.requests[0]!.at).toBeGreaterThanOrEqual(995);
    expect(s.stats.delivered).toBe(1);
  });

  it('reads Retry-After as seconds or as an HTTP date', () => {
    const now = Date.parse('2025-01-01T00:00:00Z');
    expect(parseRetryAfter('2', now)).toBe(2000);
    expect(parseRetryAfter(' 0.5 ', now)).toBe(500);
    expect(parseRetryAfter('Wed, 01 Jan 2025 00:00:07 GMT', now)).toBe(7000);
    expect(parseRetryAfter('Tue, 31 Dec 2024 23:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
  });
});

describe('WebhookSink: signature', () => {
  it('signs `${timestamp}.${rawBody}` with HMAC-SHA256 so the receiver can verify it', async () => {
    const server = await receiver(reply(200));
    const secret = 's3cr3t';
    const { sink: s } = sink(server.url, { secret });
    s.send(ev('intro.start', { text: 'é ünïcode' }));
    await s.flush();

    const { headers, body } = server.requests[0]!;
    const timestamp = headers['x-introdetect-timestamp'] as string;
    expect(timestamp).toMatch(/^\d+$/);
    expect(Math.abs(Number(timestamp) - Date.now() / 1000)).toBeLessThan(5);
    const expected = createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
    expect(headers['x-introdetect-signature']).toBe(`sha256=${expected}`);
    // A different secret (or a changed body) does not verify.
    const forged = createHmac('sha256', 'other').update(`${timestamp}.${body}`).digest('hex');
    expect(headers['x-introdetect-signature']).not.toBe(`sha256=${forged}`);
  });

  it('sends no signature or timestamp header without a secret', async () => {
    const server = await receiver(reply(200));
    const { sink: s } = sink(server.url);
    s.send(ev('intro.start'));
    await s.flush();
    expect(server.requests[0]!.headers).not.toHaveProperty('x-introdetect-signature');
    expect(server.requests[0]!.headers).not.toHaveProperty('x-introdetect-timestamp');
  });
});

describe('WebhookSink: never stalls the caller', () => {
  it('send() returns synchronously while the server hangs; 20 events arrive once each, in order', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const server = await receiver((res) => {
      void gate.then(() => reply(200)(res));
    });
    const { sink: s } = sink(server.url);
    const t0 = performance.now();
    for (let i = 0; i < 20; i++) expect(s.send(ev('intro.start', { seq: i }))).toBeUndefined();
    expect(performance.now() - t0).toBeLessThan(100);
    expect(s.stats).toEqual({ delivered: 0, failed: 0, dropped: 0, queued: 20 });

    await server.received(1); // the first is held by the server...
    expect(s.stats.queued).toBe(20); // ...and the rest wait behind it
    release();
    await s.flush();
    expect(server.requests.map((r) => (JSON.parse(r.body) as { seq: number }).seq)).toEqual(
      Array.from({ length: 20 }, (_, i) => i),
    );
    expect(s.stats).toEqual({ delivered: 20, failed: 0, dropped: 0, queued: 0 });
  });

  it('drops the oldest waiting event when more than maxQueued wait, and logs it', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const server = await receiver((res) => {
      void gate.then(() => reply(200)(res));
    });
    const { sink: s, warns } = sink(server.url, { maxQueued: 2 });
    s.send(ev('e0')); // in flight at once
    s.send(ev('e1'));
    s.send(ev('e2'));
    s.send(ev('e3')); // e1, the oldest waiting, makes room
    expect(s.stats).toEqual({ delivered: 0, failed: 0, dropped: 1, queued: 3 });
    expect(warns()).toHaveLength(1);
    expect(warns()[0]!.message).toContain('dropped the oldest: e1');
    expect(warns()[0]!.fields).toMatchObject({ event: 'e1', maxQueued: 2 });

    release();
    await s.flush();
    expect(server.requests.map((r) => r.headers['x-introdetect-event'])).toEqual([
      'e0',
      'e2',
      'e3',
    ]);
    expect(s.stats).toEqual({ delivered: 3, failed: 0, dropped: 1, queued: 0 });
  });

  it('never throws out of send(): unserializable events and a throwing logger are counted, not raised', async () => {
    const server = await receiver(reply(200));
    const s = new WebhookSink({
      url: server.url,
      onLog: () => {
        throw new Error('logger down');
      },
    });
    sinks.push(s);
    const circular: Record<string, unknown> = { event: 'intro.start' };
    circular.self = circular;
    expect(() => s.send(circular as { event: string })).not.toThrow();
    expect(() => s.send({ event: 'intro.start', big: 1n })).not.toThrow();
    expect(() => s.send({ event: 7 } as unknown as { event: string })).not.toThrow();
    s.send(ev('intro.end'));
    await s.flush();
    expect(server.requests).toHaveLength(1);
    expect(s.stats).toEqual({ delivered: 1, failed: 3, dropped: 0, queued: 0 });
  });

  it('flush() gives up after its timeout while a delivery is still pending', async () => {
    const server = await receiver(() => undefined); // never answers
    const { sink: s, warns } = sink(server.url, { timeoutMs: 5000 });
    s.send(ev('intro.start'));
    const t0 = performance.now();
    await s.flush(80);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(75);
    expect(performance.now() - t0).toBeLessThan(1000);
    expect(s.stats.queued).toBe(1);
    expect(warns()[0]!.message).toContain('flush timed out');
  });
});

describe('WebhookSink: close()', () => {
  it('aborts the request in flight, drops what waits (logged with the count), and is idempotent', async () => {
    let aborted!: () => void;
    const abortSeen = new Promise<void>((resolve) => (aborted = resolve));
    const server = await receiver((res) => res.on('close', () => aborted()));
    const { sink: s, warns } = sink(server.url, { timeoutMs: 10_000 });
    s.send(ev('e0'));
    s.send(ev('e1'));
    s.send(ev('e2'));
    await server.received(1);

    const t0 = performance.now();
    s.close();
    await abortSeen; // the receiver sees the connection go
    expect(performance.now() - t0).toBeLessThan(1000);
    expect(s.stats).toEqual({ delivered: 0, failed: 0, dropped: 3, queued: 0 });
    expect(warns()).toHaveLength(1);
    expect(warns()[0]!.fields).toEqual({ count: 3 });

    s.close();
    await s.flush(); // resolves at once
    s.send(ev('e3')); // after close: dropped, not sent
    await new Promise((r) => setTimeout(r, 50));
    expect(server.requests).toHaveLength(1);
    expect(s.stats).toEqual({ delivered: 0, failed: 0, dropped: 4, queued: 0 });
  });

  it('close() during a backoff wait ends it: no further attempt is made', async () => {
    const server = await receiver(reply(503));
    const { sink: s, warns } = sink(server.url, { retryDelayMs: 200 });
    s.send(ev('intro.start'));
    await until(() => warns().length === 1); // the 503 is in: the retry waits 200 ms
    s.close();
    await new Promise((r) => setTimeout(r, 400));
    expect(server.requests).toHaveLength(1);
    expect(s.stats).toEqual({ delivered: 0, failed: 0, dropped: 1, queued: 0 });
  });

  it('does not keep the process alive: a process that closes its sink exits at once', async () => {
    // The receiver (in this process) never answers and has a long retry ahead; the child
    // exits only if close() aborts its request and clears its timers.
    const server = await receiver(() => undefined);
    const dir = await mkdtemp(join(tmpdir(), 'introdetect-webhook-'));
    const script = join(dir, 'child.ts');
    const moduleUrl = new URL('../../src/live/webhook.ts', import.meta.url).href;
    await writeFile(
      script,
      `import { WebhookSink } from ${JSON.stringify(moduleUrl)};
const sink = new WebhookSink({ url: ${JSON.stringify(server.url)}, timeoutMs: 60000, retryDelayMs: 60000 });
sink.send({ event: 'intro.start' });
setTimeout(() => { sink.close(); console.log('closed', JSON.stringify(sink.stats)); }, 300);
`,
    );
    try {
      const t0 = performance.now();
      const child = spawn(process.execPath, ['--import', 'tsx', script], {
        cwd: fileURLToPath(new URL('../..', import.meta.url)),
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      child.stdout.on('data', (c: Buffer) => (out += c.toString()));
      child.stderr.on('data', (c: Buffer) => (out += c.toString()));
      const code = await new Promise<number | null>((resolve) => {
        const kill = setTimeout(() => child.kill('SIGKILL'), 15_000);
        child.on('exit', (c) => {
          clearTimeout(kill);
          resolve(c);
        });
      });
      expect(out).toContain('closed {"delivered":0,"failed":0,"dropped":1,"queued":0}');
      expect(code).toBe(0);
      expect(server.requests).toHaveLength(1);
      expect(performance.now() - t0).toBeLessThan(10_000);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('WebhookSink: options', () => {
  it('accepts only http and https URLs, with a message that says what to pass', () => {
    for (const url of ['ftp://example.com/hook', 'not a url', 'file:///tmp/x']) {
      expect(() => new WebhookSink({ url })).toThrow(InvalidArgumentError);
      expect(() => new WebhookSink({ url })).toThrow(/http:\/\/ or https:\/\/ URL/);
    }
    expect(() => new WebhookSink({ url: 'https://example.com/hook' }).close()).not.toThrow();
  });

  it('rejects nonsensical numbers and an empty secret', () => {
    const url = 'http://127.0.0.1/hook';
    expect(() => new WebhookSink({ url, maxAttempts: 0 })).toThrow(InvalidArgumentError);
    expect(() => new WebhookSink({ url, timeoutMs: -1 })).toThrow(/timeoutMs/);
    expect(() => new WebhookSink({ url, maxQueued: 1.5 })).toThrow(/maxQueued/);
    expect(() => new WebhookSink({ url, secret: '' })).toThrow(/secret/);
  });
});
