/**
 * Turns a socket event handler into: check the payload → run → ack with data or a catalogued
 * error. Anything that is not a SwitchboardError reaches the client as INTERNAL and is logged.
 */
import type { FastifyBaseLogger } from 'fastify';
import { isSwitchboardError, toWireError } from '../../shared/errors';
import type { Ack, AckCallback } from '../../shared/protocol';
import type { PayloadCheck } from './validate';

export function handleEvent<P, T>(
  log: FastifyBaseLogger,
  event: string,
  check: PayloadCheck<P>,
  run: (payload: P) => Promise<T>,
): (payload: unknown, ack: AckCallback<T>) => void {
  return (payload, ack: unknown) => {
    // An event sent without an ack callback cannot be answered; protocol.md says every event needs one.
    const reply = typeof ack === 'function' ? (ack as (res: Ack<T>) => void) : () => {};
    let checked: P;
    try {
      checked = check(payload);
    } catch (error) {
      reply({ ok: false, error: toWireError(error) });
      return;
    }
    run(checked).then(
      (data) => reply({ ok: true, data }),
      (error: unknown) => {
        if (!isSwitchboardError(error)) log.error({ err: error, event }, 'socket event failed');
        reply({ ok: false, error: toWireError(error) });
      },
    );
  };
}
