import { Redis } from 'ioredis';
import { TEST_REDIS_URL } from './redis';

/**
 * Keys that change with every connection and attempt, good or bad, by design: rate counters, and
 * agents' presence (renewed by heartbeats) with what it keeps in step, and the background jobs'
 * own keys (they change with every tick of the sweep). Bookkeeping, not data.
 */
function isBookkeeping(prefix: string, key: string): boolean {
  return (
    key.startsWith(`${prefix}:counter:`) ||
    key.startsWith(`${prefix}:rest-rate:`) ||
    key.startsWith(`${prefix}:{jobs}:`) ||
    /:(agents:presence|agents:capacity|agents:names|online:service|online:support|visitors-gone)$/.test(key)
  );
}

/**
 * Every key under a prefix with its type and whole content, for "changes nothing" assertions:
 * take one before a bad input and compare it with one taken after.
 */
export async function snapshotPrefix(prefix: string, url = TEST_REDIS_URL): Promise<Record<string, unknown>> {
  const redis = new Redis(url, { maxRetriesPerRequest: 1 });
  try {
    const keys: string[] = [];
    let cursor = '0';
    do {
      const [next, found] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      cursor = next;
      keys.push(...found.filter((key) => !isBookkeeping(prefix, key)));
    } while (cursor !== '0');
    const snapshot: Record<string, unknown> = {};
    for (const key of keys.sort()) {
      const type = await redis.type(key);
      if (type === 'string') snapshot[key] = await redis.get(key);
      else if (type === 'hash') snapshot[key] = await redis.hgetall(key);
      else if (type === 'zset') snapshot[key] = await redis.zrange(key, 0, -1, 'WITHSCORES');
      else if (type === 'stream') snapshot[key] = await redis.xrange(key, '-', '+');
      else if (type === 'set') snapshot[key] = (await redis.smembers(key)).sort();
      else if (type === 'list') snapshot[key] = await redis.lrange(key, 0, -1);
      else snapshot[key] = type;
    }
    return snapshot;
  } finally {
    redis.disconnect();
  }
}
