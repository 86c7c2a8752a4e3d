/**
 * The one place the server opens a Redis connection of its own; every other connection (BullMQ's,
 * the Socket.IO adapter's pub/sub, the leases') is a `duplicate()` of the store's, which keeps
 * these options, so Sentinel mode reaches all of them.
 */
import { Redis, type RedisOptions } from 'ioredis';
import type { RedisSentinelConfig } from '../../config';

export interface RedisConnectionSettings {
  /** `redis://` or `rediss://`: user, password, database, TLS, and (without `sentinel`) the host. */
  url: string;
  /** Ask these sentinels for the master instead of connecting to the URL's host. @default undefined */
  sentinel?: RedisSentinelConfig | undefined;
}

/**
 * A new connection from `settings`, with `overrides` on top.
 * @example createRedisConnection({ url: config.redisUrl, sentinel: config.redisSentinel }, { maxRetriesPerRequest: 2 })
 */
export function createRedisConnection(settings: RedisConnectionSettings, overrides: RedisOptions = {}): Redis {
  const { sentinel } = settings;
  if (!sentinel) return new Redis(settings.url, overrides);
  const tls = settings.url.startsWith('rediss:');
  return new Redis(settings.url, {
    // Copies: ioredis adds the sentinels it discovers to its list, and the config is frozen.
    sentinels: sentinel.sentinels.map(({ host, port }) => ({ host, port })),
    name: sentinel.name,
    ...(sentinel.password === undefined ? {} : { sentinelPassword: sentinel.password }),
    // rediss:// means TLS to the sentinels as well as to the master: ioredis otherwise ignores
    // the URL's TLS in Sentinel mode, and a deployment that encrypts one usually encrypts both.
    ...(tls ? { enableTLSForSentinelMode: true, sentinelTLS: {} } : {}),
    // Told by the sentinels (+switch-master) as soon as a failover ends, rather than finding out
    // when the old master's connection breaks or refuses a write.
    failoverDetector: true,
    // A write that reaches the old master after it became a replica: reconnect (to the master the
    // sentinels name now) and send it again there.
    reconnectOnError: (error) => (error.message.startsWith('READONLY') ? 2 : false),
    ...overrides,
  });
}
