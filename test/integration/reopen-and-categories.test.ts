/**
 * The end of a conversation: the agent files it under a category of the site's, and a visitor who
 * replies soon after reopens it instead of starting again; later, the reply starts a new one.
 */
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_CATEGORIES } from '../../shared/site-settings';
import { emitWithTimeout } from '../../shared/emit-with-timeout';
import type { ConversationView, QueueEntry, VisitorConversationView } from '../../shared/protocol';
import { expectOk, expectRefused } from '../helpers/acks';
import { connectAgent, connectVisitor, disconnectAll, logIn, type AgentClient, type VisitorClient } from '../helpers/clients';
import { assertRedisReachable, TEST_REDIS_URL } from '../helpers/redis';
import { siteApi } from '../helpers/site-api';
import { startApp, type StartedApp } from '../helpers/start-app';
import { collect, eventually, waitFor } from '../helpers/wait-for';

const MINUTE = 60_000;
const ROOT = fileURLToPath(new URL('../../', import.meta.url));

describe('categories and reopening', () => {
  let started: StartedApp;
  let adminCookie: string;
  let clock = Date.now();
  let agent: AgentClient;

  const api = (method: string, path: string, body?: unknown) => siteApi(started, method, path, adminCookie, body);

  /** A visitor whose service conversation Sam took, and the session token of that visitor. */
  async function takenConversation(text = 'I was charged twice for my order') {
    const visitor = await connectVisitor(started.url, { siteKey: started.siteKey });
    const session = expectOk(await emitWithTimeout(visitor, 2000, 'session:resume', {}));
    const { conversation } = expectOk(await emitWithTimeout(visitor, 2000, 'message:send', { clientId: randomUUID(), text }));
    expectOk(await emitWithTimeout(agent, 2000, 'conversation:take', { conversationId: conversation.id }));
    return { visitor, token: session.token, conversation };
  }

  async function resolvedConversation(category?: string) {
    const taken = await takenConversation();
    const resolved = expectOk(
      await emitWithTimeout(agent, 2000, 'conversation:resolve', { conversationId: taken.conversation.id, ...(category ? { category } : {}) }),
    );
    return { ...taken, conversation: resolved };
  }

  /** Moves the clock; the agent stays present, as the console's heartbeat would keep them. */
  const advance = async (ms: number) => {
    clock += ms;
    await started.app.assignment.keepPresent(started.serviceAgent.view, 'online');
  };

  const reply = (visitor: VisitorClient, conversation: Pick<ConversationView, 'id'>, text = 'One more thing') =>
    emitWithTimeout(visitor, 2000, 'message:send', { clientId: randomUUID(), text, reopen: conversation.id });

  beforeAll(async () => {
    await assertRedisReachable();
    started = await startApp({ env: { SWEEP_INTERVAL_SECONDS: '600' }, overrides: { now: () => clock } });
    adminCookie = await logIn(started.url, started.adminAgent);
  });
  // A console of its own per test: each socket has its own event budget (SOCKET_EVENT_RATE).
  beforeEach(async () => {
    agent = await connectAgent(started.url, started.serviceAgent);
  });
  afterEach(async () => {
    agent.disconnect();
    clock = Date.now();
    await started.app.assignment.keepPresent(started.serviceAgent.view, 'online');
    await api('PATCH', '/routing/settings', { reopenWithinMinutes: 60, categories: DEFAULT_CATEGORIES });
  });
  afterAll(async () => {
    disconnectAll();
    await started?.close();
  });

  describe('resolving with a category', () => {
    it('keeps the category on the conversation, and tells the visitor it is resolved, not how it was filed', async () => {
      const { visitor, conversation } = await takenConversation();
      const told = collect<VisitorConversationView>(visitor, 'conversation:updated');
      const resolved = expectOk(await emitWithTimeout(agent, 2000, 'conversation:resolve', { conversationId: conversation.id, category: 'Refund' }));
      expect(resolved).toMatchObject({ status: 'resolved', category: 'Refund' });
      await eventually(() => expect(told.at(-1)).toMatchObject({ id: conversation.id, status: 'resolved' }));
      expect(told.at(-1)).not.toHaveProperty('category');
      expect(await started.app.store.getConversation(started.siteKey, conversation.id)).toMatchObject({ category: 'Refund' });
    });

    it('refuses a category not on the site’s list for the queue, and changes nothing', async () => {
      const { conversation } = await takenConversation();
      for (const category of ['Bug', 'Gardening', 'billing']) {
        expectRefused(await emitWithTimeout(agent, 2000, 'conversation:resolve', { conversationId: conversation.id, category }), 'CATEGORY_UNKNOWN');
      }
      for (const category of ['', 'Billing|x', 'a:b', '-Billing', 'x'.repeat(41), 7]) {
        expectRefused(
          await emitWithTimeout(agent, 2000, 'conversation:resolve', { conversationId: conversation.id, category } as never),
          'PAYLOAD_INVALID',
        );
      }
      // Another agent learns nothing of its categories: the conversation is not theirs, whatever the category.
      const other = await connectAgent(started.url, started.bothAgent);
      expectRefused(await emitWithTimeout(other, 2000, 'conversation:resolve', { conversationId: conversation.id, category: 'Gardening' }), 'CONVERSATION_NOT_ASSIGNED_TO_YOU');
      other.disconnect();
      expect(await started.app.store.getConversation(started.siteKey, conversation.id)).toMatchObject({ status: 'active' });
      expect((await started.app.store.getConversation(started.siteKey, conversation.id))!.category).toBeUndefined();
      expect(await started.app.store.listKpiEvents(started.siteKey, 1000)).not.toContainEqual(expect.objectContaining({ type: 'resolved', conversationId: conversation.id }));
    });

    it('takes the site’s own categories, set by an admin, and refuses bad lists', async () => {
      const set = await api('PATCH', '/routing/settings', { categories: { service: ['Wholesale', 'Facturación'], support: ['API'] } });
      expect(set.status).toBe(200);
      expect(((await set.json()) as { categories: unknown }).categories).toEqual({ service: ['Wholesale', 'Facturación'], support: ['API'] });
      const { conversation } = await takenConversation();
      expectRefused(await emitWithTimeout(agent, 2000, 'conversation:resolve', { conversationId: conversation.id, category: 'Billing' }), 'CATEGORY_UNKNOWN');
      expectOk(await emitWithTimeout(agent, 2000, 'conversation:resolve', { conversationId: conversation.id, category: 'Facturación' }));

      for (const categories of [
        { service: ['A|B'], support: [] },
        { service: ['Same', 'Same'], support: [] },
        { service: Array.from({ length: 31 }, (_, i) => `C${i}`), support: [] },
        { service: [] },
        { service: [], support: [], other: [] },
      ]) {
        const refused = await api('PATCH', '/routing/settings', { categories });
        expect(refused.status).toBe(400);
        expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('PAYLOAD_INVALID');
      }
      for (const reopenWithinMinutes of [-1, 10_081, 1.5, '60']) {
        expect((await api('PATCH', '/routing/settings', { reopenWithinMinutes })).status).toBe(400);
      }
      expect((await started.app.store.getSite(started.siteKey))!.settings.categories).toEqual({ service: ['Wholesale', 'Facturación'], support: ['API'] });
    });
  });

  it('sets categories and the reopen window from the operators’ CLI, one queue’s list at a time, and refuses bad ones', async () => {
    const run = (...args: string[]) =>
      promisify(execFile)(process.execPath, ['--import', 'tsx', 'scripts/admin.ts', 'site:settings', '--site', started.siteKey, ...args], {
        cwd: ROOT,
        env: { ...process.env, REDIS_URL: TEST_REDIS_URL, REDIS_PREFIX: started.prefix },
      });
    const set = JSON.parse((await run('--support-categories', 'API, Webhooks ,SSO', '--reopen-within', '30')).stdout) as { categories: unknown; reopenWithinMinutes: number };
    expect(set).toMatchObject({ categories: { service: DEFAULT_CATEGORIES.service, support: ['API', 'Webhooks', 'SSO'] }, reopenWithinMinutes: 30 });
    await expect(run('--reopen-within', '-5')).rejects.toMatchObject({ code: 2 });
    await expect(run('--reopen-within', '20000')).rejects.toMatchObject({ code: 2 });
    await expect(run('--service-categories', 'Fine,Not|fine')).rejects.toMatchObject({ code: 2 });
    expect((await started.app.store.getSite(started.siteKey))!.settings).toMatchObject({ categories: { support: ['API', 'Webhooks', 'SSO'] }, reopenWithinMinutes: 30 });
  }, 30_000);

  describe('reopening', () => {
    it('reopens a conversation the visitor replies to within the window: same thread, front of the queue, agents told', async () => {
      const ahead = await connectVisitor(started.url, { siteKey: started.siteKey });
      const waiting = expectOk(await emitWithTimeout(ahead, 2000, 'message:send', { clientId: randomUUID(), text: 'Where is my parcel?' })).conversation;
      const { visitor, token, conversation } = await resolvedConversation('Billing');
      const otherTab = await connectVisitor(started.url, { siteKey: started.siteKey, token });
      const otherTabTold = waitFor<[ConversationView]>(otherTab, 'conversation:updated');
      const agentsTold = waitFor<[QueueEntry, number]>(agent, 'queue:entered');
      // Sam resolved it: his console hears that it is no longer his and resolved, but waiting again.
      const resolverTold = waitFor<[ConversationView]>(agent, 'conversation:updated');

      await advance(20 * MINUTE);
      const sent = expectOk(await reply(visitor, conversation));
      expect(sent.conversation).toMatchObject({ id: conversation.id, status: 'waiting', reopenedAt: clock, queuedAt: clock });
      // The category is the team's filing, kept on the record; the visitor's view never carries it.
      expect(sent.conversation).not.toHaveProperty('category');
      const stored = await started.app.store.getConversation(started.siteKey, conversation.id);
      expect(stored).toMatchObject({ category: 'Billing' });
      expect(stored!.assignedAgentId).toBeUndefined();
      expect(sent.message).toMatchObject({ conversationId: conversation.id, text: 'One more thing', author: 'visitor' });
      expect((await otherTabTold)[0]).toMatchObject({ id: conversation.id, status: 'waiting' });
      expect((await agentsTold)[0]).toMatchObject({ conversationId: conversation.id });
      expect((await resolverTold)[0]).toMatchObject({ id: conversation.id, status: 'waiting', reopenedAt: clock });
      // Ahead of the conversation that was already waiting: it was answered once.
      expect((await started.app.store.listQueueIds(started.siteKey, 'service')).slice(0, 2)).toEqual([conversation.id, waiting.id]);
      // The wallboard's longest wait is still that of the one behind it, waiting since before.
      const [serviceNow] = await started.app.kpis.queuesNow(started.siteKey, clock);
      expect(serviceNow).toMatchObject({ queue: 'service', longestWaitMs: clock - waiting.queuedAt });

      // The agent who takes it sees the whole thread; the visitor's next messages go to it.
      const taken = expectOk(await emitWithTimeout(agent, 2000, 'conversation:take', { conversationId: conversation.id }));
      expect(taken.messages.map((m) => m.text)).toEqual(['I was charged twice for my order', 'One more thing']);
      const again = expectOk(await emitWithTimeout(visitor, 2000, 'message:send', { clientId: randomUUID(), text: 'Thanks' }));
      expect(again.conversation.id).toBe(conversation.id);
      const resumed = expectOk(await emitWithTimeout(otherTab, 2000, 'session:resume', {}));
      expect(resumed.conversation?.id).toBe(conversation.id);
      expect(resumed.site.reopenWithinMinutes).toBe(60);

      const events = await started.app.store.listKpiEvents(started.siteKey, 1000);
      expect(events.filter((e) => e.type === 'reopened' && e.conversationId === conversation.id)).toEqual([
        expect.objectContaining({ queue: 'service', agentId: started.serviceAgent.view.id, afterMs: 20 * MINUTE, category: 'Billing' }),
      ]);
      expectOk(await emitWithTimeout(agent, 2000, 'conversation:resolve', { conversationId: conversation.id }));
      expectOk(await emitWithTimeout(ahead, 2000, 'message:send', { clientId: randomUUID(), text: 'Hello?' }));
      expectOk(await emitWithTimeout(agent, 2000, 'conversation:take', { conversationId: waiting.id }));
      expectOk(await emitWithTimeout(agent, 2000, 'conversation:resolve', { conversationId: waiting.id }));
    });

    it('starts a new conversation for a reply after the window, to a conversation not resolved, or when the site never reopens', async () => {
      const late = await resolvedConversation();
      await advance(61 * MINUTE);
      const afterWindow = expectOk(await reply(late.visitor, late.conversation));
      expect(afterWindow.conversation.id).not.toBe(late.conversation.id);
      expect(afterWindow.conversation.status).toBe('waiting');
      expect(await started.app.store.getConversation(started.siteKey, late.conversation.id)).toMatchObject({ status: 'resolved' });
      expectOk(await emitWithTimeout(agent, 2000, 'conversation:take', { conversationId: afterWindow.conversation.id }));
      expectOk(await emitWithTimeout(agent, 2000, 'conversation:resolve', { conversationId: afterWindow.conversation.id }));

      await api('PATCH', '/routing/settings', { reopenWithinMinutes: 0 });
      const never = await resolvedConversation();
      const fresh = expectOk(await reply(never.visitor, never.conversation));
      expect(fresh.conversation.id).not.toBe(never.conversation.id);
      expectOk(await emitWithTimeout(agent, 2000, 'conversation:take', { conversationId: fresh.conversation.id }));
      expectOk(await emitWithTimeout(agent, 2000, 'conversation:resolve', { conversationId: fresh.conversation.id }));
    });

    it('keeps a reopened conversation in its queue, however clear the reply: it was placed and handled already', async () => {
      // "hi" has no signal: the router places it in service by default, flagged to move on a clearer message.
      const { visitor, conversation } = await takenConversation('hi');
      expect((await started.app.store.getConversation(started.siteKey, conversation.id))!.routing).toMatchObject({ by: 'default', uncertain: true });
      expectOk(await emitWithTimeout(agent, 2000, 'conversation:resolve', { conversationId: conversation.id }));
      const sent = expectOk(await reply(visitor, conversation, 'the app crashes with error 500 every time i log in'));
      expect(sent.conversation).toMatchObject({ id: conversation.id, queue: 'service', status: 'waiting' });
      expectOk(await emitWithTimeout(agent, 2000, 'conversation:take', { conversationId: conversation.id }));
      expectOk(await emitWithTimeout(agent, 2000, 'conversation:resolve', { conversationId: conversation.id }));
    });

    it('joins the open conversation when the visitor has one: `reopen` is ignored', async () => {
      const { visitor, conversation } = await resolvedConversation();
      const open = expectOk(await emitWithTimeout(visitor, 2000, 'message:send', { clientId: randomUUID(), text: 'A new question' })).conversation;
      const sent = expectOk(await reply(visitor, conversation));
      expect(sent.conversation.id).toBe(open.id);
      expect(await started.app.store.getConversation(started.siteKey, conversation.id)).toMatchObject({ status: 'resolved' });
      expectOk(await emitWithTimeout(agent, 2000, 'conversation:take', { conversationId: open.id }));
      expectOk(await emitWithTimeout(agent, 2000, 'conversation:resolve', { conversationId: open.id }));
    });

    it('refuses to reopen another visitor’s conversation or an unknown one, and changes nothing', async () => {
      const { conversation } = await resolvedConversation();
      const stranger = await connectVisitor(started.url, { siteKey: started.siteKey });
      const before = await started.app.store.getConversation(started.siteKey, conversation.id);
      expectRefused(await reply(stranger, conversation), 'CONVERSATION_NOT_FOUND');
      expectRefused(await reply(stranger, { ...conversation, id: 'c_nobody' }), 'CONVERSATION_NOT_FOUND');
      for (const reopen of ['', 'c/../x', 'x'.repeat(65), 42]) {
        expectRefused(await emitWithTimeout(stranger, 2000, 'message:send', { clientId: randomUUID(), text: 'Hi', reopen } as never), 'PAYLOAD_INVALID');
      }
      expect(await started.app.store.getConversation(started.siteKey, conversation.id)).toEqual(before);
      const session = expectOk(await emitWithTimeout(stranger, 2000, 'session:resume', {}));
      expect(session.conversation).toBeNull();
    });
  });
});
