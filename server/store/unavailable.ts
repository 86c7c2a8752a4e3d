/**
 * Whether a failure is the data store being out of reach (Redis restarting, failing over, the
 * network between), rather than a fault of the request or the server: the caller may send the same
 * request again and it will work once the store is back. Told to clients as UNAVAILABLE, which the
 * widget's and console's outboxes retry (shared/outbox.ts), instead of INTERNAL, which they drop.
 */

/** ioredis's own: a command that waited through its reconnection attempts (maxRetriesPerRequest). */
const GAVE_UP = new Set(['MaxRetriesPerRequestError']);
/** Socket errors of a connection to the store. */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);
/**
 * Redis replies and ioredis messages of a store that is there but cannot serve writes yet: a replica
 * during a failover (READONLY), a primary loading its data (LOADING), a closed connection.
 */
const UNAVAILABLE_MESSAGES = /^(READONLY|LOADING|MASTERDOWN|TRYAGAIN|CLUSTERDOWN)\b|^Connection is closed\.?$|enableOfflineQueue options is false/;

export function isStoreUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const { code } = error as NodeJS.ErrnoException;
  return GAVE_UP.has(error.name) || (code !== undefined && NETWORK_CODES.has(code)) || UNAVAILABLE_MESSAGES.test(error.message);
}
