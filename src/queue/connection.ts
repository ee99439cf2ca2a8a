import type { ConnectionOptions } from 'bullmq';
import { InvalidArgumentError } from '../errors.js';

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
