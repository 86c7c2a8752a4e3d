import { Redis } from 'ioredis';
import { TEST_REDIS_URL } from './redis';

/**
 * Keys that are bookkeeping rather than data. Rate counters count attempts, good and bad, by
 * design (as in snapshotPrefix). The others are kept up by connections themselves: an agent's
 * presence (renewed by heartbeats, set on every connect and disconnect) with the per-queue online
 * sets, capacities and names copied from it, and when a waiting visitor's last tab closed. They
 * change with connections, whatever a request says. The background jobs' own keys (BullMQ's, under
 * `{jobs}`) change with every tick of the sweep.
 */
const BOOKKEEPING_KEY = /:(counter:.*|rest-rate:.*|agents:presence|agents:capacity|agents:names|online:[a-z]+|visitors-gone|\{jobs\}:.*)$/;

/**
 * What snapshotPrefix returns (every key under the prefix with its type and whole content), without
 * the bookkeeping keys: the data a request could change. Read with one KEYS and two pipelines, so
 * it stays quick while other tests fill the same Redis with thousands of keys.
 */
export async function snapshotData(prefix: string, url = TEST_REDIS_URL): Promise<Record<string, unknown>> {
  const redis = new Redis(url, { maxRetriesPerRequest: 1 });
  try {
    const keys = (await redis.keys(`${prefix}:*`)).filter((key) => !BOOKKEEPING_KEY.test(key.slice(prefix.length))).sort();
    const typed = await keys.reduce((p, key) => p.type(key), redis.pipeline()).exec();
    const types = (typed ?? []).map(([, type]) => type as string);
    const read = redis.pipeline();
    keys.forEach((key, i) => {
      const type = types[i];
      if (type === 'string') read.get(key);
      else if (type === 'hash') read.hgetall(key);
      else if (type === 'zset') read.zrange(key, 0, -1, 'WITHSCORES');
      else if (type === 'stream') read.xrange(key, '-', '+');
      else if (type === 'set') read.smembers(key);
      else if (type === 'list') read.lrange(key, 0, -1);
      else read.type(key);
    });
    const contents = (await read.exec()) ?? [];
    const snapshot: Record<string, unknown> = {};
    keys.forEach((key, i) => {
      const value = contents[i]?.[1];
      snapshot[key] = types[i] === 'set' ? [...(value as string[])].sort() : value;
    });
    return snapshot;
  } finally {
    redis.disconnect();
  }
}

/**
 * Environment for startApp that keeps the periodic sweep (agents gone past their grace, visitors
 * who left) out of a test's way: it would otherwise requeue or abandon fixtures mid-test,
 * especially under a shifted clock. Unknown variables are ignored by loadConfig.
 */
export const QUIET_SWEEP_ENV: Record<string, string> = { SWEEP_INTERVAL_SECONDS: '600', AGENT_GRACE_SECONDS: '3600' };
