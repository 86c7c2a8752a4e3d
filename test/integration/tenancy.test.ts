/**
 * Tenancy and authority (issue 7): a second site beside the first on one server and one Redis.
 * Every REST route and every socket event is tried as the other site's admin and agent, as
 * another visitor, and without a valid session; each is refused with a catalogued code and
 * changes nothing. Broadcasts never cross from one site to the other.
 */
import { createHmac, randomUUID } from 'node:crypto';
import type { LightMyRequestResponse } from 'fastify';
import { io } from 'socket.io-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { identityHash } from '../../server/domain/visitor-identity';
import { emitWithTimeout } from '../../shared/emit-with-timeout';
import { ERRORS, type ErrorCode, type WireError } from '../../shared/errors';
import type { ConversationId } from '../../shared/ids';
import type { Ack, AgentClientEvents, MessageView, QueueEntry } from '../../shared/protocol';
import { expectOk, expectRefused } from '../helpers/acks';
import { connectAgent, connectVisitor, disconnectAll, logIn, type AgentClient, type VisitorClient } from '../helpers/clients';
import { assertRedisReachable } from '../helpers/redis';
import { QUIET_SWEEP_ENV, snapshotData } from '../helpers/data-snapshot';
import { declaredClientEvents, listApiRoutes } from '../helpers/coverage';
import { addSecondSite, type SecondSite } from '../helpers/second-site';
import { settleDisconnects } from '../helpers/settle';
import { SHOP_ORIGIN, startApp, type StartedApp } from '../helpers/start-app';
import { waitFor } from '../helpers/wait-for';

const ACK_MS = 5_000;
const HOUR = 3_600_000;

/** Anything a client in another language could emit: any event name, any arguments. */
type RawEmitter = { timeout(ms: number): { emitWithAck(event: string, ...args: unknown[]): Promise<Ack<unknown>> } };
const raw = (socket: VisitorClient | AgentClient) => socket as unknown as RawEmitter;

/** The wire error of a refused handshake (fails when the connection is accepted). */
async function handshakeRefusal(attempt: Promise<unknown>): Promise<WireError> {
  const error = (await attempt.then(
    () => {
      throw new Error('the connection was accepted');
    },
    (e: unknown) => e,
  )) as Error & { data?: WireError };
  if (!error.data) throw error;
  return error.data;
}

/** The error code of a REST answer, or null when it has no error body (a 2xx). */
function codeOf(response: LightMyRequestResponse): string | null {
  if (!response.body) return null;
  return (JSON.parse(response.body) as { error?: WireError }).error?.code ?? null;
}

/** Every event an agent socket receives, in order, whatever its name. */
function recordAll(socket: VisitorClient | AgentClient): { event: string; args: unknown[] }[] {
  const seen: { event: string; args: unknown[] }[] = [];
  socket.onAny((event: string, ...args: unknown[]) => seen.push({ event, args }));
  return seen;
}

/**
 * Whether an agent socket still acts for its agent: false when the server has closed it, or
 * refuses its next event with AUTH_REQUIRED.
 */
async function stillActs(socket: AgentClient): Promise<boolean> {
  if (socket.disconnected) return false;
  const closed = new Promise<'closed'>((resolve) => socket.once('disconnect', () => resolve('closed')));
  const ack = emitWithTimeout(socket, ACK_MS, 'workspace:load', {}).catch(() => 'closed' as const);
  const outcome = await Promise.race([closed, ack]);
  if (outcome === 'closed') return false;
  if (!outcome.ok) {
    expect(outcome.error.code).toBe('AUTH_REQUIRED');
    return false;
  }
  return true;
}

interface Home {
  /** Waiting in the service queue. */
  waiting: ConversationId;
  /** Held by bo, with a message each way. */
  active: ConversationId;
  /** The visitor of `active`. */
  victim: { visitorId: string; token: string; firstClientId: string; firstMessageId: string };
  /** Resolved by bo. */
  resolved: ConversationId;
  /** Transferred by bo from service to support: waiting again, with a routing correction. */
  transferred: ConversationId;
  ruleId: string;
  /** A webhook endpoint of the site. */
  webhookId: string;
  tokenId: string;
  cannedId: string;
}

