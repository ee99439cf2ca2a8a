import type { ConnectionOptions } from 'bullmq';
import { connect } from 'node:net';
import { InvalidArgumentError, QueueUnavailableError } from '../errors.js';

/** The Redis URL of a command: `--redis`, else `$INTRODETECT_REDIS`, else the local default. */
export function redisUrlOf(given: string | undefined): string {
  return given ?? process.env.INTRODETECT_REDIS ?? 'redis://127.0.0.1:6379';
}

/**
 * `redis://[user:password@]host[:port][/db]` (or `rediss://` for TLS) as BullMQ connection
 * options. Workers block on Redis, so commands wait for a reconnect instead of failing
 * (`maxRetriesPerRequest: null`, as BullMQ requires of a worker's connection).
 */
export function redisConnection(url: string): ConnectionOptions {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch (cause) {
    throw new InvalidArgumentError(
      `"${url}" is not a Redis URL; use e.g. redis://127.0.0.1:6379 or redis://:password@host:6379/0.`,
      { cause },
    );
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') {
    throw new InvalidArgumentError(
      `"${url}" is not a Redis URL (redis:// or rediss://); e.g. redis://127.0.0.1:6379.`,
    );
  }
  const db = parsed.pathname.replace(/^\//, '');
  if (db !== '' && !/^\d+$/.test(db)) {
    throw new InvalidArgumentError(`"${url}": the database after the / must be a number.`);
  }
  return {
    host: parsed.hostname || '127.0.0.1',
    port: parsed.port ? Number(parsed.port) : 6379,
    ...(parsed.username ? { username: decodeURIComponent(parsed.username) } : {}),
    ...(parsed.password ? { password: decodeURIComponent(parsed.password) } : {}),
    ...(db !== '' ? { db: Number(db) } : {}),
    ...(parsed.protocol === 'rediss:' ? { tls: {} } : {}),
    maxRetriesPerRequest: null,
  };
}

/**
 * Fails fast with `QUEUE_UNAVAILABLE` when nothing answers at the Redis URL within `timeoutMs`
 * (BullMQ's own connections wait for Redis forever, which suits a running worker, not a
 * command that was given a wrong address).
 */
export async function checkRedisReachable(url: string, timeoutMs = 5000): Promise<void> {
  const { host, port } = redisConnection(url) as { host: string; port: number };
  await new Promise<void>((resolve, reject) => {
    const socket = connect({ host, port });
    const fail = (cause: unknown) => {
      socket.destroy();
      reject(new QueueUnavailableError(url, { cause }));
    };
    socket.setTimeout(timeoutMs, () => fail(new Error(`no answer within ${timeoutMs} ms`)));
    socket.once('error', fail);
    socket.once('connect', () => {
      socket.destroy();
      resolve();
    });
  });
}
