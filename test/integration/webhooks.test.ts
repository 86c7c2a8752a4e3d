import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { randomId } from '../../server/domain/random-id';
import { createWebhookDelivery } from '../../server/domain/webhook-delivery';
import { verifyWebhook } from '../../server/domain/webhook-signature';
import { createMemoryStore } from '../../server/store/memory/memory-store';
import type { CreatedConversation } from '../../server/store/store';
import { DEFAULT_SITE_SETTINGS } from '../../shared/site-settings';
import { createDomainEvents } from '../../server/domain/events';
import { logIn } from '../helpers/clients';
import { createInProcessJobs, type InProcessJobs } from '../helpers/in-process-jobs';
import { assertRedisReachable, TEST_REDIS_URL } from '../helpers/redis';
import { addSecondSite } from '../helpers/second-site';
import { siteApi } from '../helpers/site-api';
import { startApp, type StartedApp } from '../helpers/start-app';
import { eventually } from '../helpers/wait-for';
import { startWebhookReceiver, type WebhookReceiver } from '../helpers/webhook-receiver';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
// Retries after 20 ms, 40 ms, 80 ms …: a test sees several attempts without waiting seconds.
const FAST_RETRIES = { WEBHOOK_RETRY_BASE_MS: '20' };

/** A conversation made by the store, as a visitor's first message makes it. */
async function newConversation(app: FastifyInstance, siteKey: string, text = 'I was charged twice'): Promise<CreatedConversation> {
  return app.store.createConversation({
    id: randomId('c'),
    siteKey,
    visitorId: randomId('v'),
    routing: { queue: 'service', by: 'model', confidence: 0.92, reason: 'charged', uncertain: false },
    preview: text,
    now: Date.now(),
    firstMessage: { clientId: randomUUID(), text },
  });
}

/** The events of a conversation's life, emitted on `app` one after the other: their ids, in order. */
async function liveThrough(app: FastifyInstance, siteKey: string, created: CreatedConversation, extraMessages = 2): Promise<string[]> {
  const ids: string[] = [];
  const { conversation, message } = created;
  ids.push((await app.events.emit('conversation.created', siteKey, { conversation, message, queueCount: 1, assignment: 'manual' })).id);
  ids.push((await app.events.emit('message.created', siteKey, { conversation, message })).id);
  for (let i = 0; i < extraMessages; i++) {
    const appended = await app.store.appendMessage({ siteKey, conversationId: conversation.id, clientId: randomUUID(), author: 'visitor', text: `more ${i}`, now: Date.now() });
    ids.push((await app.events.emit('message.created', siteKey, { conversation, message: appended.message })).id);
  }
  return ids;
}

