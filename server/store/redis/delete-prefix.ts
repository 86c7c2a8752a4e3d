import type { Redis } from 'ioredis';

/**
 * Deletes every key under a prefix (a test's or a benchmark's own namespace). Keys carry a
 * `{site}` hash tag after the prefix, so SCAN with a pattern is how they are all found.
 */
export async function deleteKeysWithPrefix(redis: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length > 0) await redis.unlink(...keys);
  } while (cursor !== '0');
}
