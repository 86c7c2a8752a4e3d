import { Redis } from 'ioredis';
import { TEST_REDIS_URL } from './redis';

/**
 * Every key under a prefix with its whole content, whatever its type, bookkeeping included (rate
 * counters, presence): what an erasure test searches, key names and values alike. A type it
 * cannot read fails the test rather than being skipped.
 */
export async function dumpPrefix(prefix: string, url = TEST_REDIS_URL): Promise<Record<string, unknown>> {
  const redis = new Redis(url, { maxRetriesPerRequest: 1 });
  try {
    const keys: string[] = [];
    let cursor = '0';
    do {
      const [next, found] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      cursor = next;
      keys.push(...found);
    } while (cursor !== '0');
    const dump: Record<string, unknown> = {};
    for (const key of [...new Set(keys)].sort()) {
      const type = await redis.type(key);
      if (type === 'string') dump[key] = await redis.get(key);
      else if (type === 'hash') dump[key] = await redis.hgetall(key);
      else if (type === 'list') dump[key] = await redis.lrange(key, 0, -1);
      // Sorted: a set has no order, and two dumps of the same set must compare equal.
      else if (type === 'set') dump[key] = (await redis.smembers(key)).sort();
      else if (type === 'zset') dump[key] = await redis.zrange(key, 0, -1, 'WITHSCORES');
      else if (type === 'stream') dump[key] = await redis.xrange(key, '-', '+');
      // Gone between SCAN and TYPE (a counter's window ended): nothing left to read.
      else if (type === 'none') continue;
      else throw new Error(`dumpPrefix cannot read ${key} of type ${type}`);
    }
    return dump;
  } finally {
    redis.disconnect();
  }
}

/** The keys of a dump whose name or content contains `text`. */
export function keysMentioning(dump: Record<string, unknown>, text: string): string[] {
  return Object.entries(dump)
    .filter(([key, value]) => key.includes(text) || JSON.stringify(value).includes(text))
    .map(([key]) => key);
}