describe('webhooks: signed, retried under one id, in order per conversation, once per cluster', () => {
  let started: StartedApp;
  let jobs: InProcessJobs;
  let adminCookie: string;
  const receivers: WebhookReceiver[] = [];

  const api = (method: string, path: string, body?: unknown, cookie = adminCookie) => siteApi(started, method, path, cookie, body);
  const receiver = async () => {
    const r = await startWebhookReceiver();
    receivers.push(r);
    return r;
  };
  /** Registers `url` on the test site through REST; the created endpoint, with its secret. */
  const register = async (url: string, events?: string[]) => {
    const response = await api('POST', '/webhooks', { url, ...(events ? { events } : {}) });
    expect(response.status).toBe(201);
    return (await response.json()) as { id: string; secret: string; url: string; events: string[] | null };
  };

  beforeAll(async () => {
    await assertRedisReachable();
    jobs = createInProcessJobs();
    started = await startApp({ env: FAST_RETRIES, overrides: { jobs } });
    adminCookie = await logIn(started.url, started.adminAgent);
  });
  afterEach(async () => {
    // Each test starts with no endpoint, so no delivery of one test reaches another's receiver.
    for (const endpoint of await started.app.store.listWebhooks(started.siteKey)) await started.app.webhooks.remove(started.siteKey, endpoint.id, 'test');
    await Promise.all(receivers.splice(0).map((r) => r.close()));
  });
  afterAll(async () => {
    await jobs?.close();
    await started?.close();
  });

  it('POSTs each event as JSON with a signature that verifies with the secret, and with nothing else', async () => {
    const hooks = await receiver();
    const endpoint = await register(hooks.url);
    expect(endpoint).toMatchObject({ id: expect.stringMatching(/^wh_/), secret: expect.stringMatching(/^whsec_/), events: null });
    const created = await newConversation(started.app, started.siteKey);
    const event = await started.app.events.emit('conversation.created', started.siteKey, {
      conversation: created.conversation,
      message: created.message,
      queueCount: 3,
      assignment: 'manual',
      previousCreatedAt: 1,
    });
    await eventually(() => expect(hooks.received).toHaveLength(1));
    const [delivery] = hooks.received;
    expect(delivery!.headers['content-type']).toBe('application/json');
    expect(delivery!.headers['user-agent']).toMatch(/^Switchboard-Webhooks\/\d+\.\d+\.\d+$/);
    expect(delivery!.headers['switchboard-event-id']).toBe(event.id);
    expect(delivery!.payload).toEqual({
      id: event.id,
      type: 'conversation.created',
      siteKey: started.siteKey,
      createdAt: new Date(event.at).toISOString(),
      // The first message rides with the conversation: it has no message.created of its own.
      data: { conversation: created.conversation, message: created.message },
    });
    const signature = delivery!.headers['switchboard-signature'] as string;
    expect(signature).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    expect(verifyWebhook(signature, endpoint.secret, delivery!.body)).toBe(true);
    expect(verifyWebhook(signature, `${endpoint.secret}x`, delivery!.body)).toBe(false);
    expect(verifyWebhook(signature, endpoint.secret, delivery!.body.replace(created.conversation.id, 'c_forged'))).toBe(false);
  });

  it('retries an event its endpoint refused, under the same id, until the endpoint accepts it; the deliveries say so', async () => {
    const hooks = await receiver();
    hooks.answer = (_request, index) => (index === 0 ? 500 : 200);
    const endpoint = await register(hooks.url);
    const created = await newConversation(started.app, started.siteKey);
    // Events as the domain tells them: the KPIs, which subscribe too, read the record's times.
    const abandoned = await started.app.store.abandonConversation(started.siteKey, created.conversation.id, Date.now());
    const event = await started.app.events.emit('conversation.abandoned', started.siteKey, { conversation: abandoned });
    await eventually(() => expect(hooks.accepted()).toHaveLength(1));
    expect(hooks.received.map((r) => [r.payload.id, r.status])).toEqual([
      [event.id, 500],
      [event.id, 200],
    ]);
    // Each attempt is signed afresh, over the same body.
    expect(hooks.received[0]!.body).toBe(hooks.received[1]!.body);
    for (const r of hooks.received) expect(verifyWebhook(r.headers['switchboard-signature'] as string, endpoint.secret, r.body)).toBe(true);

    // The delivery is recorded after the endpoint has answered, so the record can trail the request.
    await eventually(async () => {
      const response = await api('GET', `/webhooks/${endpoint.id}/deliveries`);
      expect(response.status).toBe(200);
      expect(((await response.json()) as { deliveries: unknown[] }).deliveries).toEqual([
        { eventId: event.id, type: 'conversation.abandoned', attempt: 2, at: expect.any(Number), ok: true, status: 200 },
        { eventId: event.id, type: 'conversation.abandoned', attempt: 1, at: expect.any(Number), ok: false, status: 500 },
      ]);
    });
  });

  it('delivers a conversation’s events in the order they happened while its first is retried, without holding up other conversations', async () => {
    const hooks = await receiver();
    const first = await newConversation(started.app, started.siteKey, 'my order never came');
    const other = await newConversation(started.app, started.siteKey, 'how do I get an invoice');
    // The first conversation's events are refused until the other conversation's event is in:
    // had the other waited behind them, nothing would ever be accepted.
    const otherAccepted = () => hooks.accepted().some((r) => (r.payload.data.conversation as { id: string }).id === other.conversation.id);
    hooks.answer = (request) => ((request.payload.data.conversation as { id: string }).id === first.conversation.id && !otherAccepted() ? 503 : 200);
    await register(hooks.url);

    const ids = await liveThrough(started.app, started.siteKey, first, 3);
    const otherAbandoned = await started.app.store.abandonConversation(started.siteKey, other.conversation.id, Date.now());
    const otherEvent = await started.app.events.emit('conversation.abandoned', started.siteKey, { conversation: otherAbandoned });
    await eventually(() => expect(hooks.accepted()).toHaveLength(ids.length + 1));
    const acceptedIds = hooks.accepted().map((r) => r.payload.id);
    expect(acceptedIds.filter((id) => id !== otherEvent.id)).toEqual(ids);
    expect(acceptedIds[0]).toBe(otherEvent.id);
    // Only the head was ever tried while it was refused: nothing behind it jumped the line.
    const refused = hooks.received.filter((r) => r.status >= 300).map((r) => r.payload.id);
    expect(new Set(refused)).toEqual(new Set([ids[0]]));
  });

  it('sends an endpoint only the event types it asked for, and never the events that stay inside the server', async () => {
    const all = await receiver();
    const some = await receiver();
    await register(all.url);
    const picky = await register(some.url, ['conversation.resolved', 'conversation.assigned']);
    expect(picky.events).toEqual(['conversation.resolved', 'conversation.assigned']);
    const created = await newConversation(started.app, started.siteKey);
    const ids = await liveThrough(started.app, started.siteKey, created, 0);
    await started.app.events.emit('agent.presence_changed', started.siteKey, { agent: started.serviceAgent.view, status: 'online' });
    const resolved = await started.app.events.emit('conversation.resolved', started.siteKey, {
      conversation: {
        ...created.conversation,
        status: 'resolved',
        assignedAgentId: started.serviceAgent.view.id,
        assignedAt: created.conversation.createdAt,
        resolvedAt: created.conversation.createdAt + 1_000,
      },
      byAgentId: started.serviceAgent.view.id,
    });
    await eventually(() => expect(all.accepted().map((r) => r.payload.id)).toEqual([...ids, resolved.id]));
    await eventually(() => expect(some.accepted().map((r) => r.payload.id)).toEqual([resolved.id]));
    expect(all.received.map((r) => r.payload.type)).not.toContain('agent.presence_changed');
  });

  it('with two servers on one Redis, delivers each event once and in order, whichever server it happened on', async () => {
    const hooks = await receiver();
    hooks.answer = (request) => (hooks.received.some((r) => r.payload.id === request.payload.id) ? 200 : 500);
    await register(hooks.url);
    const secondJobs = createInProcessJobs();
    const second = await startApp({ prefix: started.prefix, env: FAST_RETRIES, overrides: { jobs: secondJobs } });
    try {
      const created = await newConversation(started.app, started.siteKey);
      const { conversation, message } = created;
      const ids: string[] = [];
      for (let i = 0; i < 6; i++) {
        const app = i % 2 === 0 ? started.app : second.app;
        ids.push((await app.events.emit('message.created', started.siteKey, { conversation, message: { ...message, id: `${i + 1}-0` } })).id);
      }
      await eventually(() => expect(hooks.accepted()).toHaveLength(ids.length));
      expect(hooks.accepted().map((r) => r.payload.id)).toEqual(ids);
      const attempts = new Map<string, number>();
      for (const r of hooks.received) attempts.set(r.payload.id, (attempts.get(r.payload.id) ?? 0) + 1);
      // Each event: refused once, then accepted once; never sent by both servers.
      expect([...attempts.values()]).toEqual(ids.map(() => 2));
    } finally {
      await secondJobs.close();
      await second.close();
    }
  });

  it('drops the events still waiting for an endpoint when the visitor’s data is deleted', async () => {
    const hooks = await receiver();
    hooks.answer = () => 503;
    const endpoint = await register(hooks.url);
    const created = await newConversation(started.app, started.siteKey, 'my secret order MARKER-7731');
    await liveThrough(started.app, started.siteKey, created, 1);
    const outbox = { siteKey: started.siteKey, endpointId: endpoint.id, conversationId: created.conversation.id };
    await eventually(() => expect(hooks.received.length).toBeGreaterThan(0));
    expect(await started.app.store.peekWebhookOutbox(outbox)).toContain('MARKER-7731');
    await started.app.privacy.deleteVisitor(started.siteKey, created.conversation.visitorId, 'operator');
    expect(await started.app.store.peekWebhookOutbox(outbox)).toBeNull();
  });

  it('refuses bad endpoints, other sites’ endpoints and non-admins with catalogued errors, changing nothing', async () => {
    const kept = await register('https://hooks.example/kept');
    const before = await started.app.store.listAudit(started.siteKey, 1_000);
    const bad: [unknown, string][] = [
      [{ url: 'ftp://hooks.example/in' }, 'PAYLOAD_INVALID'],
      [{ url: 'not a url at all' }, 'PAYLOAD_INVALID'],
      [{ url: 'https://user:pass@hooks.example/in' }, 'PAYLOAD_INVALID'],
      [{ url: 'https://hooks.example/in', events: ['conversation.exploded'] }, 'PAYLOAD_INVALID'],
      [{ url: 'https://hooks.example/in', events: [] }, 'PAYLOAD_INVALID'],
      [{ url: 'https://hooks.example/in', events: ['agent.presence_changed'] }, 'PAYLOAD_INVALID'],
      [{ url: 'https://hooks.example/in', secret: 'mine' }, 'PAYLOAD_INVALID'],
      [{}, 'PAYLOAD_INVALID'],
    ];
    for (const [body, code] of bad) {
      const response = await api('POST', '/webhooks', body);
      expect({ body, status: response.status, code: ((await response.json()) as { error: { code: string } }).error.code }).toEqual({ body, status: 400, code });
    }

    const rival = await addSecondSite(started);
    const rivalCookie = await logIn(started.url, rival.admin);
    const rivalHook = await fetch(`${started.url}/api/v1/sites/${rival.siteKey}/webhooks`, {
      method: 'POST',
      headers: { cookie: rivalCookie, 'content-type': 'application/json' },
      body: JSON.stringify({ url: 'https://rival.example/hooks' }),
    });
    const rivalEndpoint = (await rivalHook.json()) as { id: string };
    const refusals: [Response, number, string][] = [
      [await api('DELETE', `/webhooks/${rivalEndpoint.id}`), 404, 'WEBHOOK_NOT_FOUND'],
      [await api('GET', `/webhooks/${rivalEndpoint.id}/deliveries`), 404, 'WEBHOOK_NOT_FOUND'],
      [await api('DELETE', '/webhooks/wh_unknown'), 404, 'WEBHOOK_NOT_FOUND'],
      [await fetch(`${started.url}/api/v1/sites/${rival.siteKey}/webhooks`, { headers: { cookie: adminCookie } }), 404, 'SITE_NOT_FOUND'],
      [await api('POST', '/webhooks', { url: 'https://hooks.example/agent' }, await logIn(started.url, started.serviceAgent)), 403, 'FORBIDDEN'],
      [await api('GET', '/webhooks', undefined, await logIn(started.url, started.serviceAgent)), 403, 'FORBIDDEN'],
      [await api('GET', '/webhooks', undefined, ''), 401, 'AUTH_REQUIRED'],
      [await api('DELETE', '/webhooks/has:colon'), 400, 'PAYLOAD_INVALID'],
    ];
    for (const [response, status, code] of refusals) {
      expect({ status: response.status, code: ((await response.json()) as { error: { code: string } }).error.code }).toEqual({ status, code });
    }

    expect(await started.app.store.getWebhook(rival.siteKey, rivalEndpoint.id)).not.toBeNull();
    const listed = (await (await api('GET', '/webhooks')).json()) as { webhooks: Record<string, unknown>[] };
    expect(listed.webhooks).toEqual([{ id: kept.id, url: 'https://hooks.example/kept', events: null, createdAt: expect.any(Number) }]);
    expect(await started.app.store.listAudit(started.siteKey, 1_000)).toEqual(before);
  });

  it('allows 20 endpoints a site, then answers WEBHOOK_LIMIT; removing one is audited and makes room', async () => {
    const made: string[] = [];
    for (let i = 0; i < 20; i++) made.push((await register(`https://hooks.example/${i}`)).id);
    const refused = await api('POST', '/webhooks', { url: 'https://hooks.example/21' });
    expect(refused.status).toBe(409);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('WEBHOOK_LIMIT');
    expect(await started.app.store.listWebhooks(started.siteKey)).toHaveLength(20);
    expect((await api('DELETE', `/webhooks/${made[0]}`)).status).toBe(204);
    const [entry] = await started.app.store.listAudit(started.siteKey, 1);
    expect(entry).toMatchObject({ action: 'webhook.remove', target: made[0], actor: `agent:${started.adminAgent.view.id} ${started.adminAgent.email}` });
    await register('https://hooks.example/21');
  });

  it('is managed from the operators’ CLI too: the secret is printed once, listings never show it, bad input exits non-zero', async () => {
    const run = (...args: string[]) =>
      promisify(execFile)(process.execPath, ['--import', 'tsx', 'scripts/admin.ts', ...args], {
        cwd: ROOT,
        env: { ...process.env, REDIS_URL: TEST_REDIS_URL, REDIS_PREFIX: started.prefix },
      });
    const added = JSON.parse((await run('webhook:add', '--site', started.siteKey, '--url', 'https://hooks.example/cli', '--events', 'message.created,conversation.resolved')).stdout) as Record<string, unknown>;
    expect(added).toEqual({ id: expect.stringMatching(/^wh_/), secret: expect.stringMatching(/^whsec_/), url: 'https://hooks.example/cli', events: ['message.created', 'conversation.resolved'], createdAt: expect.any(Number) });
    const listed = JSON.parse((await run('webhook:list', '--site', started.siteKey)).stdout) as Record<string, unknown>[];
    expect(listed).toEqual([{ id: added.id, url: 'https://hooks.example/cli', events: ['message.created', 'conversation.resolved'], createdAt: added.createdAt }]);

    await expect(run('webhook:add', '--site', started.siteKey, '--url', 'gopher://hooks.example')).rejects.toMatchObject({ code: 1, stderr: expect.stringContaining('PAYLOAD_INVALID') });
    await expect(run('webhook:add', '--site', started.siteKey, '--url', 'https://hooks.example/x', '--events', 'message.sent')).rejects.toMatchObject({ code: 1, stderr: expect.stringContaining('message.sent') });
    await expect(run('webhook:add', '--site', started.siteKey)).rejects.toMatchObject({ code: 2, stderr: expect.stringContaining('--url is required') });
    await expect(run('webhook:remove', '--site', started.siteKey, '--id', 'wh_unknown')).rejects.toMatchObject({ code: 1, stderr: expect.stringContaining('WEBHOOK_NOT_FOUND') });
    expect(await started.app.store.listWebhooks(started.siteKey)).toHaveLength(1);

    expect(JSON.parse((await run('webhook:remove', '--site', started.siteKey, '--id', String(added.id))).stdout)).toEqual({ removed: added.id });
    expect(await started.app.store.listWebhooks(started.siteKey)).toEqual([]);
    const audit = await started.app.store.listAudit(started.siteKey, 2);
    expect(audit.map((e) => [e.action, e.actor])).toEqual([
      ['webhook.remove', 'operator'],
      ['webhook.add', 'operator'],
    ]);
    // Seven CLI processes, each starting tsx: more than the default 20 s on a busy machine.
  }, 90_000);
});