describe('tenancy: two sites on one server never reach each other', () => {
  let started: StartedApp;
  let rival: SecondSite;
  let home: Home;
  /** The app's clock runs with real time, shifted by this much (to expire sessions). */
  let shift = 0;
  let cookies: { sam: string; bo: string; ada: string; rivalAdmin: string; rivalAgent: string };
  let rivalVisitorToken: string;
  let rivalConversation: ConversationId;

  const inject = (method: string, url: string, options: { cookie?: string; body?: unknown; origin?: string } = {}) =>
    started.app.inject({
      method: method as 'GET',
      url,
      headers: {
        ...(options.cookie === undefined ? {} : { cookie: options.cookie }),
        ...(options.origin === undefined ? {} : { origin: options.origin }),
        ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(options.body === undefined ? {} : { payload: JSON.stringify(options.body) }),
    });

  /** The response is the catalogued error `code`, with that code's status and nothing else. */
  const expectError = (response: LightMyRequestResponse, code: ErrorCode) => {
    expect({ status: response.statusCode, code: (response.json() as { error?: WireError }).error?.code }).toEqual({
      status: ERRORS[code].status,
      code,
    });
  };

  /** Runs `act` and checks that no key under `prefix` (the whole app's by default) was added, removed or changed. */
  async function changesNothing(act: () => Promise<void>, prefix = started.prefix): Promise<void> {
    const before = await snapshotData(prefix);
    await act();
    expect(await snapshotData(prefix)).toEqual(before);
  }
  const homeKeys = () => `${started.prefix}:{${started.siteKey}}`;

  async function startConversation(siteKey: string, text: string, origin = SHOP_ORIGIN) {
    const visitor = await connectVisitor(started.url, { siteKey }, { origin });
    const session = expectOk(await emitWithTimeout(visitor, ACK_MS, 'session:resume', {}));
    const clientId = randomUUID();
    const sent = expectOk(await emitWithTimeout(visitor, ACK_MS, 'message:send', { clientId, text }));
    return { visitor, session, clientId, sent };
  }

  beforeAll(async () => {
    await assertRedisReachable();
    started = await startApp({ env: QUIET_SWEEP_ENV, overrides: { now: () => Date.now() + shift } });
    rival = await addSecondSite(started);
    const { url, siteKey } = started;
    cookies = {
      sam: await logIn(url, started.serviceAgent),
      bo: await logIn(url, started.bothAgent),
      ada: await logIn(url, started.adminAgent),
      rivalAdmin: await logIn(url, rival.admin),
      rivalAgent: await logIn(url, rival.agent),
    };

    const rule = await inject('POST', `/api/v1/sites/${siteKey}/routing/rules`, {
      cookie: cookies.ada,
      body: { phrase: 'gift card', queue: 'service' },
    });
    expect(rule.statusCode).toBe(201);
    const webhook = await inject('POST', `/api/v1/sites/${siteKey}/webhooks`, { cookie: cookies.ada, body: { url: 'https://hooks.example/home' } });
    expect(webhook.statusCode).toBe(201);
    const apiToken = await inject('POST', `/api/v1/sites/${siteKey}/api-tokens`, { cookie: cookies.ada, body: { name: 'Lobby' } });
    expect(apiToken.statusCode).toBe(201);

    const bo = await connectAgent(url, cookies.bo);
    const waiting = await startConversation(siteKey, 'Where is my parcel? It is late.');
    const active = await startConversation(siteKey, 'I was charged twice for my order');
    expectOk(await emitWithTimeout(active.visitor, ACK_MS, 'visitor:identify', { userId: 'cust-1', name: 'Victim' }));
    expectOk(await emitWithTimeout(bo, ACK_MS, 'conversation:take', { conversationId: active.sent.conversation.id }));
    expectOk(await emitWithTimeout(bo, ACK_MS, 'message:send', { conversationId: active.sent.conversation.id, clientId: randomUUID(), text: 'Refunding one now.' }));
    const resolved = await startConversation(siteKey, 'How much is shipping to Canada?');
    expectOk(await emitWithTimeout(bo, ACK_MS, 'conversation:take', { conversationId: resolved.sent.conversation.id }));
    expectOk(await emitWithTimeout(bo, ACK_MS, 'conversation:resolve', { conversationId: resolved.sent.conversation.id }));
    const transferred = await startConversation(siteKey, 'I want a refund for my order');
    expectOk(await emitWithTimeout(bo, ACK_MS, 'conversation:take', { conversationId: transferred.sent.conversation.id }));
    expectOk(
      await emitWithTimeout(bo, ACK_MS, 'conversation:transfer', { conversationId: transferred.sent.conversation.id, queue: 'support', note: 'crash' }),
    );
    const theirs = await startConversation(rival.siteKey, 'Do you ship to Norway?', rival.origin);
    rivalVisitorToken = theirs.session.token;
    rivalConversation = theirs.sent.conversation.id;

    home = {
      waiting: waiting.sent.conversation.id,
      active: active.sent.conversation.id,
      victim: {
        visitorId: active.session.visitorId,
        token: active.session.token,
        firstClientId: active.clientId,
        firstMessageId: active.sent.message.id,
      },
      resolved: resolved.sent.conversation.id,
      transferred: transferred.sent.conversation.id,
      ruleId: (rule.json() as { id: string }).id,
      webhookId: (webhook.json() as { id: string }).id,
      tokenId: (apiToken.json() as { id: string }).id,
      cannedId: (await started.app.cannedReplies.create(started.siteKey, { shortcut: 'hello', text: 'Hello {{visitor.firstName}}' }, 'test')).id,
    };
    disconnectAll();
  });
  afterEach(() => disconnectAll());
  afterAll(async () => {
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    disconnectAll();
    if (started) await settleDisconnects(started.app);
    await started?.close();
  });

  /** Every site-scoped REST route, with a body that would be valid for the site's own admin. */
  const siteRoutes: [method: string, path: (site: string) => string, body?: unknown][] = [
    ['GET', (site) => `/api/v1/sites/${site}/routing`],
    ['PATCH', (site) => `/api/v1/sites/${site}/routing/settings`, { topicQuestion: true, storeVisitorIp: true }],
    ['POST', (site) => `/api/v1/sites/${site}/routing/rules`, { phrase: 'hijacked', queue: 'support' }],
    ['DELETE', (site) => `/api/v1/sites/${site}/routing/rules/${home.ruleId}`],
    ['POST', (site) => `/api/v1/sites/${site}/routing/try`, { text: 'where is my refund' }],
    ['GET', (site) => `/api/v1/sites/${site}/routing/corrections`],
    ['GET', (site) => `/api/v1/sites/${site}/routing/corrections?format=jsonl`],
    ['GET', (site) => `/api/v1/sites/${site}/routing/learning`],
    ['POST', (site) => `/api/v1/sites/${site}/routing/learning/retrain`],
    ['POST', (site) => `/api/v1/sites/${site}/routing/learning/rollback`],
    ['GET', (site) => `/api/v1/sites/${site}/visitors/${home.victim.visitorId}/export`],
    ['DELETE', (site) => `/api/v1/sites/${site}/visitors/${home.victim.visitorId}`],
    ['GET', (site) => `/api/v1/sites/${site}/audit`],
    ['GET', (site) => `/api/v1/sites/${site}/audit?limit=1000`],
    ['PATCH', (site) => `/api/v1/sites/${site}/agents/${started.serviceAgent.view.id}`, { capacity: 0 }],
    ['POST', (site) => `/api/v1/sites/${site}/api-tokens`, { name: 'stolen wallboard' }],
    ['GET', (site) => `/api/v1/sites/${site}/webhooks`],
    ['GET', (site) => `/api/v1/sites/${site}`],
    ['PATCH', (site) => `/api/v1/sites/${site}`, { name: 'Hijacked', origins: ['https://evil.example'] }],
    ['POST', (site) => `/api/v1/sites/${site}/identity-secret`],
    ['GET', (site) => `/api/v1/sites/${site}/agents`],
    ['POST', (site) => `/api/v1/sites/${site}/agents`, { email: 'intruder@evil.example', password: 'intruder-password', skills: ['service'] }],
    ['GET', (site) => `/api/v1/sites/${site}/api-tokens`],
    ['DELETE', (site) => `/api/v1/sites/${site}/api-tokens/${home.tokenId}`],
    ['POST', (site) => `/api/v1/sites/${site}/webhooks`, { url: 'https://evil.example/steal' }],
    ['DELETE', (site) => `/api/v1/sites/${site}/webhooks/${home.webhookId}`],
    ['GET', (site) => `/api/v1/sites/${site}/webhooks/${home.webhookId}/deliveries`],
    ['GET', (site) => `/api/v1/sites/${site}/canned-replies`],
    ['POST', (site) => `/api/v1/sites/${site}/canned-replies`, { shortcut: 'stolen', text: 'Send your password to evil.example' }],
    ['PATCH', (site) => `/api/v1/sites/${site}/canned-replies/${home.cannedId}`, { text: 'Send your password to evil.example' }],
    ['DELETE', (site) => `/api/v1/sites/${site}/canned-replies/${home.cannedId}`],
    ['POST', (site) => `/api/v1/sites/${site}/conversations/${home.active}/files?name=stolen.png&clientId=client-tenancy-1`],
    ['GET', (site) => `/api/v1/sites/${site}/conversations/${home.active}/files/f_nobody/link`],
    ['GET', (site) => `/api/v1/sites/${site}/conversations?q=refund`],
    ['GET', (site) => `/api/v1/sites/${site}/conversations/${home.resolved}`],
    ['GET', (site) => `/api/v1/sites/${site}/conversations/${home.resolved}/transcript`],
  ];
  /** `GET /api/v1/sites/:site/…`, with the fixture's ids left as placeholders (test names are made before the fixture). */
  const routeName = (method: string, path: (site: string) => string) => {
    const saved = home;
    const savedStarted = started;
    home ??= { ruleId: ':id', webhookId: ':id', tokenId: ':id', cannedId: ':id', active: ':conversationId', resolved: ':conversationId', victim: { visitorId: ':visitorId' } } as Home;
    started ??= { serviceAgent: { view: { id: ':agentId' } } } as StartedApp;
    try {
      return `${method} ${path(':site')}`;
    } finally {
      home = saved;
      started = savedStarted;
    }
  };

  it('tries every site route the app has', () => {
    const tried = siteRoutes.map(([method, path]) => `${method} ${path(':siteKey').split('?')[0]}`);
    const named = (route: string) =>
      route
        .replace(home.ruleId, ':id')
        .replace(home.webhookId, ':id')
        .replace(home.tokenId, ':id')
        .replace(home.cannedId, ':id')
        .replace(home.victim.visitorId, ':visitorId')
        .replace(started.serviceAgent.view.id, ':agentId')
        .replace(home.active, ':conversationId')
        .replace(home.resolved, ':conversationId')
        .replace('f_nobody', ':fileId');
    // CORS preflights take no session and answer by the page's origin alone (test/integration/files.test.ts).
    expect([...new Set(tried.map(named))].sort()).toEqual(listApiRoutes(started.app).filter((r) => r.includes('/sites/:siteKey') && !r.startsWith('OPTIONS ')));
    // These name their site in the query, or take a site API token: they have their own tests below.
    // The site list and creation, and an agent's own account, name no site: admin-api.test.ts tries them.
    expect(listApiRoutes(started.app).filter((r) => !r.includes('/sites/:siteKey') && !r.includes('/sessions'))).toEqual([
      'GET /api/v1/metrics',
      'GET /api/v1/metrics/live',
      'GET /api/v1/openapi.json',
      'GET /api/v1/sites',
      'POST /api/v1/password-resets',
      'POST /api/v1/password-resets/confirm',
      'POST /api/v1/sites',
      'PUT /api/v1/account/password',
    ]);
  });

  describe('REST as the other site', () => {
    it.each(siteRoutes.map(([method, path, body]) => [routeName(method, path), method, path, body] as const))(
      '%s on the first site, by the other site’s admin and agent: 404 SITE_NOT_FOUND, nothing changes',
      async (_name, method, path, body) => {
        await changesNothing(async () => {
          for (const cookie of [cookies.rivalAdmin, cookies.rivalAgent]) {
            expectError(await inject(method, path(started.siteKey), { cookie, body }), 'SITE_NOT_FOUND');
          }
        });
      },
    );

    it('on its own site, reaches none of the first site’s visitors, rules, corrections or audit entries', async () => {
      const own = (path: (site: string) => string) => path(rival.siteKey);
      await changesNothing(async () => {
        const exported = await inject('GET', own((site) => `/api/v1/sites/${site}/visitors/${home.victim.visitorId}/export`), { cookie: cookies.rivalAdmin });
        expect(exported.statusCode).toBe(200);
        expect(exported.json()).toMatchObject({ siteKey: rival.siteKey, visitor: { id: home.victim.visitorId, identity: null }, conversations: [] });

        const deleted = await inject('DELETE', own((site) => `/api/v1/sites/${site}/visitors/${home.victim.visitorId}`), { cookie: cookies.rivalAdmin });
        // The rival's own audit named the id (the export just above): that entry is all it erases.
        expect([deleted.statusCode, deleted.json()]).toEqual([200, { deletedConversations: 0 }]);

        expectError(await inject('DELETE', own((site) => `/api/v1/sites/${site}/routing/rules/${home.ruleId}`), { cookie: cookies.rivalAdmin }), 'ROUTING_RULE_NOT_FOUND');
        for (const body of [{ disabled: true }, { capacity: 0 }]) {
          const agentId = started.serviceAgent.view.id;
          expectError(await inject('PATCH', own((site) => `/api/v1/sites/${site}/agents/${agentId}`), { cookie: cookies.rivalAdmin, body }), 'AGENT_NOT_FOUND');
        }

        const routing = await inject('GET', own((site) => `/api/v1/sites/${site}/routing`), { cookie: cookies.rivalAgent });
        expect(routing.json()).toMatchObject({ rules: [] });
        const corrections = await inject('GET', own((site) => `/api/v1/sites/${site}/routing/corrections`), { cookie: cookies.rivalAdmin });
        expect(corrections.json()).toEqual({ corrections: [] });
        const audit = await inject('GET', own((site) => `/api/v1/sites/${site}/audit?limit=1000`), { cookie: cookies.rivalAdmin });
        const body = audit.body;
        for (const secret of [started.siteKey, home.ruleId, home.active, started.adminAgent.email]) expect(body).not.toContain(secret);
      }, homeKeys());
    });

    it('gets none of the first site’s figures from GET /api/v1/metrics: 404 SITE_NOT_FOUND, and 401 without a session', async () => {
      const url = `/api/v1/metrics?site=${started.siteKey}&from=${Date.now() - 24 * HOUR}&to=${Date.now() + HOUR}`;
      await changesNothing(async () => {
        for (const cookie of [cookies.rivalAdmin, cookies.rivalAgent]) expectError(await inject('GET', url, { cookie }), 'SITE_NOT_FOUND');
        for (const cookie of [undefined, 'sb_session=not-a-session']) expectError(await inject('GET', url, cookie ? { cookie } : {}), 'AUTH_REQUIRED');
        expect((await inject('GET', url, { cookie: cookies.ada })).statusCode).toBe(200);
      });
    });

    it('opens no live metrics feed without a site API token: an agent’s cookie is not one', async () => {
      await changesNothing(async () => {
        for (const [url, cookie] of [
          ['/api/v1/metrics/live', cookies.ada],
          ['/api/v1/metrics/live', cookies.rivalAdmin],
          [`/api/v1/metrics/live?token=${encodeURIComponent(home.victim.token)}`, undefined],
          ['/api/v1/metrics/live?token=not-a-token', undefined],
        ] as [string, string | undefined][]) {
          expectError(await inject('GET', url, cookie ? { cookie } : {}), 'API_TOKEN_INVALID');
        }
      });
    });

    it('logs out everywhere only its own agent: the first site’s sessions keep working', async () => {
      const rivalCookie = await logIn(started.url, rival.agent);
      await changesNothing(async () => {
        expect((await inject('DELETE', '/api/v1/sessions', { cookie: rivalCookie })).statusCode).toBe(204);
      }, homeKeys());
      for (const cookie of [cookies.sam, cookies.bo, cookies.ada]) {
        expect((await inject('GET', '/api/v1/sessions/current', { cookie })).statusCode).toBe(200);
      }
      expectError(await inject('GET', '/api/v1/sessions/current', { cookie: rivalCookie }), 'AUTH_REQUIRED');
      cookies.rivalAgent = await logIn(started.url, rival.agent);
    });
  });

  describe('REST without a valid session', () => {
    const credentials: [name: string, cookie: () => Promise<string | undefined>][] = [
      ['no cookie', async () => undefined],
      ['a bogus session cookie', async () => 'sb_session=not-a-session'],
      ['an empty session cookie', async () => 'sb_session='],
      ['a session token of the right shape that was never issued', async () => `sb_session=${randomUUID().replaceAll('-', '')}AAAAAAAAAAA`],
      ['only another cookie', async () => 'theme=dark'],
      ['a malformed cookie header', async () => 'sb_session=%E0%A4%A; ;;='],
      [
        'a logged-out session',
        async () => {
          const cookie = await logIn(started.url, started.adminAgent);
          expect((await inject('DELETE', '/api/v1/sessions/current', { cookie })).statusCode).toBe(204);
          return cookie;
        },
      ],
      [
        'a session ended by log-out-everywhere from another device',
        async () => {
          const laptop = await logIn(started.url, rival.admin);
          const phone = await logIn(started.url, rival.admin);
          expect((await inject('DELETE', '/api/v1/sessions', { cookie: phone })).statusCode).toBe(204);
          cookies.rivalAdmin = await logIn(started.url, rival.admin);
          return laptop;
        },
      ],
    ];

    it.each(credentials)('with %s, every site route is 401 AUTH_REQUIRED and nothing changes', async (_name, makeCookie) => {
      const cookie = await makeCookie();
      await changesNothing(async () => {
        for (const [method, path, body] of siteRoutes) {
          const response = await inject(method, path(started.siteKey), { ...(cookie === undefined ? {} : { cookie }), body });
          expect({ route: routeName(method, path), status: response.statusCode, body: response.json() }).toMatchObject({
            status: 401,
            body: { error: { code: 'AUTH_REQUIRED' } },
          });
        }
        expectError(await inject('GET', '/api/v1/sessions/current', cookie === undefined ? {} : { cookie }), 'AUTH_REQUIRED');
        expectError(await inject('DELETE', '/api/v1/sessions', cookie === undefined ? {} : { cookie }), 'AUTH_REQUIRED');
        // Logging out without a live session is allowed and does nothing.
        expect((await inject('DELETE', '/api/v1/sessions/current', cookie === undefined ? {} : { cookie })).statusCode).toBe(204);
      });
    });

    it('refuses an agent without the admin role on every admin route with 403 FORBIDDEN', async () => {
      await changesNothing(async () => {
        for (const [method, path, body] of siteRoutes) {
          const response = await inject(method, path(started.siteKey), { cookie: cookies.sam, body });
          // Any agent of the site reads its routing, its canned replies and its history (docs/api.md, "History").
          if (method === 'GET' && (path('x').endsWith('/routing') || path('x').endsWith('/canned-replies') || (path('x').includes('/conversations') && !path('x').includes('/files')))) expect(response.statusCode).toBe(200);
          // Files are any agent's of the site: the holder sends them, everyone may open them (files.test.ts).
          else if (path('x').includes('/files')) expect((response.json() as { error?: WireError }).error?.code).not.toBe('FORBIDDEN');
          else expect({ route: routeName(method, path), code: (response.json() as { error?: WireError }).error?.code }).toEqual({ route: routeName(method, path), code: 'FORBIDDEN' });
        }
      });
    });

    it('refuses an expired session on every route and on the agent handshake', async () => {
      const cookie = await logIn(started.url, started.adminAgent);
      shift = 13 * HOUR;
      try {
        await changesNothing(async () => {
          for (const [method, path, body] of siteRoutes) {
            const response = await inject(method, path(started.siteKey), { cookie, body });
            expect({ route: routeName(method, path), status: response.statusCode }).toEqual({ route: routeName(method, path), status: 401 });
          }
          expectError(await inject('GET', '/api/v1/sessions/current', { cookie }), 'AUTH_REQUIRED');
          expectError(await inject('DELETE', '/api/v1/sessions', { cookie }), 'AUTH_REQUIRED');
          expect((await handshakeRefusal(connectAgent(started.url, cookie))).code).toBe('AUTH_REQUIRED');
        });
      } finally {
        shift = 0;
      }
    });
  });

  describe('agent sockets of the other site', () => {
    type Attempt = [name: string, run: (socket: AgentClient, id: ConversationId) => Promise<Ack<unknown>>];
    const attempts: Attempt[] = [
      ['conversation:take', (s, id) => emitWithTimeout(s, ACK_MS, 'conversation:take', { conversationId: id })],
      ['conversation:messages', (s, id) => emitWithTimeout(s, ACK_MS, 'conversation:messages', { conversationId: id })],
      ['conversation:messages after an id', (s, id) => emitWithTimeout(s, ACK_MS, 'conversation:messages', { conversationId: id, afterId: '0-0' })],
      ['conversation:resolve', (s, id) => emitWithTimeout(s, ACK_MS, 'conversation:resolve', { conversationId: id })],
      ['conversation:transfer to support', (s, id) => emitWithTimeout(s, ACK_MS, 'conversation:transfer', { conversationId: id, queue: 'support', note: '' })],
      ['conversation:transfer to service', (s, id) => emitWithTimeout(s, ACK_MS, 'conversation:transfer', { conversationId: id, queue: 'service', note: 'x' })],
      ['conversation:release', (s, id) => emitWithTimeout(s, ACK_MS, 'conversation:release', { conversationId: id })],
      ['conversation:flag-route', (s, id) => emitWithTimeout(s, ACK_MS, 'conversation:flag-route', { conversationId: id })],
      [
        'conversation:hand-over',
        (s, id) => emitWithTimeout(s, ACK_MS, 'conversation:hand-over', { conversationId: id, agentId: started.serviceAgent.view.id, note: '' }),
      ],
      ['message:send', (s, id) => emitWithTimeout(s, ACK_MS, 'message:send', { conversationId: id, clientId: randomUUID(), text: 'hello from the rival' })],
      [
        'message:send reusing a client id of that conversation',
        (s, id) => emitWithTimeout(s, ACK_MS, 'message:send', { conversationId: id, clientId: home.victim.firstClientId, text: 'give me what you stored' }),
      ],
      ['note:add', (s, id) => emitWithTimeout(s, ACK_MS, 'note:add', { conversationId: id, clientId: randomUUID(), text: 'a note from the rival' })],
      [
        'note:add reusing a client id of that conversation',
        (s, id) => emitWithTimeout(s, ACK_MS, 'note:add', { conversationId: id, clientId: home.victim.firstClientId, text: 'give me what you stored' }),
      ],
      [
        'conversation:reassign',
        (s, id) => emitWithTimeout(s, ACK_MS, 'conversation:reassign', { conversationId: id, agentId: started.serviceAgent.view.id, note: '' }),
      ],
      ['typing:set', (s, id) => emitWithTimeout(s, ACK_MS, 'typing:set', { conversationId: id, typing: true })],
      ['message:seen', (s, id) => emitWithTimeout(s, ACK_MS, 'message:seen', { conversationId: id, lastSeenId: '0-0' })],
      ['visitor:history', (s, id) => emitWithTimeout(s, ACK_MS, 'visitor:history', { conversationId: id })],
    ];
    const targets: [name: string, id: () => ConversationId][] = [
      ['waiting', () => home.waiting],
      ['active', () => home.active],
      ['resolved', () => home.resolved],
      ['transferred', () => home.transferred],
    ];

    it.each(attempts)('%s on the first site’s waiting, active, resolved and transferred conversations: CONVERSATION_NOT_FOUND, nothing changes', async (_event, run) => {
      const admin = await connectAgent(started.url, cookies.rivalAdmin);
      const agent = await connectAgent(started.url, cookies.rivalAgent);
      await changesNothing(async () => {
        for (const [target, id] of targets) {
          for (const socket of [admin, agent]) {
            const ack = await run(socket, id());
            expect({ target, code: ack.ok ? 'accepted' : ack.error.code }).toEqual({ target, code: 'CONVERSATION_NOT_FOUND' });
          }
        }
      });
    });

    it('tries every agent event: those that name a conversation above, the others below', () => {
      const named = [...new Set(attempts.map(([name]) => name.split(' ')[0]!))];
      expect([...named, 'workspace:load', 'queue:take-next', 'presence:set', 'team:load'].sort()).toEqual(declaredClientEvents('AgentClientEvents'));
    });

    it('team:load shows only the other site’s own agents and waiting conversations', async () => {
      const admin = await connectAgent(started.url, cookies.rivalAdmin);
      const team = expectOk(await emitWithTimeout(admin, ACK_MS, 'team:load', {}));
      const text = JSON.stringify(team);
      for (const secret of [started.siteKey, home.waiting, home.active, started.serviceAgent.view.id, started.supportAgent.view.id, started.bothAgent.view.id]) {
        expect(text.includes(secret), secret).toBe(false);
      }
      expect(team.waiting?.map((w) => w.conversationId)).toEqual([rivalConversation]);
    });

    it('queue:take-next and presence:set never reach the first site’s queues', async () => {
      const agent = await connectAgent(started.url, cookies.rivalAgent);
      await changesNothing(async () => {
        expectOk(await emitWithTimeout(agent, ACK_MS, 'presence:set', { status: 'online' }));
        const taken = expectOk(await emitWithTimeout(agent, ACK_MS, 'queue:take-next', {}));
        // The only conversation waiting on the rival site is its own; the first site has three.
        expect(taken?.conversation).toMatchObject({ id: rivalConversation, siteKey: rival.siteKey });
        expectOk(await emitWithTimeout(agent, ACK_MS, 'conversation:release', { conversationId: rivalConversation }));
        expectOk(await emitWithTimeout(agent, ACK_MS, 'presence:set', { status: 'offline' }));
      }, homeKeys());
    });

    it('workspace:load shows only the other site’s own queues and conversations', async () => {
      const admin = await connectAgent(started.url, cookies.rivalAdmin);
      await changesNothing(async () => {
        const workspace = expectOk(await emitWithTimeout(admin, ACK_MS, 'workspace:load', {}));
        expect(workspace.agent.siteKey).toBe(rival.siteKey);
        const ids = workspace.queues.flatMap((q) => q.entries.map((e) => e.conversationId));
        expect(ids).toEqual([rivalConversation]);
        expect(workspace.queues.reduce((sum, q) => sum + q.count, 0)).toBe(1);
        expect(workspace.conversations).toEqual([]);
        expect(JSON.stringify(workspace)).not.toContain(started.siteKey);
      });
    });
  });

  describe('agents of the same site who do not hold the conversation', () => {
    // A client id is not a secret: agents who served the queue while the conversation waited have
    // seen them. Resending one must not open a conversation that another agent now holds.
    it('cannot read a stored message, or the conversation, by resending one of its client ids', async () => {
      const sam = await connectAgent(started.url, cookies.sam);
      await changesNothing(async () => {
        const ack = await emitWithTimeout(sam, ACK_MS, 'message:send', { conversationId: home.active, clientId: home.victim.firstClientId, text: 'anything' });
        expect(ack.ok ? { leaked: ack.data.message.text } : ack.error.code).toBe('CONVERSATION_NOT_ASSIGNED_TO_YOU');
      });
    });
  });

  describe('agent handshakes without a valid session', () => {
    it.each([
      ['no cookie', ''],
      ['a bogus session cookie', 'sb_session=not-a-session'],
      ['a visitor token as the session', () => `sb_session=${home.victim.token}`],
    ] as [string, string | (() => string)][])('refuses %s with AUTH_REQUIRED', async (_name, cookie) => {
      await changesNothing(async () => {
        expect((await handshakeRefusal(connectAgent(started.url, typeof cookie === 'string' ? cookie : cookie()))).code).toBe('AUTH_REQUIRED');
      });
    });

    it('refuses a logged-out session, and one ended everywhere, with AUTH_REQUIRED', async () => {
      const once = await logIn(started.url, started.supportAgent);
      await inject('DELETE', '/api/v1/sessions/current', { cookie: once });
      const everywhere = await logIn(started.url, started.supportAgent);
      await inject('DELETE', '/api/v1/sessions', { cookie: everywhere });
      await changesNothing(async () => {
        for (const cookie of [once, everywhere]) expect((await handshakeRefusal(connectAgent(started.url, cookie))).code).toBe('AUTH_REQUIRED');
      });
    });

    it('refuses a valid agent cookie sent from a customer page (the widget’s origin) with ORIGIN_NOT_ALLOWED', async () => {
      await changesNothing(async () => {
        for (const origin of [SHOP_ORIGIN, rival.origin]) {
          expect((await handshakeRefusal(connectAgent(started.url, cookies.ada, { origin }))).code).toBe('ORIGIN_NOT_ALLOWED');
        }
      });
    });

    it('refuses a visitor that tries the /agent namespace with its visitor credentials', async () => {
      await changesNothing(async () => {
        const attempt = (origin: string | null) => {
          const socket = io(`${started.url}/agent`, {
            auth: { siteKey: started.siteKey, token: home.victim.token },
            transports: ['websocket'],
            reconnection: false,
            forceNew: true,
            ...(origin ? { extraHeaders: { origin } } : {}),
          });
          return new Promise<unknown>((resolve, reject) => {
            socket.once('connect', () => {
              socket.disconnect();
              resolve(socket);
            });
            socket.once('connect_error', (error) => {
              socket.disconnect();
              reject(error);
            });
          });
        };
        expect((await handshakeRefusal(attempt(SHOP_ORIGIN))).code).toBe('ORIGIN_NOT_ALLOWED');
        expect((await handshakeRefusal(attempt(null))).code).toBe('AUTH_REQUIRED');
      });
    });
  });

  describe('an agent socket outlives no session', () => {
    // A socket authenticates once, at its handshake. Ending the session must end what it allows.
    it('is closed or refused once its agent logs out everywhere', async () => {
      const cookie = await logIn(started.url, started.supportAgent);
      const socket = await connectAgent(started.url, cookie);
      expect(await stillActs(socket)).toBe(true);
      const other = await logIn(started.url, started.supportAgent);
      expect((await inject('DELETE', '/api/v1/sessions', { cookie: other })).statusCode).toBe(204);
      expect(await stillActs(socket)).toBe(false);
    });

    it('is closed or refused once its own session is logged out', async () => {
      const cookie = await logIn(started.url, started.supportAgent);
      const socket = await connectAgent(started.url, cookie);
      expect((await inject('DELETE', '/api/v1/sessions/current', { cookie })).statusCode).toBe(204);
      expect(await stillActs(socket)).toBe(false);
    });

    it('is closed or refused once its session has expired', async () => {
      const cookie = await logIn(started.url, started.supportAgent);
      const socket = await connectAgent(started.url, cookie);
      shift = 13 * HOUR;
      try {
        expect(await stillActs(socket)).toBe(false);
      } finally {
        shift = 0;
      }
    });
  });

  describe('visitors', () => {
    const connectRefusal = (siteKey: string, token: string, origin: string | null = SHOP_ORIGIN) =>
      handshakeRefusal(connectVisitor(started.url, { siteKey, token }, { origin }));

    it('cannot become another visitor with a stolen visitor id and no genuine token', async () => {
      const { visitorId, token } = home.victim;
      const signature = token.slice(token.lastIndexOf('.') + 1);
      const site = await started.app.store.getSite(started.siteKey);
      const forgedWith = (secret: string) => `${visitorId}.${createHmac('sha256', secret).update(`${started.siteKey}:${visitorId}`).digest('base64url')}`;
      const rivalSignature = rivalVisitorToken.slice(rivalVisitorToken.lastIndexOf('.') + 1);
      const tokens: Record<string, string> = {
        'the visitor id alone': visitorId,
        'the visitor id with a made-up signature': `${visitorId}.${'A'.repeat(signature.length)}`,
        'the visitor id with the other site’s visitor’s signature': `${visitorId}.${rivalSignature}`,
        'a token signed with the site’s identity secret (known to the site owner)': forgedWith(site!.identitySecret),
        'a token signed with a guessed secret': forgedWith('test-secret'),
        'the victim’s token with a second visitor id in front': `v_attacker.${token}`,
        'the other site’s visitor token': rivalVisitorToken,
      };
      await changesNothing(async () => {
        for (const [name, forged] of Object.entries(tokens)) {
          expect({ name, code: (await connectRefusal(started.siteKey, forged)).code }).toEqual({ name, code: 'VISITOR_TOKEN_INVALID' });
        }
      });
    });

    it('cannot use a token on another site, or a site key from another site’s page', async () => {
      await changesNothing(async () => {
        // The first site's visitor token on the rival site, from the rival's own page.
        expect((await connectRefusal(rival.siteKey, home.victim.token, rival.origin)).code).toBe('VISITOR_TOKEN_INVALID');
        // The first site's key and a genuine token, from a page that is not on its allowlist.
        for (const origin of [rival.origin, 'null', 'https://shop.example.evil.example', 'http://shop.example', null]) {
          expect({ origin, code: (await connectRefusal(started.siteKey, home.victim.token, origin)).code }).toEqual({
            origin,
            code: 'ORIGIN_NOT_ALLOWED',
          });
        }
      });
    });

    it('cannot name another conversation or visitor in any payload', async () => {
      const stranger = await connectVisitor(started.url, { siteKey: started.siteKey });
      const attempts: [string, unknown][] = [
        ['session:resume', { conversationId: home.active }],
        ['session:resume', { visitorId: home.victim.visitorId }],
        ['session:resume', { token: home.victim.token }],
        ['session:resume', { siteKey: rival.siteKey }],
        ['message:send', { clientId: randomUUID(), text: 'let me in', conversationId: home.active }],
        ['message:send', { clientId: randomUUID(), text: 'let me in', visitorId: home.victim.visitorId }],
        ['message:send', { clientId: randomUUID(), text: 'let me in', siteKey: rival.siteKey }],
        ['visitor:identify', { userId: 'cust-1', visitorId: home.victim.visitorId }],
        ['visitor:identify', { userId: 'cust-1', conversationId: home.active }],
      ];
      await changesNothing(async () => {
        for (const [event, payload] of attempts) {
          const ack = await raw(stranger).timeout(ACK_MS).emitWithAck(event, payload);
          expect({ event, payload, code: ack.ok ? 'accepted' : ack.error.code }).toEqual({ event, payload, code: 'PAYLOAD_INVALID' });
        }
      });
    });

    it('reads nothing of another visitor by resuming after its message id or reusing its client id', async () => {
      const stranger = await connectVisitor(started.url, { siteKey: started.siteKey });
      await changesNothing(async () => {
        const session = expectOk(await emitWithTimeout(stranger, ACK_MS, 'session:resume', { lastMessageId: home.victim.firstMessageId }));
        expect(session).toMatchObject({ conversation: null, messages: [] });
        expect(session.visitorId).not.toBe(home.victim.visitorId);
      });
      const before = await started.app.store.messagesAfter(started.siteKey, home.active, undefined, 100);
      const sent = expectOk(
        await emitWithTimeout(stranger, ACK_MS, 'message:send', { clientId: home.victim.firstClientId, text: 'my own question' }),
      );
      expect(sent).toMatchObject({ duplicate: false, message: { text: 'my own question', author: 'visitor' } });
      expect(sent.conversation.id).not.toBe(home.active);
      expect(await started.app.store.messagesAfter(started.siteKey, home.active, undefined, 100)).toEqual(before);
    });

    it('gets no answer for agent events on /visitor, and they change nothing', async () => {
      const stranger = await connectVisitor(started.url, { siteKey: started.siteKey });
      const answered: string[] = [];
      const agentEvents: [keyof AgentClientEvents, unknown][] = [
        ['workspace:load', {}],
        ['conversation:take', { conversationId: home.waiting }],
        ['conversation:messages', { conversationId: home.active }],
        ['conversation:resolve', { conversationId: home.active }],
        ['conversation:transfer', { conversationId: home.active, queue: 'support', note: '' }],
      ];
      await changesNothing(async () => {
        for (const [event, payload] of agentEvents) (stranger as unknown as { emit(...a: unknown[]): void }).emit(event, payload, () => answered.push(event));
        // Events are handled in order: once two later ones are answered, the ignored ones were not.
        expectOk(await emitWithTimeout(stranger, ACK_MS, 'session:resume', {}));
        expectOk(await emitWithTimeout(stranger, ACK_MS, 'session:resume', {}));
      });
      expect(answered).toEqual([]);
    });

    it('cannot rate another visitor’s conversation, or another site’s', async () => {
      const stranger = await connectVisitor(started.url, { siteKey: started.siteKey });
      await changesNothing(async () => {
        for (const conversationId of [home.resolved, home.active, rivalConversation]) {
          expectRefused(await emitWithTimeout(stranger, ACK_MS, 'conversation:rate', { conversationId, csat: 1, comment: 'terrible' }), 'CONVERSATION_NOT_FOUND');
        }
      });
    });

    it('is never verified by a hash that another site’s identity secret made', async () => {
      const visitor = await connectVisitor(started.url, { siteKey: started.siteKey });
      const rivalSecret = (await started.app.store.getSite(rival.siteKey))!.identitySecret;
      const homeSecret = (await started.app.store.getSite(started.siteKey))!.identitySecret;
      expect(
        expectOk(await emitWithTimeout(visitor, ACK_MS, 'visitor:identify', { userId: 'cust-77', hash: identityHash(rivalSecret, 'cust-77') })).verified,
      ).toBe(false);
      expect(
        expectOk(await emitWithTimeout(visitor, ACK_MS, 'visitor:identify', { userId: 'cust-77', hash: identityHash(homeSecret, 'cust-77') })).verified,
      ).toBe(true);
    });
  });

  it('keeps every broadcast inside its site: the other site’s agents and visitors receive nothing of the first', async () => {
    const { url, siteKey } = started;
    const rivalAdmin = await connectAgent(url, cookies.rivalAdmin);
    const rivalAgent = await connectAgent(url, cookies.rivalAgent);
    const rivalVisitor = await connectVisitor(url, { siteKey: rival.siteKey, token: rivalVisitorToken }, { origin: rival.origin });
    const bystander = await connectVisitor(url, { siteKey });
    const heard = { rivalAdmin: recordAll(rivalAdmin), rivalAgent: recordAll(rivalAgent), rivalVisitor: recordAll(rivalVisitor), bystander: recordAll(bystander) };

    // The first site's whole life cycle, each step confirmed by the first site's own recipients.
    const sam = await connectAgent(url, cookies.sam);
    const sasha = await connectAgent(url, started.supportAgent);
    const visitor = await connectVisitor(url, { siteKey });
    const entered = waitFor<[QueueEntry]>(sam, 'queue:entered');
    const first = expectOk(await emitWithTimeout(visitor, ACK_MS, 'message:send', { clientId: randomUUID(), text: 'I was charged twice' }));
    const id = first.conversation.id;
    await entered;
    const reEntered = waitFor<[QueueEntry]>(sam, 'queue:entered');
    expectOk(await emitWithTimeout(visitor, ACK_MS, 'visitor:identify', { userId: 'cust-9', name: 'Grace' }));
    await reEntered;
    const visitorSeesTake = waitFor(visitor, 'conversation:updated');
    expectOk(await emitWithTimeout(sam, ACK_MS, 'conversation:take', { conversationId: id }));
    await visitorSeesTake;
    const visitorHears = waitFor<[MessageView]>(visitor, 'message:new');
    expectOk(await emitWithTimeout(sam, ACK_MS, 'message:send', { conversationId: id, clientId: randomUUID(), text: 'Refunding now' }));
    await visitorHears;
    const samHears = waitFor<[MessageView]>(sam, 'message:new');
    expectOk(await emitWithTimeout(visitor, ACK_MS, 'message:send', { clientId: randomUUID(), text: 'and the app crashes' }));
    await samHears;
    const supportSees = waitFor<[QueueEntry]>(sasha, 'queue:entered');
    expectOk(await emitWithTimeout(sam, ACK_MS, 'conversation:transfer', { conversationId: id, queue: 'support', note: 'crash' }));
    await supportSees;
    expectOk(await emitWithTimeout(sasha, ACK_MS, 'conversation:take', { conversationId: id }));
    const visitorSeesEnd = waitFor(visitor, 'conversation:updated');
    expectOk(await emitWithTimeout(sasha, ACK_MS, 'conversation:resolve', { conversationId: id }));
    await visitorSeesEnd;

    // Then one event on the other site, which its agents do receive: anything of the first site
    // would have come before it.
    const adminSees = waitFor<[QueueEntry]>(rivalAdmin, 'queue:entered');
    const agentSees = waitFor<[QueueEntry]>(rivalAgent, 'queue:entered');
    const other = await connectVisitor(url, { siteKey: rival.siteKey }, { origin: rival.origin });
    const theirs = expectOk(await emitWithTimeout(other, ACK_MS, 'message:send', { clientId: randomUUID(), text: 'Do you ship to Iceland?' }));
    expect((await adminSees)[0].conversationId).toBe(theirs.conversation.id);
    expect((await agentSees)[0].conversationId).toBe(theirs.conversation.id);
    expectOk(await emitWithTimeout(bystander, ACK_MS, 'session:resume', {}));

    const firstSite = [siteKey, id, home.active, home.waiting, home.transferred, started.serviceAgent.view.id, started.supportAgent.view.id];
    for (const [who, events] of Object.entries(heard)) {
      const text = JSON.stringify(events);
      for (const secret of firstSite) expect({ who, leaks: text.includes(secret) }).toEqual({ who, leaks: false });
    }
    expect(heard.bystander).toEqual([]);
    // The other site's waiting visitor hears only of its own place in line (re-sent as that site's
    // consoles connect), never of the first site.
    for (const event of heard.rivalVisitor) expect(event).toMatchObject({ event: 'queue:position', args: [{ conversationId: rivalConversation }] });
    // The rival admin also follows their own team live (team:updated): of their site only, as the
    // leak check above holds.
    expect(heard.rivalAdmin.map((e) => e.event).filter((e) => e !== 'team:updated')).toEqual(['queue:entered']);
    expect(heard.rivalAgent.map((e) => e.event)).toEqual(['queue:entered']);
  });
});

describe('tenancy: a page on another origin cannot ride an agent’s cookie (CSRF)', () => {
  let started: StartedApp;
  let admin: string;
  let ruleId: string;
  let visitorId: string;

  const send = (method: string, url: string, origin: string, body?: unknown) =>
    started.app.inject({
      method: method as 'POST',
      url,
      headers: { cookie: admin, origin, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
    });

  beforeAll(async () => {
    await assertRedisReachable();
    started = await startApp({ env: QUIET_SWEEP_ENV });
    admin = await logIn(started.url, started.adminAgent);
    const rule = await started.app.inject({
      method: 'POST',
      url: `/api/v1/sites/${started.siteKey}/routing/rules`,
      headers: { cookie: admin, 'content-type': 'application/json' },
      payload: JSON.stringify({ phrase: 'gift card', queue: 'service' }),
    });
    ruleId = (rule.json() as { id: string }).id;
    const visitor = await connectVisitor(started.url, { siteKey: started.siteKey });
    visitorId = expectOk(await emitWithTimeout(visitor, ACK_MS, 'session:resume', {})).visitorId;
    expectOk(await emitWithTimeout(visitor, ACK_MS, 'message:send', { clientId: randomUUID(), text: 'Where is my parcel?' }));
    disconnectAll();
  });
  afterAll(async () => {
    disconnectAll();
    if (started) await settleDisconnects(started.app);
    await started?.close();
  });

  const stateChanging = (): [name: string, method: string, path: string, body?: unknown][] => [
    ['PATCH routing settings', 'PATCH', `/api/v1/sites/${started.siteKey}/routing/settings`, { storeVisitorIp: true }],
    ['POST a routing rule', 'POST', `/api/v1/sites/${started.siteKey}/routing/rules`, { phrase: 'forged', queue: 'support' }],
    ['DELETE a routing rule', 'DELETE', `/api/v1/sites/${started.siteKey}/routing/rules/${ruleId}`],
    ['DELETE a visitor', 'DELETE', `/api/v1/sites/${started.siteKey}/visitors/${visitorId}`],
    ['PATCH an agent (disable)', 'PATCH', `/api/v1/sites/${started.siteKey}/agents/${started.serviceAgent.view.id}`, { disabled: true }],
    ['POST an API token', 'POST', `/api/v1/sites/${started.siteKey}/api-tokens`, { name: 'forged wallboard' }],
    ['DELETE /api/v1/sessions (log out everywhere)', 'DELETE', '/api/v1/sessions'],
    ['DELETE /api/v1/sessions/current (log out)', 'DELETE', '/api/v1/sessions/current'],
    ['POST /api/v1/sessions (log in)', 'POST', '/api/v1/sessions', { email: 'nobody@agents.example', password: 'whatever' }],
  ];
  // The same routes reached through an equivalent percent-encoded path: the router decodes it.
  const encoded = (path: string) => path.replace(/^\/api\//, '/%61pi/');

  it.each(['https://evil.example', 'null', SHOP_ORIGIN])('refuses every state-changing route from the origin %s: 403 ORIGIN_NOT_ALLOWED', async (origin) => {
    const before = await snapshotData(started.prefix);
    for (const [name, method, path, body] of stateChanging()) {
      const response = await send(method, path, origin, body);
      expect({ name, status: response.statusCode, code: codeOf(response) }).toEqual({ name, status: 403, code: 'ORIGIN_NOT_ALLOWED' });
    }
    expect(await snapshotData(started.prefix)).toEqual(before);
  });

  it('still accepts the same calls from the console’s own origin, and from clients that send no Origin', async () => {
    for (const origin of [started.url, undefined]) {
      const response = await fetch(`${started.url}/api/v1/sites/${started.siteKey}/routing/settings`, {
        method: 'PATCH',
        headers: { cookie: admin, 'content-type': 'application/json', ...(origin ? { origin } : {}) },
        body: JSON.stringify({ topicQuestion: false }),
      });
      expect({ origin, status: response.status }).toEqual({ origin, status: 200 });
    }
  });

  // Last: if the check is bypassed, these calls log the admin out and change the site.
  it.each(['https://evil.example'])('refuses every state-changing route from %s through a percent-encoded path too', async (origin) => {
    const before = await snapshotData(started.prefix);
    const outcomes = [];
    for (const [name, method, path, body] of stateChanging()) {
      const response = await send(method, encoded(path), origin, body);
      outcomes.push({ name, status: response.statusCode, code: codeOf(response) });
    }
    expect(outcomes).toEqual(stateChanging().map(([name]) => ({ name, status: 403, code: 'ORIGIN_NOT_ALLOWED' })));
    expect(await snapshotData(started.prefix)).toEqual(before);
  });
});
