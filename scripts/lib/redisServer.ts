/**
 * A real Redis server of one's own (Debian's `redis-server`): loopback, a random free port, its
 * own data folder, AOF on. The job-queue tests and the queue benchmark both start one; it lives
 * here, below both, since a benchmark never imports test helpers nor a test a benchmark
 * (STYLE.md §16, checked by .dependency-cruiser.js).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface RedisServer {
  readonly url: string;
  readonly port: number;
  /** Its data folder (the AOF lives here). */
  readonly dir: string;
  /**
   * Stops the server and keeps its data: SIGTERM (Redis flushes its AOF and exits, as
   * `systemctl stop` does), SIGKILL after 5 s.
   */
  shutdown(): Promise<void>;
  /** Starts it again on the same port and data folder (it reloads the AOF); waits for PING. */
  restart(): Promise<void>;
  /** Stops the server and removes its data folder. */
  stop(): Promise<void>;
}

export interface StartRedisOptions {
  /** The server binary (default `$INTRODETECT_TEST_REDIS_SERVER`, else `redis-server` on PATH). */
  bin?: string;
  /** Prefix of the temporary data folder. */
  prefix?: string;
}

/** A free loopback port (taken by the OS, released, then given to Redis). */
async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address
          ? resolve(address.port)
          : reject(new Error('no port')),
      );
    });
  });
}

/** Answers PING with PONG: the server is up. */
async function pings(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = new Socket();
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(500, () => done(false));
    socket.once('error', () => done(false));
    socket.connect(port, '127.0.0.1', () => socket.write('PING\r\n'));
    socket.once('data', (data) => done(data.toString().startsWith('+PONG')));
  });
}

function exited(child: ChildProcess): Promise<void> {
  return child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve()
    : new Promise((resolve) => child.once('exit', () => resolve()));
}

/** One `redis-server --port P --dir D --appendonly yes --save ''`, answering PING. */
async function launch(bin: string, port: number, dir: string): Promise<ChildProcess> {
  const child = spawn(
    bin,
    [
      ...['--port', String(port), '--bind', '127.0.0.1', '--dir', dir],
      ...['--appendonly', 'yes', '--save', ''],
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  const keep = (d: Buffer) => (output = (output + d.toString()).slice(-4000));
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  let spawnError: Error | undefined;
  child.once('error', (err) => (spawnError = err));
  const deadline = Date.now() + 10_000;
  while (!(await pings(port))) {
    if (spawnError || child.exitCode !== null || Date.now() > deadline) {
      await terminate(child);
      throw new Error(
        `${bin} did not start on port ${port}: ${spawnError?.message ?? output.trim()}`,
      );
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return child;
}

async function terminate(child: ChildProcess): Promise<void> {
  if (child.exitCode === null && child.signalCode === null) {
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited(child);
    clearTimeout(timer);
  }
}

/** Starts a Redis server on a free loopback port with a new data folder, and waits for PING. */
export async function startRedis(options: StartRedisOptions = {}): Promise<RedisServer> {
  const bin = options.bin ?? process.env.INTRODETECT_TEST_REDIS_SERVER ?? 'redis-server';
  const dir = mkdtempSync(join(tmpdir(), options.prefix ?? 'introdetect-redis-'));
  const port = await freePort();
  let child: ChildProcess | undefined;
  try {
    child = await launch(bin, port, dir);
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  const shutdown = async () => {
    if (child) await terminate(child);
  };
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    dir,
    shutdown,
    restart: async () => {
      await shutdown();
      child = await launch(bin, port, dir);
    },
    stop: async () => {
      await shutdown();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
