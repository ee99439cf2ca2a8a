import type { RedisClient } from 'bullmq';
import { createHash } from 'node:crypto';

/**
 * The file versions done, kept apart from the jobs so that finished jobs can be removed from
 * Redis (`removeOnComplete`) while adding a library again still does no work twice. One Redis
 * hash beside the queue's keys (`bull:introdetect:done-versions`): per file (the SHA-1 of its
 * path), the episode job id of its version last done (a hash of path and signature). It holds
 * one short field per file of the library, never one per job: a changed file overwrites its
 * field. `queue.obliterate()` removes it with the queue.
 */
export const DONE_VERSIONS = 'done-versions';

const fieldOf = (file: string) => createHash('sha1').update(file).digest('hex').slice(0, 24);

/** Records that the version `jobId` of `file` is done (its results are written). */
export async function markDone(
  client: RedisClient,
  key: string,
  file: string,
  jobId: string,
): Promise<void> {
  await client.hset(key, { [fieldOf(file)]: jobId });
}

/** Of `files`, those whose version `jobIds[i]` is recorded done (one round trip). */
export async function doneAmong(
  client: RedisClient,
  key: string,
  files: readonly string[],
  jobIds: readonly string[],
): Promise<boolean[]> {
  if (files.length === 0) return [];
  const versions = await client.hmget(key, ...files.map(fieldOf));
  return versions.map((v, i) => v !== null && v === jobIds[i]);
}
