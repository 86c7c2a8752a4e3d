/** Bad input to the KPIs: a clear error code for each, and nothing changed. */
import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_SITE_SETTINGS } from '../../shared/site-settings';
import { emitWithTimeout } from '../../shared/emit-with-timeout';
import type { VisitorConversationView } from '../../shared/protocol';
import { expectOk, expectRefused } from '../helpers/acks';
import { connectAgent, connectVisitor, disconnectAll, logIn, type VisitorClient } from '../helpers/clients';
import { assertRedisReachable } from '../helpers/redis';
import { startApp, type StartedApp } from '../helpers/start-app';

const DAY = 86_400_000;

describe('KPIs: bad input', () => {
  let started: StartedApp;
  let admin: string;
  let agent: string;

  beforeAll(async () => {
    await assertRedisReachable();
    started = await startApp();
    admin = await logIn(started.url, started.adminAgent);
    agent = await logIn(started.url, started.serviceAgent);
  });
  afterEach(() => disconnectAll());
  afterAll(() => started?.close());

  describe('GET /api/v1/metrics', () => {
    const to = Date.now();
    const from = to - 7 * DAY;
    const get = (query: Record<string, string>, cookie: string | null = admin) =>
      fetch(`${started.url}/api/v1/metrics?${new URLSearchParams(query)}`, { headers: cookie ? { cookie } : {} });
    const expectError = async (response: Response, status: number, code: string) => {
      expect(response.status).toBe(status);
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe(code);
    };
    const base = () => ({ site: started.siteKey, from: String(from), to: String(to) });

    it('answers the agents and admins of the site', async () => {
      expect((await get(base())).status).toBe(200);
      expect((await get(base(), agent)).status).toBe(200);
    });

    it('refuses from after to, and an empty range', async () => {
      await expectError(await get({ ...base(), from: String(to), to: String(from) }), 400, 'METRICS_RANGE_INVALID');
      await expectError(await get({ ...base(), from: String(to), to: String(to) }), 400, 'METRICS_RANGE_INVALID');
      await expectError(await get({ ...base(), from: '2026-02-31T99:99' }), 400, 'METRICS_RANGE_INVALID');
    });

    it('refuses a range over one year', async () => {
      await expectError(await get({ ...base(), from: String(to - 367 * DAY) }), 400, 'METRICS_RANGE_TOO_LONG');
      expect((await get({ ...base(), from: String(to - 365 * DAY) })).status).toBe(200);
    });

    it('refuses an unknown group', async () => {
      await expectError(await get({ ...base(), groupBy: 'week' }), 400, 'METRICS_GROUP_UNKNOWN');
    });

    it('answers a site the caller cannot see as not found', async () => {
      await expectError(await get({ ...base(), site: 'someone_else' }), 404, 'SITE_NOT_FOUND');
    });

    it('needs a session', async () => {
      await expectError(await get(base(), null), 401, 'AUTH_REQUIRED');
    });

    it('refuses what is not a time, an unknown queue, an unknown format or parameter', async () => {
      await expectError(await get({ ...base(), from: 'yesterday' }), 400, 'PAYLOAD_INVALID');
      await expectError(await get({ ...base(), queue: 'sales' }), 400, 'PAYLOAD_INVALID');
      await expectError(await get({ ...base(), format: 'xml' }), 400, 'PAYLOAD_INVALID');
      await expectError(await get({ ...base(), limit: '5' }), 400, 'PAYLOAD_INVALID');
    });
  });

  describe('conversation:rate', () => {
    let visitor: VisitorClient;

    /** A conversation of a new visitor in `queue`, taken by the agent with both skills and (unless told) resolved. */
    async function conversation(queue: 'service' | 'support', resolve = true): Promise<VisitorConversationView> {
      await started.app.store.updateSiteSettings(started.siteKey, { ...DEFAULT_SITE_SETTINGS, topicQuestion: true });
      visitor = await connectVisitor(started.url, { siteKey: started.siteKey });
      expectOk(await emitWithTimeout(visitor, 2000, 'session:resume', {}));
      const sent = expectOk(await emitWithTimeout(visitor, 2000, 'message:send', { clientId: randomUUID(), text: 'Hello there', topic: queue }));
      const bo = await connectAgent(started.url, started.bothAgent);
      expectOk(await emitWithTimeout(bo, 2000, 'conversation:take', { conversationId: sent.conversation.id }));
      if (!resolve) return sent.conversation;
      return expectOk(await emitWithTimeout(bo, 2000, 'conversation:resolve', { conversationId: sent.conversation.id }));
    }
    const rate = (c: VisitorConversationView, answer: Record<string, unknown>, socket = visitor) =>
      emitWithTimeout(socket, 2000, 'conversation:rate', { conversationId: c.id, ...answer } as never);
    const ratedCount = async () => (await started.app.store.listKpiEvents(started.siteKey, 1000)).filter((e) => e.type === 'rated').length;

    it('refuses a rating out of range, and keeps nothing', async () => {
      const c = await conversation('service');
      expectRefused(await rate(c, { csat: 6 }), 'PAYLOAD_INVALID');
      expectRefused(await rate(c, { csat: 0 }), 'PAYLOAD_INVALID');
      expectRefused(await rate(c, { csat: 4.5 }), 'PAYLOAD_INVALID');
      expectRefused(await rate(c, { csat: 4, nps: 11 }), 'PAYLOAD_INVALID');
      expectRefused(await rate(c, { csat: 4, comment: 'x'.repeat(1001) }), 'PAYLOAD_INVALID');
      expect((await started.app.store.getConversation(started.siteKey, c.id))!.rating).toBeUndefined();
    });

    it('refuses a second rating with RATING_ALREADY_GIVEN; the first stands', async () => {
      const c = await conversation('service');
      const before = await ratedCount();
      expect(expectOk(await rate(c, { csat: 4, comment: 'ok' })).rating).toMatchObject({ csat: 4, comment: 'ok' });
      expectRefused(await rate(c, { csat: 1 }), 'RATING_ALREADY_GIVEN');
      expect((await started.app.store.getConversation(started.siteKey, c.id))!.rating).toMatchObject({ csat: 4, comment: 'ok' });
      expect(await ratedCount()).toBe(before + 1);
    });

    it('asks the question that fits the queue: CES for support, CSAT for service', async () => {
      const support = await conversation('support');
      expectRefused(await rate(support, { csat: 5 }), 'PAYLOAD_INVALID');
      expectRefused(await rate(support, {}), 'PAYLOAD_INVALID');
      expect(expectOk(await rate(support, { ces: 3 })).rating).toMatchObject({ ces: 3 });
    });

    it('refuses NPS when the site does not ask it', async () => {
      const c = await conversation('service');
      expectRefused(await rate(c, { csat: 5, nps: 9 }), 'PAYLOAD_INVALID');
      expect((await started.app.store.getConversation(started.siteKey, c.id))!.rating).toBeUndefined();
    });

    it('refuses a conversation not resolved yet, and another visitor’s', async () => {
      const open = await conversation('service', false);
      expectRefused(await rate(open, { csat: 5 }), 'CONVERSATION_NOT_RESOLVED');
      const theirs = await conversation('service');
      const stranger = await connectVisitor(started.url, { siteKey: started.siteKey });
      expectRefused(await rate(theirs, { csat: 5 }, stranger), 'CONVERSATION_NOT_FOUND');
    });
  });
});
