/**
 * The wallboard feed: a plain WebSocket at `/api/v1/metrics/live?token=<site API token>` (through
 * @fastify/websocket, no Socket.IO) that sends the queues now and today's figures on connecting
 * and whenever they change, at most once a second. A revoked token's feeds close (code 4001).
 */
import { EventEmitter } from 'node:events';
import fastifyWebsocket from '@fastify/websocket';
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { WebSocket } from 'ws';
import type { SiteKey } from '../../shared/ids';
import { isSwitchboardError } from '../../shared/errors';
import { LiveMetricsQuerySchema, type LiveMetricsMessage } from '../../shared/schemas';
import { DAY_MS } from '../domain/kpis';

/** At most one update a second per connection. */
const MIN_INTERVAL_MS = 1000;
/**
 * Changes made by other server processes, and queue moves that record no KPI event (a hand-back),
 * are noticed by looking again this often; what this process records is sent at once.
 */
const RECHECK_MS = 5000;
const LIVE_PATH = '/api/v1/metrics/live';
/** The close code of a feed whose token was revoked (4000–4999 are the application's, RFC 6455). */
export const TOKEN_REVOKED_CLOSE_CODE = 4001;

interface LiveAccess {
  siteKey: SiteKey;
  tokenId: string;
  token: string;
}

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
  /** Open feeds per token id, to close when it is revoked. */
  const byToken = new Map<string, Set<WebSocket>>();
  const stopRevoking = app.events.on('api-token.revoked', ({ data: { tokenId } }) => {
    for (const socket of byToken.get(tokenId) ?? []) socket.close(TOKEN_REVOKED_CLOSE_CODE, 'API_TOKEN_INVALID');
  });
  app.addHook('onClose', async () => {
    stopListening();
    stopRevoking();
  });

  app.get(
    '/metrics/live',
    {
      websocket: true,
      schema: { querystring: LiveMetricsQuerySchema },
      // Refused before the upgrade: a wrong token gets an HTTP 401 with API_TOKEN_INVALID, never a socket.
      preHandler: async (request) => {
        const header = request.headers.authorization?.replace(/^Bearer\s+/i, '');
        const token = request.query.token ?? header;
        (request as { live?: LiveAccess }).live = { ...(await app.apiTokens.verify(token)), token: token! };
      },
    },
    (socket: WebSocket, request) => {
      const { siteKey, tokenId, token } = (request as { live?: LiveAccess }).live!;
      let tokenFeeds = byToken.get(tokenId);
      if (!tokenFeeds) byToken.set(tokenId, (tokenFeeds = new Set()));
      tokenFeeds.add(socket);
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
      // A revocation made on another process reaches this one here: the token is checked again each time.
      const recheck = setInterval(() => {
        app.apiTokens.verify(token).then(changed, (error: unknown) => {
          // Only a token that opens nothing any more ends the feed; a store hiccup does not.
          if (isSwitchboardError(error) && error.code === 'API_TOKEN_INVALID') socket.close(TOKEN_REVOKED_CLOSE_CODE, 'API_TOKEN_INVALID');
        });
      }, RECHECK_MS);
      socket.on('close', () => {
        clearInterval(recheck);
        byToken.get(tokenId)?.delete(socket);
        if (byToken.get(tokenId)?.size === 0) byToken.delete(tokenId);
        if (timer) clearTimeout(timer);
        feeds.get(siteKey)?.delete(changed);
      });
      void send();
    },
  );
}
