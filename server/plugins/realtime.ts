/**
 * Socket.IO on the same HTTP server as Fastify, with the `/visitor` and `/agent` namespaces.
 * With Redis, the official Redis adapter carries broadcasts between server processes.
 */
import { hostname } from 'node:os';
import { createAdapter } from '@socket.io/redis-adapter';
import fp from 'fastify-plugin';
import type { Redis } from 'ioredis';
import { Server, type Socket } from 'socket.io';
import { trackAcks } from '../realtime/ack-tracking';
import { MAX_SOCKET_PAYLOAD_BYTES } from '../../shared/limits';
import { DEFAULT_ASSIGNMENT_TIMINGS } from '../domain/assignment';
import { registerAgentNamespace } from '../realtime/agent-namespace';
import { createAnnouncer } from '../realtime/announce';
import { broadcastEvents } from '../realtime/broadcasts';
import { createVisitorChannel, visitorFileLinks } from '../realtime/visitor-channel';
import { agentHandshake, visitorHandshake } from '../realtime/handshake';
import { createAddressConnections } from '../realtime/address-connections';
import { registerVisitorNamespace } from '../realtime/visitor-namespace';
import { feedTeam } from '../realtime/team-feed';
import { createKeys } from '../store/redis/keys';
import { assertNoSingleProcessServer, takeSingleProcessLease } from '../store/redis/process-lease';
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
      // A dead connection is noticed within 25 s instead of Socket.IO's default 45 s.
      pingInterval: 15_000,
      pingTimeout: 10_000,
    });
    const pubSub: Redis[] = [];
    // SINGLE_PROCESS=true (and checked: see process-lease.ts): broadcasts stay in this process.
    const lease = adapterRedis && app.config.singleProcess
      ? await takeSingleProcessLease(adapterRedis, createKeys(app.config.redisPrefix), `${hostname()}:${process.pid}`)
      : undefined;
    if (adapterRedis && !lease) await assertNoSingleProcessServer(adapterRedis, createKeys(app.config.redisPrefix));
    if (adapterRedis && !lease) {
      // Auto-pipelined: the publishes of one turn of the event loop (a first message makes seven,
      // a position update one per waiting visitor) leave in one write instead of one write each.
      const pub = adapterRedis.duplicate({ enableAutoPipelining: true });
      const sub = adapterRedis.duplicate({ enableAutoPipelining: false });
      pubSub.push(pub, sub);
      // The adapter publishes without handling the promise (`this.pubClient.publish(…)` in
      // @socket.io/redis-adapter's dist/index.js), so a broadcast that races a shutdown (a position
      // update or an event of a handler still running when the connection quits) would end the
      // process's test run as an unhandled rejection. The broadcast is lost either way: it is logged.
      const publish = pub.publish.bind(pub) as (...args: unknown[]) => Promise<number>;
      (pub as unknown as { publish: typeof publish }).publish = (...args) => {
        const published = publish(...args);
        published.catch((error: unknown) => app.log.debug({ err: error }, 'broadcast not published'));
        return published;
      };
      io.adapter(createAdapter(pub, sub, { key: `${app.config.redisPrefix}:socket.io` }));
    }

    app.decorate('io', io);
    app.decorate('visitors', io.of('/visitor') as unknown as VisitorNamespace);
    app.decorate('agents', io.of('/agent') as unknown as AgentNamespace);
    const visitorChannel = createVisitorChannel(app.visitors, visitorFileLinks(app), { everyTabHere: !adapterRedis || lease !== undefined });
    const announce = createAnnouncer(app, visitorChannel);
    broadcastEvents(app, announce, visitorChannel);
    const teamFeed = feedTeam(app);
    app.visitors.use(visitorHandshake(app, createAddressConnections(app.config.maxConnectionsPerAddress)));
    app.agents.use(agentHandshake(app));
    let closing = false;
    registerVisitorNamespace(app, () => closing);
    registerAgentNamespace(app, () => closing);
    // Every event being handled counts as work in flight until it is acked, so a shutdown lets it
    // finish. Added after the namespaces' own listeners: an event their budget drops is not counted.
    for (const namespace of [app.visitors, app.agents]) {
      (namespace as unknown as NodeJS.EventEmitter).on('connection', (socket: Socket) => trackAcks(socket, app.shutdown));
    }
    // A console that connects may be one more agent online: the waiting visitors of its queues get
    // their places and estimates again (debounced per queue; presence changes are told as events).
    app.agents.on('connection', (socket) => {
      const { agent } = socket.data;
      for (const queue of agent.skills) announce.positionsChanged(agent.siteKey, queue);
    });

    // Presence is renewed for every agent connected here well before it would lapse.
    const heartbeat = setInterval(() => {
      const seen = new Set<string>();
      for (const socket of app.agents.sockets.values()) {
        const { agent } = socket.data;
        if (!agent || seen.has(agent.id)) continue;
        seen.add(agent.id);
        app.assignment.keepPresent(agent).catch((error: unknown) => app.log.warn({ err: error }, 'heartbeat failed'));
      }
    }, DEFAULT_ASSIGNMENT_TIMINGS.presenceTtlMs / 3);
    heartbeat.unref();

    // Before Fastify closes the HTTP server (which waits for every open connection): close this
    // process's connections at the transport level. Clients see a lost connection and reconnect
    // (to this server once restarted, or to another behind the load balancer); a server-side
    // disconnect (`disconnectSockets`) would tell them to stay away for good.
    // Run by the shutdown plugin before any work is drained, jobs stop or Redis closes (shutdown.ts).
    app.shutdown.onStop(async () => {
      closing = true;
      clearInterval(heartbeat);
      await lease?.release().catch((error: unknown) => app.log.debug({ err: error }, 'single-process lease not released'));
      announce.stop();
      teamFeed.stop();
      io.engine.close();
    });
    app.addHook('onClose', async () => {
      await Promise.all(pubSub.map((r) => r.quit().catch(() => r.disconnect())));
    });
  },
  { name: 'switchboard-realtime', dependencies: ['switchboard-domain', 'switchboard-files', '@fastify/cookie', 'switchboard-shutdown'] },
);
