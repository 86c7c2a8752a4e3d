import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { deleteKeysWithPrefix } from '../../server/store/redis/delete-prefix';

/** The Redis the tests use: `REDIS_URL`, or the machine's own. */
export const TEST_REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A key prefix no other test shares. */
export function testPrefix(): string {
  return `sb:test:${randomUUID()}`;
}

/**
 * Deletes every key under a prefix. Keys carry a `{site}` hash tag after the prefix, so a
 * SCAN with a pattern is the way to find them all.
 */
export async function deletePrefix(prefix: string, url = TEST_REDIS_URL): Promise<void> {
  const redis = new Redis(url, { maxRetriesPerRequest: 1 });
  try {
    await deleteKeysWithPrefix(redis, prefix);
  } finally {
    redis.disconnect();
  }
}

/**
 * Fails loudly when Redis does not answer: Redis-backed tests never skip (under CI=true or not),
 * since a skipped store test checks nothing.
 */
export async function assertRedisReachable(url = TEST_REDIS_URL): Promise<void> {
  const redis = new Redis(url, { maxRetriesPerRequest: 0, retryStrategy: () => null, lazyConnect: true });
  try {
    await redis.connect();
    await redis.ping();
  } catch (error) {
    throw new Error(
      `Redis is required for this test and did not answer at ${url} (${String(error)}). ` +
        'Start it (redis-server --port 6379) or set REDIS_URL.',
    );
  } finally {
    redis.disconnect();
  }
}
