/**
 * Per-socket event budget: a token bucket in the process that holds the socket, checked before
 * any payload is parsed or the store is asked. Over budget, the event is answered RATE_LIMITED
 * and dropped.
 */
import type { Socket } from 'socket.io';
import { createError, toWireError } from '../../shared/errors';
import { SOCKET_EVENT_RATE } from '../../shared/limits';

export function createTokenBucket({ perSecond, burst }: { perSecond: number; burst: number }, now: () => number = Date.now) {
  let tokens = burst;
  let updatedAt = now();
  return {
    /** @returns 0 when a token was taken, or the milliseconds until one will be there */
    take(): number {
      const at = now();
      tokens = Math.min(burst, tokens + ((at - updatedAt) / 1000) * perSecond);
      updatedAt = at;
      if (tokens >= 1) {
        tokens -= 1;
        return 0;
      }
      return Math.ceil(((1 - tokens) / perSecond) * 1000);
    },
  };
}

export function limitEventRate(socket: Socket, rate = SOCKET_EVENT_RATE): void {
  const bucket = createTokenBucket(rate);
  // A client that keeps going after being told to wait is not a person: cut it off, so answering
  // refusals cannot become a flood of its own. (A server-side disconnect is final for the client.)
  const refusals = createTokenBucket({ perSecond: rate.perSecond, burst: rate.burst * 2 });
  socket.use((packet, next) => {
    const retryAfterMs = bucket.take();
    if (retryAfterMs === 0) return next();
    if (refusals.take() !== 0) {
      socket.disconnect(true);
      return;
    }
    const ack = packet.at(-1);
    if (typeof ack === 'function') {
      ack({ ok: false, error: toWireError(createError('RATE_LIMITED', { retryAfterMs, limit: rate.burst, perSecond: rate.perSecond })) });
    }
  });
}
