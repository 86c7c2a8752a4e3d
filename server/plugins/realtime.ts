/**
 * Socket.IO on the same HTTP server as Fastify, with the `/visitor` and `/agent` namespaces.
 * With Redis, the official Redis adapter carries broadcasts between server processes.
 */
import { createAdapter } from '@socket.io/redis-adapter';
import fp from 'fastify-plugin';
import type { Redis } from 'ioredis';
import { Server } from 'socket.io';
import { MAX_SOCKET_PAYLOAD_BYTES } from '../../shared/limits';
import { registerAgentNamespace } from '../realtime/agent-namespace';
import { agentHandshake, visitorHandshake } from '../realtime/handshake';
import { registerVisitorNamespace } from '../realtime/visitor-namespace';
import type { AgentNamespace, VisitorNamespace } from '../types';

export interface RealtimePluginOptions {
  /** A Redis connection to duplicate for the adapter's pub/sub; none in embedded mode. */
  adapterRedis?: Redis;
}

export default fp<RealtimePluginOptions>(
  async (app, { adapterRedis }) => {
    const io = new Server(app.server, {
      serveClient: false,
      maxHttpBufferSize: MAX_SOCKET_PAYLOAD_BYTES,
      // Any page may try; each namespace's handshake then checks the origin against the site's own list.
      cors: { origin: true, credentials: false },
    });
    const pubSub: Redis[] = [];
    if (adapterRedis) {
      const pub = adapterRedis.duplicate();
      const sub = adapterRedis.duplicate();
      pubSub.push(pub, sub);
      io.adapter(createAdapter(pub, sub, { key: `${app.config.redisPrefix}:socket.io` }));
    }

    app.decorate('io', io);
    app.decorate('visitors', io.of('/visitor') as unknown as VisitorNamespace);
    app.decorate('agents', io.of('/agent') as unknown as AgentNamespace);
    app.visitors.use(visitorHandshake(app));
    app.agents.use(agentHandshake(app));
    registerVisitorNamespace(app);
    registerAgentNamespace(app);

    // Before Fastify closes the HTTP server (which waits for every open connection): end this
    // process's sockets in every namespace. `.local`, so with the Redis adapter a server shutting
    // down does not disconnect the clients of the other servers.
    app.addHook('preClose', async () => {
      for (const namespace of [app.visitors, app.agents, io.of('/')]) namespace.local.disconnectSockets(true);
      io.engine.close();
    });
    app.addHook('onClose', async () => {
      await Promise.all(pubSub.map((r) => r.quit().catch(() => r.disconnect())));
    });
  },
  { name: 'switchboard-realtime', dependencies: ['switchboard-domain', '@fastify/cookie'] },
);