describe('webhooks in the embedded mode (in-memory store, in-process jobs)', () => {
  it('delivers as with Redis', async () => {
    const jobs = createInProcessJobs();
    const started = await startApp({ env: FAST_RETRIES, overrides: { store: createMemoryStore(), jobs } });
    const hooks = await startWebhookReceiver();
    hooks.answer = (_request, index) => (index === 0 ? 500 : 200);
    try {
      expect('redis' in started.app.store).toBe(false);
      const endpoint = await started.app.webhooks.add(started.siteKey, { url: hooks.url }, 'operator');
      const created = await newConversation(started.app, started.siteKey);
      const ids = await liveThrough(started.app, started.siteKey, created);
      await eventually(() => expect(hooks.accepted().map((r) => r.payload.id)).toEqual(ids));
      for (const r of hooks.received) expect(verifyWebhook(r.headers['switchboard-signature'] as string, endpoint.secret, r.body)).toBe(true);
    } finally {
      await jobs.close();
      await started.close();
      await hooks.close();
    }
  });
});

describe('a site’s endpoints, as the delivery reads them', () => {
  it('are read once for a burst of events, and afresh once they changed through this process', async () => {
    const store = createMemoryStore();
    const jobs = createInProcessJobs();
    const hooks = await startWebhookReceiver();
    try {
      await store.createSite({ key: 'site_c', name: 'C', origins: [], settings: DEFAULT_SITE_SETTINGS, identitySecret: 's', createdAt: 0 });
      let reads = 0;
      const listWebhooks = store.listWebhooks.bind(store);
      store.listWebhooks = (siteKey) => {
        reads += 1;
        return listWebhooks(siteKey);
      };
      // A cache longer than any test: only forgetEndpoints makes the delivery read again.
      const delivery = createWebhookDelivery({ store, jobs, retryBaseMs: 10, endpointsCacheMs: 60_000 });
      const events = createDomainEvents();
      events.onAny((event) => delivery.enqueue(event));
      const before = await newConversation({ store } as unknown as FastifyInstance, 'site_c');
      for (let i = 0; i < 5; i += 1) await events.emit('conversation.created', 'site_c', { ...before, assignment: 'manual' });
      expect(reads).toBe(1);

      await store.addWebhook('site_c', { id: 'wh_c', url: hooks.url, events: null, secret: 'whsec_c', createdAt: 0 }, 20);
      delivery.forgetEndpoints('site_c');
      const after = await newConversation({ store } as unknown as FastifyInstance, 'site_c');
      const event = await events.emit('conversation.created', 'site_c', { ...after, assignment: 'manual' });
      expect(reads).toBe(2);
      await eventually(() => expect(hooks.accepted().map((r) => r.payload.id)).toEqual([event.id]));
    } finally {
      await jobs.close();
      await hooks.close();
    }
  });
});

