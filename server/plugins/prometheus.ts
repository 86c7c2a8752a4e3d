/**
 * Prometheus text at `GET /metrics` on a listener of its own (`METRICS_PORT`, on `METRICS_HOST`,
 * loopback by default), never on the public port: it is off unless asked for, and
 * `METRICS_ALLOW` refuses scrapes from any other address (403). The peer's own address is checked:
 * a scraper reaches this port directly, so X-Forwarded-For is never believed here.
 *
 * What is measured is in server/metrics/collectors.ts and docs/deploy.md ("Prometheus").
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import fp from 'fastify-plugin';
import type { Redis } from 'ioredis';
import type { Socket } from 'socket.io';
import { createMetrics, type SwitchboardMetrics } from '../metrics/collectors';
import { createAddressMatcher } from '../proxy-trust';

export interface PrometheusPluginOptions {
  /** The store's Redis connection: its commands are timed and their failures counted. */
  redis?: Redis;
}

type Command = { name: string; promise: Promise<unknown> };

/** Times every command the client sends, from the call to the reply (queueing in the client included). */
function timeRedisCommands(redis: Redis, metrics: SwitchboardMetrics): () => void {
  const client = redis as unknown as { sendCommand: (command: Command, ...rest: unknown[]) => unknown };
  const original = client.sendCommand;
  client.sendCommand = function timed(this: unknown, command: Command, ...rest: unknown[]) {
    const started = process.hrtime.bigint();
    const sent = original.call(this, command, ...rest);
    command.promise.then(
      () => metrics.redisCommands.observe({ command: command.name }, Number(process.hrtime.bigint() - started) / 1e9),
      () => metrics.redisErrors.inc({ command: command.name }),
    );
    return sent;
  };
  return () => {
    client.sendCommand = original;
  };
}

/** Counts each ack a socket sends: the last argument of a client event is its ack callback. */
function countAcks(socket: Socket, metrics: SwitchboardMetrics): void {
  const namespace = socket.nsp.name;
  socket.use((packet, next) => {
    const last = packet.length - 1;
    const ack = packet[last];
    if (last > 0 && typeof ack === 'function') {
      const event = String(packet[0]);
      packet[last] = (response: unknown) => {
        const failed = response && typeof response === 'object' && (response as { ok?: unknown }).ok === false;
        const code = failed ? String((response as { error?: { code?: unknown } }).error?.code ?? 'UNKNOWN') : '';
        metrics.acks.inc({ namespace, event, result: failed ? 'error' : 'ok', code });
        (ack as (r: unknown) => void)(response);
      };
    }
    next();
  });
}

export default fp<PrometheusPluginOptions>(
  async (app, { redis }) => {
    const { metricsPort, metricsHost, metricsAllow } = app.config;
    if (metricsPort === undefined) {
      app.decorate('metricsUrl', null);
      return;
    }
    const metrics = createMetrics({
      events: app.events,
      store: app.store,
      socketCounts: () => ({ '/visitor': app.visitors.sockets.size, '/agent': app.agents.sockets.size }),
      ...(app.jobs.counts ? { jobCounts: app.jobs.counts } : {}),
    });
    const untime = redis ? timeRedisCommands(redis, metrics) : () => {};
    // Ahead of the namespaces' own connection listeners, so that acks sent by their first
    // middleware (the per-socket event budget's RATE_LIMITED) are counted too.
    for (const namespace of [app.visitors, app.agents]) {
      (namespace as unknown as NodeJS.EventEmitter).prependListener('connection', (socket: Socket) => countAcks(socket, metrics));
    }

    const allowed = metricsAllow ? createAddressMatcher(metricsAllow) : () => true;
    const server: Server = createServer((request, response) => {
      const peer = request.socket.remoteAddress ?? '';
      if (!allowed(peer)) {
        app.log.warn({ ip: peer }, 'metrics scrape refused: address not in METRICS_ALLOW');
        response.writeHead(403, { 'content-type': 'text/plain' }).end('Forbidden: this address may not read metrics (METRICS_ALLOW).\n');
        return;
      }
      if (request.method !== 'GET' || (request.url ?? '').split('?')[0] !== '/metrics') {
        response.writeHead(404, { 'content-type': 'text/plain' }).end('Not found: metrics are at GET /metrics\n');
        return;
      }
      metrics.registry.metrics().then(
        (text) => response.writeHead(200, { 'content-type': metrics.registry.contentType }).end(text),
        (error: unknown) => {
          app.log.warn({ err: error }, 'metrics could not be collected');
          response.writeHead(500, { 'content-type': 'text/plain' }).end('Metrics could not be collected; see the server log.\n');
        },
      );
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(metricsPort, metricsHost, () => resolve());
    });
    const { port } = server.address() as AddressInfo;
    const url = `http://${metricsHost.includes(':') ? `[${metricsHost}]` : metricsHost}:${port}/metrics`;
    app.decorate('metricsUrl', url);
    app.log.info({ url }, 'Prometheus metrics listening');

    app.addHook('onClose', async () => {
      metrics.stop();
      untime();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    });
  },
  { name: 'switchboard-prometheus', dependencies: ['switchboard-config', 'switchboard-domain', 'switchboard-realtime', 'switchboard-jobs'] },
);
