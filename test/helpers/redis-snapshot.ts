import { dumpPrefix } from './prefix-dump';
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
 * Every key under a prefix with its whole content, bookkeeping left out, for "changes nothing"
 * assertions: take one before a bad input and compare it with one taken after.
 */
export async function snapshotPrefix(prefix: string, url = TEST_REDIS_URL): Promise<Record<string, unknown>> {
  return Object.fromEntries(Object.entries(await dumpPrefix(prefix, url)).filter(([key]) => !isBookkeeping(prefix, key)));
}
