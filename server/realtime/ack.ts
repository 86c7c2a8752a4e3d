/**
 * Turns a socket event handler into: check the payload → run → ack with data or a catalogued
 * error. The store out of reach is UNAVAILABLE (the client sends again); anything else that is not
 * a SwitchboardError reaches the client as INTERNAL and is logged.
 */
import type { FastifyBaseLogger } from 'fastify';
import { createError, isSwitchboardError, toWireError } from '../../shared/errors';
import { isStoreUnavailable } from '../store/unavailable';
import type { AckCallback } from '../../shared/protocol';
import type { PayloadCheck } from '../domain/validate';

export function handleEvent<P, T>(
  log: FastifyBaseLogger,
  event: string,
  check: PayloadCheck<P>,
  run: (payload: P) => Promise<T>,
): (...args: unknown[]) => void {
  return (...args) => {
    // Socket.IO passes the ack last, so it is taken from the end: a client that leaves the payload out
    // gets PAYLOAD_INVALID instead of having its ack mistaken for the payload and never answered.
    // An event sent without an ack cannot be answered at all; protocol.md says every event needs one.
    const reply = typeof args.at(-1) === 'function' ? (args.pop() as AckCallback<T>) : () => {};
    let checked: P;
    try {
      if (args.length !== 1) throw createError('PAYLOAD_INVALID', { problem: `expected one payload object, got ${args.length} arguments` });
      checked = check(args[0]);
    } catch (error) {
      reply({ ok: false, error: toWireError(error) });
      return;
    }
    run(checked).then(
      (data) => reply({ ok: true, data }),
      (error: unknown) => {
        if (isStoreUnavailable(error)) {
          log.warn({ err: error, event }, 'socket event failed: the store is out of reach');
          reply({ ok: false, error: toWireError(createError('UNAVAILABLE')) });
          return;
        }
        if (!isSwitchboardError(error)) log.error({ err: error, event }, 'socket event failed');
        reply({ ok: false, error: toWireError(error) });
      },
    );
  };
}
