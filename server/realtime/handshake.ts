/**
 * Namespace middleware: who is connecting, checked before any `connection` event.
 * A refused handshake reaches the client as `connect_error` with `data` = WireError.
 */
import type { FastifyInstance } from 'fastify';
import type { ExtendedError, Socket } from 'socket.io';
import { createError, toWireError } from '../../shared/errors';
import { VisitorHandshakeSchema } from '../../shared/schemas';
import { isFromConsole } from '../domain/console-origin';
import { SESSION_COOKIE } from '../domain/agent-session';
import { isOriginAllowed } from '../domain/sites';
import { compilePayloadCheck } from '../domain/validate';
import type { AddressConnections } from './address-connections';
import { socketAddress } from './socket-context';

type Next = (err?: ExtendedError) => void;

const checkVisitorHandshake = compilePayloadCheck(VisitorHandshakeSchema);

function refuse(next: Next, error: unknown): void {
  const wire = toWireError(error);
  next(Object.assign(new Error(wire.message), { data: wire }));
}

/**
 * Under the open-socket cap of its address, site key known, page origin allowed for that site,
 * visitor token genuine (or a new visitor, marked as a newcomer).
 */
export function visitorHandshake(app: FastifyInstance, connections: AddressConnections) {
  return async (socket: Socket, next: Next) => {
    const address = socketAddress(app, socket);
    // Checked first and in process: thousands of sockets from one address cost no Redis round trip.
    if (!connections.reserve(address)) {
      refuse(next, createError('TOO_MANY_CONNECTIONS', { limit: app.config.maxConnectionsPerAddress }));
      return;
    }
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      connections.release(address);
    };
    // The socket's disconnect, or its connection's close if that came first (a client gone while
    // the handshake ran never gets a disconnect event).
    socket.conn.once('close', release);
    try {
      await app.limiter.hit('connectionsPerIp', address);
      const auth = checkVisitorHandshake(socket.handshake.auth);
      const site = await app.store.getSite(auth.siteKey);
      if (!site) throw createError('SITE_NOT_FOUND', { siteKey: auth.siteKey });
      const origin = socket.handshake.headers.origin;
      if (!isOriginAllowed(site, origin)) throw createError('ORIGIN_NOT_ALLOWED', { origin: origin ?? null });
      let identity: { visitorId: string; token: string };
      if (auth.token !== undefined) {
        const visitorId = app.visitorTokens.verify(auth.token, site.key);
        if (!visitorId) throw createError('VISITOR_TOKEN_INVALID');
        // Re-signed with the current secret, so a rotation finishes as visitors come back.
        identity = { visitorId, token: app.visitorTokens.tokenFor(site.key, visitorId) };
      } else {
        identity = app.visitorTokens.issue(site.key);
        await app.conversations.welcomeNewVisitor(site.key, identity.visitorId);
      }
      socket.data = { siteKey: site.key, ...identity };
      socket.once('disconnect', release);
      next();
    } catch (error) {
      release();
      refuse(next, error);
    }
  };
}

/** A valid console session cookie, sent from the console's own origin. */
export function agentHandshake(app: FastifyInstance) {
  return async (socket: Socket, next: Next) => {
    try {
      const { origin, host, cookie } = socket.handshake.headers;
      // Browsers always send Origin on a WebSocket; a page on another site must not ride the cookie.
      if (!isFromConsole(origin, app.config.publicUrl, host)) {
        throw createError('ORIGIN_NOT_ALLOWED', { origin });
      }
      const token = cookie ? app.parseCookie(cookie)[SESSION_COOKIE] : undefined;
      const agent = await app.agentAccounts.authenticate(token);
      if (!agent) throw createError('AUTH_REQUIRED');
      socket.data = { agent, sessionToken: token! };
      next();
    } catch (error) {
      refuse(next, error);
    }
  };
}