describe('webhook outboxes left without a job', () => {
  it('are found by the sweep and delivered, in order', async () => {
    const store = createMemoryStore();
    const jobs = createInProcessJobs();
    const hooks = await startWebhookReceiver();
    try {
      await store.createSite({ key: 'site_s', name: 'S', origins: [], settings: DEFAULT_SITE_SETTINGS, identitySecret: 's', createdAt: 0 });
      await store.addWebhook('site_s', { id: 'wh_s', url: hooks.url, events: null, secret: 'whsec_s', createdAt: 0 }, 20);
      const delivery = createWebhookDelivery({ store, jobs, retryBaseMs: 10 });
      // As a server that crashed after keeping the events and before adding their job leaves them.
      const outbox = { siteKey: 'site_s', endpointId: 'wh_s', conversationId: 'c_1' };
      for (const id of ['ev_a', 'ev_b']) await store.pushWebhookOutbox(outbox, JSON.stringify({ id, type: 'conversation.rated', siteKey: 'site_s', createdAt: '', data: {} }));
      expect(await delivery.sweepOutboxes()).toBe(1);
      await eventually(() => expect(hooks.accepted().map((r) => r.payload.id)).toEqual(['ev_a', 'ev_b']));
      expect(await store.peekWebhookOutbox(outbox)).toBeNull();
      expect(await delivery.sweepOutboxes()).toBe(0);
    } finally {
      await jobs.close();
      await hooks.close();
    }
  });
});

