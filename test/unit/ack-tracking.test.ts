import { describe, expect, it } from 'vitest';
import { trackAcks } from '../../server/realtime/ack-tracking';
import { createShutdown } from '../../server/plugins/shutdown';

type Middleware = (packet: unknown[], next: (error?: Error) => void) => void;

/** Socket.IO's order for one event: middlewares now, the handler on the next tick if still connected. */
function fakeSocket() {
  const middlewares: Middleware[] = [];
  const socket = {
    connected: true,
    use(fn: Middleware) {
      middlewares.push(fn);
      return socket;
    },
    listenerCount: (event: string) => (event === 'message:send' ? 1 : 0),
    /** @returns the ack the handler would get, once it is handed the event (null when dropped) */
    receive(packet: unknown[]): Promise<((...args: unknown[]) => void) | null> {
      return new Promise((resolve) => {
        let i = 0;
        const next = () => {
          const fn = middlewares[i++];
          if (fn) return fn(packet, next);
          process.nextTick(() => resolve(socket.connected ? (packet.at(-1) as (...args: unknown[]) => void) : null));
        };
        next();
      });
    },
  };
  return socket;
}

const tick = () => new Promise((resolve) => process.nextTick(resolve));

describe('ack tracking', () => {
  it('counts an event as work in flight until its ack is sent', async () => {
    const shutdown = createShutdown();
    const socket = fakeSocket();
    trackAcks(socket as never, shutdown);
    let acked: unknown;
    const ack = await socket.receive(['message:send', { text: 'hi' }, (reply: unknown) => (acked = reply)]);
    expect(await shutdown.stop(0)).toBe(1);
    ack!({ ok: true });
    expect(acked).toEqual({ ok: true });
    expect(await shutdown.stop(0)).toBe(0);
  });

  it('ends an event that Socket.IO drops because its socket disconnected before the handler', async () => {
    const shutdown = createShutdown();
    const socket = fakeSocket();
    trackAcks(socket as never, shutdown);
    const receiving = socket.receive(['message:send', { text: 'hi' }, () => {}]);
    socket.connected = false;
    expect(await receiving).toBeNull();
    await tick();
    expect(await shutdown.stop(0)).toBe(0);
  });

  it('keeps waiting for an event whose handler runs, even when the socket goes meanwhile', async () => {
    const shutdown = createShutdown();
    const socket = fakeSocket();
    trackAcks(socket as never, shutdown);
    const ack = await socket.receive(['message:send', { text: 'hi' }, () => {}]);
    socket.connected = false;
    await tick();
    expect(await shutdown.stop(0)).toBe(1);
    ack!({ ok: true });
    expect(await shutdown.stop(0)).toBe(0);
  });

  it('leaves events without an ack or without a handler alone', async () => {
    const shutdown = createShutdown();
    const socket = fakeSocket();
    trackAcks(socket as never, shutdown);
    await socket.receive(['message:send', { text: 'no ack' }]);
    await socket.receive(['nobody:listens', {}, () => {}]);
    expect(await shutdown.stop(0)).toBe(0);
  });
});
