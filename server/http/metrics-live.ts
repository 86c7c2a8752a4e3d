/**
 * The wallboard feed: a plain WebSocket at `/api/v1/metrics/live?token=<site API token>` (through
 * @fastify/websocket, no Socket.IO) that sends the queues now and today's figures on connecting
 * and whenever they change, at most once a second. Also the admin route that makes API tokens.
 */
import { EventEmitter } from 'node:events';
import fastifyWebsocket from '@fastify/websocket';
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { WebSocket } from 'ws';
import type { SiteKey } from '../../shared/ids';
import {
  ApiTokenBodySchema,
  ApiTokenCreatedSchema,
  ErrorReplySchema,
  LiveMetricsQuerySchema,
  SiteKeySchema,
  type LiveMetricsMessage,
} from '../../shared/schemas';
import { Type } from '@sinclair/typebox';
import { agentActor } from '../domain/audit';
import { DAY_MS } from '../domain/kpis';

/** At most one update a second per connection. */
const MIN_INTERVAL_MS = 1000;
/**
 * Changes made by other server processes, and queue moves that record no KPI event (a hand-back),
 * are noticed by looking again this often; what this process records is sent at once.
 */
const RECHECK_MS = 5000;
const LIVE_PATH = '/api/v1/metrics/live';

const SiteParams = Type.Object({ siteKey: SiteKeySchema }, { additionalProperties: false });

export default async function metricsLiveRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  // Socket.IO answers its own upgrades on the same HTTP server: @fastify/websocket is shown only
  // the upgrades for this feed, or it would route Socket.IO's through Fastify and close them.
  const upgrades = new EventEmitter();
  const forward = (request: import('node:http').IncomingMessage, ...rest: unknown[]) => {
    if (request.url?.split('?')[0] === LIVE_PATH) upgrades.emit('upgrade', request, ...rest);
  };
  app.server.on('upgrade', forward);
  app.addHook('onClose', async () => {
    app.server.removeListener('upgrade', forward);
  });
  await app.register(fastifyWebsocket, { options: { server: upgrades as never, maxPayload: 1024 } });

  const snapshot = async (siteKey: SiteKey): Promise<LiveMetricsMessage> => {
    const at = app.kpiNow();
    const from = Math.floor(at / DAY_MS) * DAY_MS;
    const report = await app.kpis.report({ siteKey, from, to: from + DAY_MS, groupBy: 'queue' });
    const byQueue = Object.fromEntries(report.groups.map((g) => [g.key, g.figures])) as LiveMetricsMessage['todayByQueue'];
    return { type: 'metrics', site: siteKey, at, queues: report.now.queues, today: report.totals, todayByQueue: byQueue };
  };

  /** Open feeds per site, each told when this process records something there. */
  const feeds = new Map<SiteKey, Set<() => void>>();
  const stopListening = app.kpiRecorder.onRecorded((siteKey) => {
    for (const changed of feeds.get(siteKey) ?? []) changed();
  });
  app.addHook('onClose', async () => {
    stopListening();
  });

  app.get(
    '/metrics/live',
    {
      websocket: true,
      schema: { querystring: LiveMetricsQuerySchema },
      // Refused before the upgrade: a wrong token gets an HTTP 401 with API_TOKEN_INVALID, never a socket.
      preHandler: async (request) => {
        const header = request.headers.authorization?.replace(/^Bearer\s+/i, '');
        (request as { liveSite?: SiteKey }).liveSite = await app.apiTokens.verify(request.query.token ?? header);
      },
    },
    (socket: WebSocket, request) => {
      const siteKey = (request as { liveSite?: SiteKey }).liveSite!;
      let lastSent = '';
      let lastSentAt = 0;
      let timer: ReturnType<typeof setTimeout> | null = null;
      let busy = false;

      const send = async () => {
        timer = null;
        if (busy || socket.readyState !== socket.OPEN) return;
        busy = true;
        try {
          const message = await snapshot(siteKey);
          // `at` changes every time; only a change in the figures is news.
          const body = JSON.stringify({ ...message, at: 0 });
          if (body !== lastSent && socket.readyState === socket.OPEN) {
            lastSent = body;
            lastSentAt = Date.now();
            socket.send(JSON.stringify(message));
          }
        } catch (error) {
          request.log.warn({ err: error }, 'wallboard update failed');
        } finally {
          busy = false;
        }
      };
      const changed = () => {
        if (timer) return;
        const wait = Math.max(0, lastSentAt + MIN_INTERVAL_MS - Date.now());
        timer = setTimeout(() => void send(), wait);
      };

      let set = feeds.get(siteKey);
      if (!set) feeds.set(siteKey, (set = new Set()));
      set.add(changed);
      const recheck = setInterval(changed, RECHECK_MS);
      socket.on('close', () => {
        clearInterval(recheck);
        if (timer) clearTimeout(timer);
        feeds.get(siteKey)?.delete(changed);
      });
      void send();
    },
  );

  app.post(
    '/sites/:siteKey/api-tokens',
    {
      config: { auth: 'admin' },
      schema: {
        params: SiteParams,
        body: ApiTokenBodySchema,
        response: { 201: ApiTokenCreatedSchema, 400: ErrorReplySchema, 401: ErrorReplySchema, 403: ErrorReplySchema, 404: ErrorReplySchema },
      },
    },
    async (request, reply) =>
      reply.code(201).send(await app.apiTokens.create(request.params.siteKey, request.body.name, agentActor(request.agent!))),
  );
}
