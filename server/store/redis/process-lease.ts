/**
 * SINGLE_PROCESS=true: this server is the only one on its Redis and key prefix, so Socket.IO
 * broadcasts need not go through the Redis adapter's pub/sub (a publish per broadcast, and every
 * process decoding every one of them, even its own). The claim is checked, not trusted: a lease
 * key says a single-process server is running, and a server refuses to start
 *   - with SINGLE_PROCESS=true when another server holds the lease or is subscribed to the
 *     adapter's channels (a server with the adapter is running), and
 *   - with the adapter when a single-process server holds the lease,
 * since either pair would silently lose the broadcasts that cross between them.
 */
import type { Redis } from 'ioredis';
import type { RedisKeys } from './keys';

/** The lease outlives a crash this long (a restart after kill -9 waits at most this). */
export const SINGLE_PROCESS_LEASE_MS = 15_000;
const RENEW_EVERY_MS = SINGLE_PROCESS_LEASE_MS / 3;

export class ProcessLeaseError extends Error {
  override name = 'ProcessLeaseError';
}

/** Whether some server is subscribed to the adapter's request channel of the visitor namespace. */
async function adapterServers(redis: Redis, keys: Pick<RedisKeys, 'socketIoChannels'>): Promise<number> {
  const [, count] = (await redis.pubsub('NUMSUB', `${keys.socketIoChannels()}-request#/visitor#`)) as [string, number];
  return Number(count);
}

/** @throws ProcessLeaseError when a single-process server runs on this Redis and prefix */
export async function assertNoSingleProcessServer(redis: Redis, keys: Pick<RedisKeys, 'singleProcessLease'>): Promise<void> {
  const holder = await redis.get(keys.singleProcessLease());
  if (holder !== null) {
    throw new ProcessLeaseError(
      `a server running with SINGLE_PROCESS=true (${holder}) uses this Redis and prefix: unset SINGLE_PROCESS there, or stop it, before starting more servers`,
    );
  }
}

/**
 * Takes the lease and renews it until `release`.
 * @throws ProcessLeaseError when another server runs on this Redis and prefix
 */
export async function takeSingleProcessLease(redis: Redis, keys: Pick<RedisKeys, 'singleProcessLease' | 'socketIoChannels'>, holder: string) {
  const key = keys.singleProcessLease();
  if ((await redis.set(key, holder, 'PX', SINGLE_PROCESS_LEASE_MS, 'NX')) === null) {
    const other = await redis.get(key);
    throw new ProcessLeaseError(
      `SINGLE_PROCESS=true, but another single-process server (${other}) uses this Redis and prefix; ` +
        `if it was stopped without closing, its claim lapses within ${SINGLE_PROCESS_LEASE_MS / 1000} s`,
    );
  }
  const others = await adapterServers(redis, keys);
  if (others > 0) {
    await redis.del(key);
    throw new ProcessLeaseError(`SINGLE_PROCESS=true, but ${others} other server(s) use this Redis and prefix: unset SINGLE_PROCESS to run several`);
  }
  const renew = setInterval(() => {
    redis.set(key, holder, 'PX', SINGLE_PROCESS_LEASE_MS).catch(() => undefined);
  }, RENEW_EVERY_MS);
  renew.unref();
  return {
    /** Gives the lease up (only if still ours), so a restart need not wait for it to lapse. */
    async release() {
      clearInterval(renew);
      if ((await redis.get(key)) === holder) await redis.del(key);
    },
  };
}