describe('webhook delivery timeouts', () => {
  it('counts an endpoint that does not answer in time as failed, and tries the same event again', async () => {
    const store = createMemoryStore();
    const jobs = createInProcessJobs();
    // Leaves the first request without an answer, and accepts the others.
    const bodies: string[] = [];
    let requests = 0;
    const slow = createServer((request, response) => {
      if (requests++ === 0) return;
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => {
        bodies.push(body);
        response.writeHead(200).end();
      });
    });
    await new Promise<void>((resolve) => slow.listen(0, '127.0.0.1', resolve));
    try {
      await store.createSite({ key: 'site_t', name: 'T', origins: [], settings: DEFAULT_SITE_SETTINGS, identitySecret: 's', createdAt: 0 });
      const url = `http://127.0.0.1:${(slow.address() as AddressInfo).port}/`;
      await store.addWebhook('site_t', { id: 'wh_slow', url, events: null, secret: 'whsec_s', createdAt: 0 }, 20);
      const delivery = createWebhookDelivery({ store, jobs, retryBaseMs: 10, timeoutMs: 200 });
      const events = createDomainEvents();
      events.onAny((event) => delivery.enqueue(event));
      const created = await newConversation({ store } as unknown as FastifyInstance, 'site_t');
      const event = await events.emit('conversation.created', 'site_t', { ...created, assignment: 'manual' });
      await eventually(() => expect(bodies.map((b) => (JSON.parse(b) as { id: string }).id)).toEqual([event.id]));
      // The delivery is recorded after the endpoint has answered, so the record can trail the body.
      await eventually(async () => expect(await store.listWebhookDeliveries('site_t', 'wh_slow', 10)).toEqual([
        { eventId: event.id, type: 'conversation.created', attempt: 2, at: expect.any(Number), ok: true, status: 200 },
        { eventId: event.id, type: 'conversation.created', attempt: 1, at: expect.any(Number), ok: false, error: 'no answer within 200 ms' },
      ]));
    } finally {
      await jobs.close();
      slow.closeAllConnections();
      slow.close();
    }
  });
});

