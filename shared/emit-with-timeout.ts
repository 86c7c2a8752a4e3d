import type { EventsMap } from '@socket.io/component-emitter';
import type { Socket } from 'socket.io-client';

/** What the server acks an event with: the argument of the event's last parameter, a callback. */
type AckOf<F> = F extends (...args: infer A) => void ? (A[1] extends (res: infer R) => void ? R : never) : never;

/**
 * `socket.timeout(ms).emitWithAck(event, payload)`, typed by the protocol's event maps: Socket.IO's
 * own typing returns `any` after `timeout()` (socketio/socket.io#4925). Rejects when no ack comes
 * within `ms` (the caller retries with the same client id).
 */
export function emitWithTimeout<L extends EventsMap, E extends EventsMap, K extends keyof E & string>(
  socket: Socket<L, E>,
  ms: number,
  event: K,
  payload: Parameters<E[K]>[0],
): Promise<AckOf<E[K]>> {
  const timed = socket.timeout(ms) as unknown as { emitWithAck(event: string, payload: unknown): Promise<unknown> };
  return timed.emitWithAck(event, payload) as Promise<AckOf<E[K]>>;
}
