/**
 * Who is on the other end of a socket, worked out once per connection: the client's address as
 * `TRUST_PROXY` says to read it (the same as Fastify's `request.ip`), and a child logger that puts
 * the socket's id, namespace and address on every line it writes about that socket.
 */
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import type { Socket } from 'socket.io';

interface SocketContext {
  address: string;
  log: FastifyBaseLogger;
}

const contexts = new WeakMap<object, SocketContext>();

function contextOf(app: FastifyInstance, socket: Pick<Socket, 'id' | 'nsp' | 'request'>): SocketContext {
  let context = contexts.get(socket);
  if (!context) {
    const address = app.clientAddress(socket.request);
    context = { address, log: app.log.child({ socketId: socket.id, ns: socket.nsp.name, ip: address }) };
    contexts.set(socket, context);
  }
  return context;
}

/** The client's address (per-IP limits, stored visitor IP). */
export function socketAddress(app: FastifyInstance, socket: Pick<Socket, 'id' | 'nsp' | 'request'>): string {
  return contextOf(app, socket).address;
}

/** The app's logger with `socketId`, `ns` and `ip` bound. */
export function socketLog(app: FastifyInstance, socket: Pick<Socket, 'id' | 'nsp' | 'request'>): FastifyBaseLogger {
  return contextOf(app, socket).log;
}