describe('webhooks on two server processes sharing BullMQ in Redis', () => {
  it('delivers each event once and in order, retried by whichever server is free, with the same id', async () => {
    await assertRedisReachable();
    // Both apps run their own BullMQ workers on one prefix, as two processes behind a load balancer.
    const first = await startApp({ env: FAST_RETRIES });
    const second = await startApp({ prefix: first.prefix, env: FAST_RETRIES });
    const hooks = await startWebhookReceiver();
    try {
      hooks.answer = (request) => (hooks.received.some((r) => r.payload.id === request.payload.id) ? 200 : 500);
      await first.app.webhooks.add(first.siteKey, { url: hooks.url }, 'test');
      const created = await newConversation(first.app, first.siteKey);
      const { conversation, message } = created;
      const ids: string[] = [];
      for (let i = 0; i < 6; i++) {
        const app = i % 2 === 0 ? first.app : second.app;
        ids.push((await app.events.emit('message.created', first.siteKey, { conversation, message: { ...message, id: `${i + 1}-0` } })).id);
      }
      await eventually(() => expect(hooks.accepted()).toHaveLength(ids.length), 15_000);
      expect(hooks.accepted().map((r) => r.payload.id)).toEqual(ids);
      const attempts = new Map<string, number>();
      for (const r of hooks.received) attempts.set(r.payload.id, (attempts.get(r.payload.id) ?? 0) + 1);
      // Each event: refused once, then accepted once; never sent by both servers.
      expect([...attempts.values()]).toEqual(ids.map(() => 2));
    } finally {
      await hooks.close();
      await second.close();
      await first.close();
    }
  });
});
