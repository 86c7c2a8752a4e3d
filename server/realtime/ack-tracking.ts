/**
 * An event with an ack is work in flight from its arrival until the ack is sent, so that a shutdown
 * lets it finish (shutdown.ts). Only events with a handler: nobody acks the others.
 */
import type { Socket } from 'socket.io';
import type { Shutdown } from '../plugins/shutdown';

type TrackedSocket = Pick<Socket, 'use' | 'listenerCount' | 'connected'>;

/**
 * Keeps nothing per event but the wrapped ack: an earlier version kept a map of events not yet
 * handed to their handler, emptied by an any-listener, but Socket.IO calls any-listeners before the
 * middlewares (`onevent` in socket.io's dist/socket.js), so the map only grew for the life of the
 * socket.
 */
export function trackAcks(socket: TrackedSocket, shutdown: Pick<Shutdown, 'begin'>): void {
  socket.use((packet, next) => {
    const last = packet.length - 1;
    const ack = packet[last];
    if (!(last > 0 && typeof ack === 'function' && socket.listenerCount(String(packet[0])) > 0)) {
      next();
      return;
    }
    const end = shutdown.begin();
    packet[last] = (...args: unknown[]) => {
      end();
      (ack as (...a: unknown[]) => void)(...args);
    };
    next();
    // Socket.IO hands the event to its handler on the next tick, and drops it if the socket has
    // disconnected by then (`dispatch` in socket.io's dist/socket.js): its ack would never come.
    // This tick runs after that one, with the same answer to "still connected?".
    process.nextTick(() => {
      if (!socket.connected) end();
    });
  });
}
