/**
 * The behaviour every Store must have. Run once per implementation, as Socket.IO's adapter suite is.
 */
import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RoutingDecision } from '../../shared/protocol';
import { kpiBucketIndex, RECENT_TIMES_KEPT, type Agent, type KpiEvent, type NewConversation, type Store } from '../../server/store/store';
import { DEFAULT_SITE_SETTINGS } from '../../shared/site-settings';
import { describeAdminContract } from './admin.contract';
import { describeWebhookContract } from './webhooks.contract';
import { describeRouterLearningContract } from './router-learning.contract';

export interface StoreUnderTest {
  store: Store;
  cleanup(): Promise<void>;
}

const routing = (queue: 'service' | 'support'): RoutingDecision => ({
  queue,
  by: 'model',
  confidence: 0.9,
  reason: 'test',
  uncertain: false,
});

export function describeStoreContract(name: string, createStore: () => Promise<StoreUnderTest>): void {
  describe(`Store contract: ${name}`, () => {
    let subject: StoreUnderTest;
    let store: Store;
    const siteKey = 'site_contract';
    let now = 1_700_000_000_000;

    beforeEach(async () => {
      subject = await createStore();
      store = subject.store;
      // Agents a1 and a2 (both skills) are online for the whole test unless a test says otherwise.
      for (const id of ['a1', 'a2']) await present(id);
      await store.createSite({ key: siteKey, name: 'Shop', origins: ['https://shop.example'], settings: DEFAULT_SITE_SETTINGS, identitySecret: 'secret', createdAt: now });
    });

    afterEach(async () => {
      await subject.cleanup();
    });

    const present = (id: string, overrides: { skills?: ('service' | 'support')[]; capacity?: number; status?: 'online' | 'away' | 'offline'; deadline?: number } = {}) =>
      store.setPresence({
        siteKey,
        agent: { id, name: id, skills: overrides.skills ?? ['service', 'support'], capacity: overrides.capacity ?? 3, disabled: false },
        status: overrides.status ?? 'online',
        deadline: overrides.deadline ?? Number.MAX_SAFE_INTEGER,
      });

    const newConversation = (overrides: Partial<NewConversation> = {}): NewConversation => ({
      id: `c_${randomUUID().slice(0, 8)}`,
      siteKey,
      visitorId: `v_${randomUUID().slice(0, 8)}`,
      routing: routing('service'),
      preview: 'I was charged twice',
      now: (now += 1000),
      firstMessage: { clientId: randomUUID(), text: 'I was charged twice' },
      ...overrides,
    });

    const agent = (overrides: Partial<Agent> = {}): Agent => ({
      id: `a_${randomUUID().slice(0, 8)}`,
      siteKey,
      email: `${randomUUID().slice(0, 8)}@agents.example`,
      name: 'Ada',
      skills: ['service'],
      role: 'agent',
      capacity: 3,
      disabled: false,
      passwordHash: 'scrypt$hash',
      createdAt: now,
      ...overrides,
    });

    it('keeps sites and finds none for an unknown key', async () => {
      expect(await store.getSite(siteKey)).toMatchObject({ name: 'Shop', origins: ['https://shop.example'] });
      expect(await store.getSite('nope')).toBeNull();
    });

    it('keeps agents, finds them by email whatever its case, and refuses a second agent with the same email', async () => {
      const ada = await store.createAgent(agent({ email: 'Ada@Agents.example', skills: ['service', 'support'] }));
      expect(await store.getAgent(siteKey, ada.id)).toEqual(ada);
      expect(await store.findAgentByEmail('ada@agents.example')).toEqual(ada);
      await expect(store.createAgent(agent({ email: 'ADA@agents.example' }))).rejects.toMatchObject({ code: 'AGENT_EMAIL_TAKEN' });
      expect(await store.findAgentByEmail('nobody@agents.example')).toBeNull();
    });

    it('keeps sessions until they expire or are deleted', async () => {
      const expiresAt = Date.now() + 60_000;
      await store.createSession({ token: 't1', agentId: 'a1', siteKey, expiresAt });
      expect(await store.getSession('t1', Date.now())).toMatchObject({ agentId: 'a1' });
      expect(await store.getSession('t1', expiresAt + 1)).toBeNull();
      await store.createSession({ token: 't2', agentId: 'a1', siteKey, expiresAt });
      await store.deleteSession('t2');
      expect(await store.getSession('t2', Date.now())).toBeNull();
    });

    it('ends every session of one agent at once, and only theirs', async () => {
      const expiresAt = Date.now() + 60_000;
      for (const token of ['s1', 's2']) await store.createSession({ token, agentId: 'a1', siteKey, expiresAt });
      await store.createSession({ token: 's3', agentId: 'a2', siteKey, expiresAt });
      expect(await store.deleteAgentSessions('a1')).toBe(2);
      expect(await store.getSession('s1', Date.now())).toBeNull();
      expect(await store.getSession('s2', Date.now())).toBeNull();
      expect(await store.getSession('s3', Date.now())).toMatchObject({ agentId: 'a2' });
      expect(await store.deleteAgentSessions('a1')).toBe(0);
    });

    it('counts hits in a window that starts with the first hit, and starts again after it', async () => {
      const name = `test:${randomUUID()}`;
      expect(await store.hitCounter(name, 200)).toMatchObject({ count: 1 });
      const second = await store.hitCounter(name, 200);
      expect(second.count).toBe(2);
      expect(second.resetInMs).toBeGreaterThan(0);
      expect(second.resetInMs).toBeLessThanOrEqual(200);
      expect((await store.peekCounter(name)).count).toBe(2);
      await new Promise((resolve) => setTimeout(resolve, 250));
      expect((await store.peekCounter(name)).count).toBe(0);
      expect((await store.hitCounter(name, 200)).count).toBe(1);
      await store.resetCounter(name);
      expect((await store.peekCounter(name)).count).toBe(0);
    });

    it('creates a waiting conversation with its first message and queues it oldest first', async () => {
      const first = await store.createConversation(newConversation());
      const second = await store.createConversation(newConversation({ preview: 'where is my parcel' }));
      const support = await store.createConversation(newConversation({ routing: routing('support') }));

      expect(first.conversation).toMatchObject({ status: 'waiting', queue: 'service' });
      expect(first.message).toMatchObject({ author: 'visitor', text: 'I was charged twice' });
      const service = await store.listQueue(siteKey, 'service', 10);
      expect(service.count).toBe(2);
      expect(service.entries.map((e) => e.conversationId)).toEqual([first.conversation.id, second.conversation.id]);
      expect(service.entries[1]).toMatchObject({ preview: 'where is my parcel', queue: 'service' });
      expect((await store.listQueue(siteKey, 'support', 10)).entries.map((e) => e.conversationId)).toEqual([support.conversation.id]);
      expect(await store.getOpenConversation(siteKey, first.conversation.visitorId)).toEqual(first.conversation);
      expect(await store.messagesAfter(siteKey, first.conversation.id, undefined, 10)).toEqual([first.message]);
    });

    it("tells, as it creates a conversation, its queue's count and when the visitor's previous one began", async () => {
      const first = await store.createConversation(newConversation());
      expect(first.queueCount).toBe(1);
      expect(first).not.toHaveProperty('previousCreatedAt');
      const other = await store.createConversation(newConversation({ routing: routing('support') }));
      expect(other.queueCount).toBe(1);
      const second = await store.createConversation(newConversation());
      expect(second.queueCount).toBe(2);

      const visitorId = first.conversation.visitorId;
      await store.claimConversation({ siteKey, conversationId: first.conversation.id, agentId: 'a1', agentName: 'a1', skills: ['service'], now });
      await store.resolveConversation({ siteKey, conversationId: first.conversation.id, agentId: 'a1', now });
      const again = await store.createConversation(newConversation({ visitorId }));
      expect(again.queueCount).toBe(2);
      expect(again.previousCreatedAt).toBe(first.conversation.createdAt);
    });

    it('lists who waits in a queue, in line order, with their visitors', async () => {
      const first = await store.createConversation(newConversation());
      await store.createConversation(newConversation({ routing: routing('support') }));
      const taken = await store.createConversation(newConversation());
      const last = await store.createConversation(newConversation());
      await store.claimConversation({ siteKey, conversationId: taken.conversation.id, agentId: 'a1', agentName: 'a1', skills: ['service'], now });
      expect(await store.listQueueVisitors(siteKey, 'service')).toEqual(
        [first, last].map(({ conversation }) => ({ conversationId: conversation.id, visitorId: conversation.visitorId })),
      );
      expect(await store.listQueueVisitors('site_other', 'service')).toEqual([]);
    });

    it('limits a queue listing but always counts every waiting conversation', async () => {
      for (let i = 0; i < 5; i++) await store.createConversation(newConversation());
      const listing = await store.listQueue(siteKey, 'service', 2);
      expect(listing.count).toBe(5);
      expect(listing.entries).toHaveLength(2);
      expect(await store.listQueue(siteKey, 'service', 0)).toEqual({ count: 5, entries: [] });
    });

    it('refuses a second open conversation for the same visitor and changes nothing', async () => {
      const first = await store.createConversation(newConversation());
      await expect(store.createConversation(newConversation({ visitorId: first.conversation.visitorId }))).rejects.toMatchObject({
        code: 'CONVERSATION_ALREADY_OPEN',
        details: { conversationId: first.conversation.id },
      });
      expect((await store.listQueue(siteKey, 'service', 10)).count).toBe(1);
    });

    it('stores a message once per client id and returns the stored one on a resend', async () => {
      const { conversation } = await store.createConversation(newConversation());
      const input = { siteKey, conversationId: conversation.id, clientId: 'client-abc-1', author: 'visitor' as const, text: 'hello?', now };
      const first = await store.appendMessage(input);
      const again = await store.appendMessage({ ...input, text: 'a resend may differ but must not be stored', now: now + 5 });
      expect(first.duplicate).toBe(false);
      expect(again).toEqual({ duplicate: true, message: first.message, conversation: first.conversation });
      expect(await store.messagesAfter(siteKey, conversation.id, undefined, 10)).toHaveLength(2);
    });

    it('hands back the conversation as it is with the message in, without a read of its own', async () => {
      const { conversation } = await store.createConversation(newConversation());
      const appended = await store.appendMessage({ siteKey, conversationId: conversation.id, clientId: 'client-conv-1', author: 'visitor', text: 'still there?', now });
      expect(appended.conversation).toEqual(await store.getConversation(siteKey, conversation.id));
      await store.claimConversation({ siteKey, conversationId: conversation.id, agentId: 'a1', agentName: 'Ada', skills: ['service'], now });
      const answered = await store.appendMessage({ siteKey, conversationId: conversation.id, clientId: 'client-conv-2', author: 'agent', agentId: 'a1', agentName: 'Ada', text: 'yes', now });
      expect(answered.conversation).toMatchObject({ id: conversation.id, status: 'active', assignedAgentId: 'a1' });
    });

    it('gives the open conversation’s id alone, and none once it is resolved', async () => {
      const { conversation } = await store.createConversation(newConversation());
      expect(await store.getOpenConversationId(siteKey, conversation.visitorId)).toBe(conversation.id);
      expect(await store.getOpenConversationId(siteKey, 'v_nobody')).toBeNull();
      await store.claimConversation({ siteKey, conversationId: conversation.id, agentId: 'a1', agentName: 'Ada', skills: ['service'], now });
      await store.resolveConversation({ siteKey, conversationId: conversation.id, agentId: 'a1', now });
      expect(await store.getOpenConversationId(siteKey, conversation.visitorId)).toBeNull();
    });

    it('refuses an agent who does not hold the conversation before looking up the client id, so a resend shows them nothing', async () => {
      const { conversation } = await store.createConversation(newConversation());
      await store.claimConversation({ siteKey, conversationId: conversation.id, agentId: 'a1', agentName: 'Ada', skills: ['service'], now });
      const input = { siteKey, conversationId: conversation.id, clientId: 'client-held-1', author: 'agent' as const, agentId: 'a1', agentName: 'Ada', text: 'mine', now };
      await store.appendMessage(input);
      await expect(store.appendMessage({ ...input, agentId: 'a2', agentName: 'Bo' })).rejects.toMatchObject({
        code: 'CONVERSATION_NOT_ASSIGNED_TO_YOU',
        details: { conversationId: conversation.id },
      });
      expect(await store.messagesAfter(siteKey, conversation.id, undefined, 10)).toHaveLength(2);
    });

    it('keeps an attachment message with its attachment, as stored, and returns it on a resend', async () => {
      const { conversation } = await store.createConversation(newConversation());
      const attachment = { id: 'f_contract1', name: 'écran 1.png', size: 1234, type: 'image/png' as const, width: 64, height: 48 };
      const input = { siteKey, conversationId: conversation.id, clientId: 'client-file-1', author: 'visitor' as const, text: attachment.name, attachment, now };
      const first = await store.appendMessage(input);
      expect(first.message).toMatchObject({ text: 'écran 1.png', attachment });
      expect((await store.appendMessage(input)).message).toEqual(first.message);
      const [, stored] = await store.messagesAfter(siteKey, conversation.id, undefined, 10);
      expect(stored).toEqual(first.message);
    });

    it('returns the messages after a given id, in order, without the one named', async () => {
      const { conversation, message } = await store.createConversation(newConversation());
      const texts = ['one', 'two', 'three'];
      for (const text of texts) {
        await store.appendMessage({ siteKey, conversationId: conversation.id, clientId: `client-${text}-x`, author: 'visitor', text, now });
      }
      const after = await store.messagesAfter(siteKey, conversation.id, message.id, 10);
      expect(after.map((m) => m.text)).toEqual(texts);
      const page = await store.messagesAfter(siteKey, conversation.id, after[0]!.id, 1);
      expect(page.map((m) => m.text)).toEqual(['two']);
      expect(await store.messagesAfter(siteKey, conversation.id, after[2]!.id, 10)).toEqual([]);
    });

    it('gives a waiting conversation to exactly one of many agents taking it at once', async () => {
      const { conversation } = await store.createConversation(newConversation());
      const agents = await Promise.all(Array.from({ length: 8 }, () => store.createAgent(agent())));
      for (const a of agents) await present(a.id);
      const results = await Promise.allSettled(
        agents.map((a) =>
          store.claimConversation({ siteKey, conversationId: conversation.id, agentId: a.id, agentName: a.name, skills: a.skills, now }),
        ),
      );
      const won = results.filter((r) => r.status === 'fulfilled');
      const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      expect(won).toHaveLength(1);
      expect(lost.map((r) => (r.reason as { code: string }).code)).toEqual(Array(7).fill('CONVERSATION_NOT_WAITING'));
      const taken = (won[0] as PromiseFulfilledResult<Awaited<ReturnType<Store['claimConversation']>>>).value;
      expect(taken).toMatchObject({ status: 'active', assignedAt: now });
      expect((await store.listQueue(siteKey, 'service', 10)).count).toBe(0);
      expect(await store.listAgentConversations(siteKey, taken.assignedAgentId!)).toEqual([taken]);
    });

    it('refuses to give a conversation to an agent without its skill, or one that does not exist', async () => {
      const { conversation } = await store.createConversation(newConversation({ routing: routing('support') }));
      const claim = { siteKey, conversationId: conversation.id, agentId: 'a1', agentName: 'Ada', skills: ['service' as const], now };
      await expect(store.claimConversation(claim)).rejects.toMatchObject({ code: 'SKILL_REQUIRED' });
      expect((await store.getConversation(siteKey, conversation.id))?.status).toBe('waiting');
      await expect(store.claimConversation({ ...claim, conversationId: 'c_missing' })).rejects.toMatchObject({ code: 'CONVERSATION_NOT_FOUND' });
    });

    it('lets only the assigned agent write, and nobody after the conversation is resolved', async () => {
      const { conversation } = await store.createConversation(newConversation());
      const message = (agentId: string, clientId: string) => ({
        siteKey, conversationId: conversation.id, clientId, author: 'agent' as const, agentId, agentName: 'Ada', text: 'hi', now,
      });
      await expect(store.appendMessage(message('a1', 'client-early-1'))).rejects.toMatchObject({ code: 'CONVERSATION_NOT_ASSIGNED_TO_YOU' });
      await store.claimConversation({ siteKey, conversationId: conversation.id, agentId: 'a1', agentName: 'Ada', skills: ['service'], now });
      await expect(store.appendMessage(message('a2', 'client-other-1'))).rejects.toMatchObject({ code: 'CONVERSATION_NOT_ASSIGNED_TO_YOU' });
      const sent = await store.appendMessage(message('a1', 'client-ok-1'));
      expect(sent.message).toMatchObject({ author: 'agent', agentName: 'Ada' });

      await expect(
        store.resolveConversation({ siteKey, conversationId: conversation.id, agentId: 'a2', now }),
      ).rejects.toMatchObject({ code: 'CONVERSATION_NOT_ASSIGNED_TO_YOU' });
      const resolved = await store.resolveConversation({ siteKey, conversationId: conversation.id, agentId: 'a1', now: now + 9 });
      expect(resolved).toMatchObject({ status: 'resolved', resolvedAt: now + 9 });
      await expect(store.appendMessage({ ...message('a1', 'client-late-1') })).rejects.toMatchObject({ code: 'CONVERSATION_NOT_ACTIVE' });
      await expect(
        store.appendMessage({ siteKey, conversationId: conversation.id, clientId: 'client-late-2', author: 'visitor', text: 'x', now }),
      ).rejects.toMatchObject({ code: 'CONVERSATION_NOT_ACTIVE' });
      await expect(
        store.resolveConversation({ siteKey, conversationId: conversation.id, agentId: 'a1', now }),
      ).rejects.toMatchObject({ code: 'CONVERSATION_NOT_ACTIVE' });
      expect(await store.listAgentConversations(siteKey, 'a1')).toEqual([]);
    });

    describe('canned replies', () => {
      const reply = (id: string, shortcut: string, text = 'Hello {{visitor.firstName}}') => ({ id, shortcut, text, createdAt: now, updatedAt: now });

      it('keeps them per site by shortcut, one reply per shortcut, and frees a shortcut when changed or removed', async () => {
        await store.putCannedReply(siteKey, reply('cr1', 'refund'), { create: true, max: 10 });
        await store.putCannedReply(siteKey, reply('cr2', 'hello'), { create: true, max: 10 });
        expect((await store.listCannedReplies(siteKey)).map((r) => r.shortcut)).toEqual(['hello', 'refund']);
        expect(await store.listCannedReplies('another_site')).toEqual([]);
        await expect(store.putCannedReply(siteKey, reply('cr3', 'refund'), { create: true, max: 10 })).rejects.toMatchObject({ code: 'CANNED_SHORTCUT_TAKEN' });
        await expect(store.putCannedReply(siteKey, reply('cr2', 'refund'), { create: false, max: 10 })).rejects.toMatchObject({ code: 'CANNED_SHORTCUT_TAKEN' });
        await expect(store.putCannedReply(siteKey, reply('cr9', 'other'), { create: false, max: 10 })).rejects.toMatchObject({ code: 'CANNED_REPLY_NOT_FOUND' });
        await expect(store.putCannedReply('another_site', reply('cr1', 'moved'), { create: false, max: 10 })).rejects.toMatchObject({ code: 'CANNED_REPLY_NOT_FOUND' });
        // Renamed: the old shortcut is free again.
        await store.putCannedReply(siteKey, reply('cr1', 'refunds', 'Changed'), { create: false, max: 10 });
        await store.putCannedReply(siteKey, reply('cr4', 'refund'), { create: true, max: 10 });
        expect((await store.listCannedReplies(siteKey)).map((r) => [r.id, r.shortcut, r.text])).toEqual([
          ['cr2', 'hello', 'Hello {{visitor.firstName}}'],
          ['cr4', 'refund', 'Hello {{visitor.firstName}}'],
          ['cr1', 'refunds', 'Changed'],
        ]);
        await store.deleteCannedReply(siteKey, 'cr4');
        await expect(store.deleteCannedReply(siteKey, 'cr4')).rejects.toMatchObject({ code: 'CANNED_REPLY_NOT_FOUND' });
        await expect(store.deleteCannedReply('another_site', 'cr1')).rejects.toMatchObject({ code: 'CANNED_REPLY_NOT_FOUND' });
        await store.putCannedReply(siteKey, reply('cr5', 'refund'), { create: true, max: 10 });
      });

      it('refuses a new one past the most a site may have', async () => {
        await store.putCannedReply(siteKey, reply('cr1', 'one'), { create: true, max: 1 });
        await expect(store.putCannedReply(siteKey, reply('cr2', 'two'), { create: true, max: 1 })).rejects.toMatchObject({ code: 'CANNED_REPLY_LIMIT' });
        expect(await store.listCannedReplies(siteKey)).toHaveLength(1);
      });
    });

    it('keeps an internal note among the messages, marked, whoever holds the conversation and after it ended', async () => {
      const { conversation } = await store.createConversation(newConversation());
      const note = (clientId: string, agentId: string) => ({
        siteKey, conversationId: conversation.id, clientId, author: 'agent' as const, agentId, agentName: 'Lee', kind: 'note' as const, text: 'internal', now,
      });
      // Waiting, nobody holds it: the store keeps a note (the domain decides who may write one).
      const first = await store.appendMessage(note('client-note-1', 'a9'));
      expect(first).toMatchObject({ duplicate: false, message: { kind: 'note', author: 'agent', agentName: 'Lee', text: 'internal' } });
      expect(await store.appendMessage(note('client-note-1', 'a9'))).toEqual({ duplicate: true, message: first.message, conversation: first.conversation });
      await store.claimConversation({ siteKey, conversationId: conversation.id, agentId: 'a1', agentName: 'Ada', skills: ['service'], now });
      await store.resolveConversation({ siteKey, conversationId: conversation.id, agentId: 'a1', now: now + 1 });
      await store.appendMessage(note('client-note-2', 'a9'));
      const all = await store.messagesAfter(siteKey, conversation.id, undefined, 10);
      expect(all.map((m) => m.kind ?? 'message')).toEqual(['message', 'note', 'note']);
      await expect(store.appendMessage({ ...note('client-note-3', 'a9'), conversationId: 'c_missing' })).rejects.toMatchObject({ code: 'CONVERSATION_NOT_FOUND' });
    });

    it('lets a visitor start a new conversation once the last one is resolved', async () => {
      const { conversation } = await store.createConversation(newConversation());
      await store.claimConversation({ siteKey, conversationId: conversation.id, agentId: 'a1', agentName: 'Ada', skills: ['service'], now });
      await store.resolveConversation({ siteKey, conversationId: conversation.id, agentId: 'a1', now });
      expect(await store.getOpenConversation(siteKey, conversation.visitorId)).toBeNull();
      const next = await store.createConversation(newConversation({ visitorId: conversation.visitorId }));
      expect(next.conversation.id).not.toBe(conversation.id);
    });

    it('keeps the category a conversation is resolved under', async () => {
      const { conversation } = await store.createConversation(newConversation());
      await store.claimConversation({ siteKey, conversationId: conversation.id, agentId: 'a1', agentName: 'Ada', skills: ['service'], now });
      const resolved = await store.resolveConversation({ siteKey, conversationId: conversation.id, agentId: 'a1', now, category: 'Pre-sales' });
      expect(resolved).toMatchObject({ status: 'resolved', category: 'Pre-sales' });
      expect(await store.getConversation(siteKey, conversation.id)).toMatchObject({ category: 'Pre-sales' });
    });

    describe('reopening', () => {
      /** Resolved at `now` (after the creation moved the clock on). */
      const resolvedConversation = async () => {
        const { conversation } = await store.createConversation(newConversation());
        await store.claimConversation({ siteKey, conversationId: conversation.id, agentId: 'a1', agentName: 'Ada', skills: ['service'], now });
        return store.resolveConversation({ siteKey, conversationId: conversation.id, agentId: 'a1', now, category: 'Billing' });
      };

      it('puts a resolved conversation back at the front of its queue, without an agent, as the visitor’s open one', async () => {
        const waiting = await store.createConversation(newConversation());
        const ended = await resolvedConversation();
        const reopened = await store.reopenConversation({ siteKey, conversationId: ended.id, visitorId: ended.visitorId, endedAfter: now - 1, now: now + 60_000 });
        expect(reopened).toMatchObject({ status: 'waiting', queuedAt: now + 60_000, reopenedAt: now + 60_000, category: 'Billing' });
        expect(reopened.assignedAgentId).toBeUndefined();
        expect(reopened.assignedAt).toBeUndefined();
        expect(await store.listQueueIds(siteKey, 'service')).toEqual([ended.id, waiting.conversation.id]);
        // Its queue order says so, for lists that sort what the queue announces.
        expect(reopened.queueOrder).toBeLessThan(waiting.conversation.queueOrder!);
        expect((await store.listQueue(siteKey, 'service', 10)).entries.map((e) => e.conversationId)).toEqual([ended.id, waiting.conversation.id]);
        expect((await store.getOpenConversation(siteKey, ended.visitorId))?.id).toBe(ended.id);
        expect((await store.agentLoads(siteKey)).a1 ?? 0).toBe(0);
        // It takes messages and can be taken and resolved again.
        await store.appendMessage({ siteKey, conversationId: ended.id, clientId: 'client-again-1', author: 'visitor', text: 'One more thing', now });
        await store.claimConversation({ siteKey, conversationId: ended.id, agentId: 'a2', agentName: 'Bo', skills: ['service'], now });
        expect(await store.resolveConversation({ siteKey, conversationId: ended.id, agentId: 'a2', now: now + 1, category: 'Refund' })).toMatchObject({ status: 'resolved', category: 'Refund' });
      });

      it('forgets that the visitor had gone during an earlier wait: they are here, writing', async () => {
        const { conversation } = await store.createConversation(newConversation());
        await store.setVisitorGone(siteKey, conversation.id, now);
        await store.claimConversation({ siteKey, conversationId: conversation.id, agentId: 'a1', agentName: 'Ada', skills: ['service'], now });
        await store.resolveConversation({ siteKey, conversationId: conversation.id, agentId: 'a1', now });
        await store.reopenConversation({ siteKey, conversationId: conversation.id, visitorId: conversation.visitorId, endedAfter: now - 1, now: now + 1 });
        expect(await store.listVisitorsGoneBefore(siteKey, now + 3_600_000)).not.toContain(conversation.id);
      });

      it('refuses, changing nothing, another visitor, a conversation not resolved, one ended too long ago, and a visitor with another open one', async () => {
        const ended = await resolvedConversation();
        const before = await store.getConversation(siteKey, ended.id);
        const reopen = (input: { conversationId?: string; visitorId?: string; endedAfter?: number }) =>
          store.reopenConversation({ siteKey, conversationId: ended.id, visitorId: ended.visitorId, endedAfter: ended.resolvedAt!, now: now + 1, ...input });
        await expect(reopen({ visitorId: 'v_someone_else' })).rejects.toMatchObject({ code: 'CONVERSATION_NOT_FOUND' });
        await expect(reopen({ conversationId: 'c_missing' })).rejects.toMatchObject({ code: 'CONVERSATION_NOT_FOUND' });
        await expect(reopen({ endedAfter: ended.resolvedAt! + 1 })).rejects.toMatchObject({ code: 'CONVERSATION_REOPEN_EXPIRED' });
        const waiting = await store.createConversation(newConversation());
        await expect(reopen({ conversationId: waiting.conversation.id, visitorId: waiting.conversation.visitorId })).rejects.toMatchObject({ code: 'CONVERSATION_NOT_RESOLVED' });
        const other = await store.createConversation(newConversation({ visitorId: ended.visitorId }));
        await expect(reopen({})).rejects.toMatchObject({ code: 'CONVERSATION_ALREADY_OPEN' });
        expect(await store.getConversation(siteKey, ended.id)).toEqual(before);
        expect((await store.getOpenConversation(siteKey, ended.visitorId))?.id).toBe(other.conversation.id);
        expect(await store.listQueueIds(siteKey, 'service')).toEqual([waiting.conversation.id, other.conversation.id]);
      });
    });

    it('keeps site settings, with defaults for what was never set', async () => {
      expect((await store.getSite(siteKey))?.settings).toEqual(DEFAULT_SITE_SETTINGS);
      const changed = { ...DEFAULT_SITE_SETTINGS, topicQuestion: true, fallbackQueue: 'support' as const, retentionDays: 30, storeVisitorIp: true };
      await store.updateSiteSettings(siteKey, changed);
      expect((await store.getSite(siteKey))?.settings).toEqual(changed);
      expect(await store.listSiteKeys()).toContain(siteKey);
    });

    it('keeps routing rules per site in the order they were added, and removes them by id', async () => {
      await store.addRoutingRule(siteKey, { id: 'r2', phrase: 'api key', queue: 'support', createdAt: 2 });
      await store.addRoutingRule(siteKey, { id: 'r1', phrase: 'invoice', queue: 'service', createdAt: 1 });
      expect((await store.listRoutingRules(siteKey)).map((r) => r.id)).toEqual(['r1', 'r2']);
      expect(await store.listRoutingRules('site_other')).toEqual([]);
      expect(await store.removeRoutingRule(siteKey, 'r1')).toBe(true);
      expect(await store.removeRoutingRule(siteKey, 'r1')).toBe(false);
      expect((await store.listRoutingRules(siteKey)).map((r) => r.phrase)).toEqual(['api key']);
    });

    it('re-routes a waiting conversation to the other queue without losing its place in line', async () => {
      const older = await store.createConversation(newConversation({ preview: 'hi' }));
      const supportWaiting = await store.createConversation(newConversation({ routing: routing('support') }));
      const decision = { ...routing('support'), reason: 'clear now' };
      const moved = await store.rerouteConversation({ siteKey, conversationId: older.conversation.id, fromQueue: 'service', routing: decision });
      expect(moved).toMatchObject({ queue: 'support', routing: decision, queuedAt: older.conversation.queuedAt, status: 'waiting' });
      expect((await store.listQueue(siteKey, 'service', 10)).count).toBe(0);
      expect((await store.listQueue(siteKey, 'support', 10)).entries.map((e) => e.conversationId)).toEqual([
        older.conversation.id,
        supportWaiting.conversation.id,
      ]);
      await expect(
        store.rerouteConversation({ siteKey, conversationId: older.conversation.id, fromQueue: 'service', routing: decision }),
      ).rejects.toMatchObject({ code: 'CONVERSATION_CHANGED' });
      // A priority customer keeps their head start in the new queue too.
      const vip = await store.createConversation(newConversation({ priorityMs: 60_000 }));
      await store.rerouteConversation({ siteKey, conversationId: vip.conversation.id, fromQueue: 'service', routing: decision });
      expect((await store.listQueue(siteKey, 'support', 10)).entries[0]).toMatchObject({
        conversationId: vip.conversation.id,
        queueOrder: vip.conversation.queuedAt - 60_000,
      });
    });

    it('does not re-route a conversation an agent already took', async () => {
      const { conversation } = await store.createConversation(newConversation());
      await store.claimConversation({ siteKey, conversationId: conversation.id, agentId: 'a1', agentName: 'Ada', skills: ['service'], now });
      await expect(
        store.rerouteConversation({ siteKey, conversationId: conversation.id, fromQueue: 'service', routing: routing('support') }),
      ).rejects.toMatchObject({ code: 'CONVERSATION_NOT_WAITING' });
      expect((await store.getConversation(siteKey, conversation.id))?.queue).toBe('service');
    });

    it('transfers an active conversation to the other queue at its original place and records the correction', async () => {
      const { conversation } = await store.createConversation(newConversation());
      const later = await store.createConversation(newConversation({ routing: routing('support') }));
      await store.claimConversation({ siteKey, conversationId: conversation.id, agentId: 'a1', agentName: 'Ada', skills: ['service'], now });
      const transfer = { siteKey, conversationId: conversation.id, agentId: 'a1', agentName: 'Ada', toQueue: 'support' as const, note: 'app crash', text: 'the app crashes', now: now + 50 };
      await expect(store.transferConversation({ ...transfer, agentId: 'a2' })).rejects.toMatchObject({ code: 'CONVERSATION_NOT_ASSIGNED_TO_YOU' });
      await expect(store.transferConversation({ ...transfer, toQueue: 'service' })).rejects.toMatchObject({ code: 'TRANSFER_SAME_QUEUE' });

      const moved = await store.transferConversation(transfer);
      expect(moved).toMatchObject({ status: 'waiting', queue: 'support', queuedAt: conversation.queuedAt });
      expect(moved.transfer).toEqual({ fromQueue: 'service', note: 'app crash', byAgentName: 'Ada', at: now + 50 });
      expect(moved.assignedAgentId).toBeUndefined();
      expect(await store.listAgentConversations(siteKey, 'a1')).toEqual([]);
      expect((await store.listQueue(siteKey, 'support', 10)).entries.map((e) => e.conversationId)).toEqual([conversation.id, later.conversation.id]);
      expect(await store.listRoutingCorrections(siteKey, 10)).toEqual([
        { conversationId: conversation.id, text: 'the app crashes', predicted: 'service', corrected: 'support', routedBy: 'model', note: 'app crash', agentId: 'a1', at: now + 50 },
      ]);
      await expect(store.transferConversation(transfer)).rejects.toMatchObject({ code: 'CONVERSATION_NOT_ACTIVE' });
    });

    it('keeps a visitor\'s page context, shows it on their open conversation only, and erases it with their traces', async () => {
      const context = { page: { url: 'https://shop.example/cart', title: 'Cart' }, language: 'en-GB', timeZone: 'Europe/London', custom: { plan: 'pro', cart: 42 }, at: now };
      expect(await store.setVisitorContext(siteKey, 'v_browsing', context)).toBeNull();
      expect(await store.getVisitorContext(siteKey, 'v_browsing')).toEqual(context);
      const { conversation } = await store.createConversation(newConversation({ visitorId: 'v_browsing', context }));
      expect(conversation.context).toEqual(context);
      expect((await store.getConversation(siteKey, conversation.id))?.context).toEqual(context);
      const moved = { ...context, page: { url: 'https://shop.example/pay', title: 'Pay' }, at: now + 1 };
      expect((await store.setVisitorContext(siteKey, 'v_browsing', moved))?.context).toEqual(moved);
      expect((await store.getConversation(siteKey, conversation.id))?.context).toEqual(moved);
      expect(await store.getVisitorContext(siteKey, 'v_nobody')).toBeNull();
      const erased = await store.eraseVisitorTraces({ siteKey, visitorId: 'v_browsing', conversationIds: [], counters: [] });
      expect(erased.identity).toBe(true);
      expect(await store.getVisitorContext(siteKey, 'v_browsing')).toBeNull();
    });

    it('keeps who a visitor said they are, and shows it on their open conversation and the next ones', async () => {
      const { conversation } = await store.createConversation(newConversation());
      const identity = { userId: 'u42', name: 'Grace', email: 'grace@example.com', verified: true };
      await store.setVisitorIdentity(siteKey, conversation.visitorId, identity);
      expect(await store.getVisitorIdentity(siteKey, conversation.visitorId)).toEqual(identity);
      expect((await store.getConversation(siteKey, conversation.id))?.visitor).toEqual(identity);
      expect((await store.listQueue(siteKey, 'service', 10)).entries[0]?.visitor).toEqual(identity);
      expect(await store.getVisitorIdentity(siteKey, 'v_nobody')).toBeNull();
      const next = await store.createConversation(newConversation({ visitor: identity }));
      expect(next.conversation.visitor).toEqual(identity);
    });

    it('finds every conversation of a visitor, and deletes one with its messages and every trace in queues and lists', async () => {
      const first = await store.createConversation(newConversation());
      const { visitorId } = first.conversation;
      await store.claimConversation({ siteKey, conversationId: first.conversation.id, agentId: 'a1', agentName: 'Ada', skills: ['service'], now });
      await store.resolveConversation({ siteKey, conversationId: first.conversation.id, agentId: 'a1', now });
      const second = await store.createConversation(newConversation({ visitorId, visitorIp: '203.0.113.9' }));
      const other = await store.createConversation(newConversation());
      expect((await store.listVisitorConversations(siteKey, visitorId)).map((c) => c.id)).toEqual([first.conversation.id, second.conversation.id]);
      expect(second.conversation.visitorIp).toBe('203.0.113.9');

      expect(await store.deleteConversation(siteKey, second.conversation.id)).toBe(true);
      expect(await store.getConversation(siteKey, second.conversation.id)).toBeNull();
      expect(await store.messagesAfter(siteKey, second.conversation.id, undefined, 10)).toEqual([]);
      expect(await store.getOpenConversation(siteKey, visitorId)).toBeNull();
      expect((await store.listQueue(siteKey, 'service', 10)).entries.map((e) => e.conversationId)).toEqual([other.conversation.id]);
      expect((await store.listVisitorConversations(siteKey, visitorId)).map((c) => c.id)).toEqual([first.conversation.id]);
      expect(await store.deleteConversation(siteKey, second.conversation.id)).toBe(false);
    });

    it('deletes an active conversation from its agent’s list too', async () => {
      const { conversation } = await store.createConversation(newConversation());
      await store.claimConversation({ siteKey, conversationId: conversation.id, agentId: 'a1', agentName: 'Ada', skills: ['service'], now });
      expect(await store.deleteConversation(siteKey, conversation.id)).toBe(true);
      expect(await store.listAgentConversations(siteKey, 'a1')).toEqual([]);
    });

    it('lists conversations created before a time, oldest first, for retention', async () => {
      const old = await store.createConversation(newConversation({ now: 1_000 }));
      const older = await store.createConversation(newConversation({ now: 500 }));
      await store.createConversation(newConversation({ now: 5_000 }));
      expect(await store.listConversationIdsCreatedBefore(siteKey, 2_000, 10)).toEqual([older.conversation.id, old.conversation.id]);
      expect(await store.listConversationIdsCreatedBefore(siteKey, 2_000, 1)).toEqual([older.conversation.id]);
    });

    it('keeps an audit trail per site, newest first', async () => {
      await store.appendAudit(siteKey, { at: 1, actor: 'operator', action: 'site.add', target: siteKey });
      await store.appendAudit(siteKey, { at: 2, actor: 'agent:a1 ada@x', action: 'routing.rule.add', target: 'rule_1', details: { phrase: 'x' } });
      expect(await store.listAudit(siteKey, 10)).toEqual([
        { at: 2, actor: 'agent:a1 ada@x', action: 'routing.rule.add', target: 'rule_1', details: { phrase: 'x' } },
        { at: 1, actor: 'operator', action: 'site.add', target: siteKey },
      ]);
      expect(await store.listAudit('site_other', 10)).toEqual([]);
    });

    describe('erasing a visitor', () => {
      const at = 1_700_000_000_000;

      /** A visitor whose transferred conversation left a correction, KPI events, audit entries, an identity, a gone note and a counter. */
      async function visitorWithTraces(visitorId: string) {
        const { conversation } = await store.createConversation(newConversation({ visitorId }));
        await store.claimConversation({ siteKey, conversationId: conversation.id, agentId: 'a1', agentName: 'Ada', skills: ['service'], now });
        await store.transferConversation({
          siteKey, conversationId: conversation.id, agentId: 'a1', agentName: 'Ada', toQueue: 'support', note: `note of ${visitorId}`, text: `words of ${visitorId}`, now,
        });
        await store.setVisitorGone(siteKey, conversation.id, now);
        const created: KpiEvent = { type: 'created', at, conversationId: conversation.id, queue: 'service', routedBy: 'model', visitorId, repeat: false };
        const rated: KpiEvent = { type: 'rated', at, conversationId: conversation.id, queue: 'support', agentId: 'a1', ces: 2, comment: `comment of ${visitorId}` };
        await store.recordKpiEvent({ siteKey, once: 'created', markValue: 0, event: created, increments: [{ scope: 'site', field: '*|created', by: 1 }] });
        await store.recordKpiEvent({ siteKey, once: 'rated', markValue: 0, event: rated, increments: [] });
        await store.appendAudit(siteKey, { at, actor: 'operator', action: 'visitor.export', target: visitorId });
        await store.appendAudit(siteKey, { at, actor: 'agent:a1 ada@x', action: 'conversation.hand-over', target: conversation.id, details: { note: `note of ${visitorId}` } });
        await store.setVisitorIdentity(siteKey, visitorId, { userId: `user of ${visitorId}`, verified: false });
        await store.hitCounter(`messagesPerVisitor:${siteKey}:${visitorId}`, 60_000);
        return conversation;
      }

      it('forgets the corrections, raw KPI events and audit entries of their conversations, their identity, gone notes and counters', async () => {
        const visitorId = `v_${randomUUID().slice(0, 8)}`;
        const conversation = await visitorWithTraces(visitorId);
        // Ids that only start like theirs are someone else's: a mention is a whole id.
        const bystander = await visitorWithTraces(`${visitorId}x`);
        const lookalike = await store.createConversation(newConversation({ id: `${conversation.id}2` }));
        const lookalikeEvent: KpiEvent = { type: 'abandoned', at, conversationId: lookalike.conversation.id, queue: 'service', waitedMs: 5 };
        await store.recordKpiEvent({ siteKey, once: 'abandoned', markValue: 0, event: lookalikeEvent, increments: [] });
        await store.appendAudit(siteKey, { at, actor: 'operator', action: 'site.settings', target: siteKey, details: { changes: { npsSurvey: true } } });
        await store.appendAudit('site_other', { at, actor: 'operator', action: 'visitor.export', target: visitorId });
        const kpisBefore = await store.readKpiBuckets(siteKey, 'site', 'day', kpiBucketIndex('day', at), kpiBucketIndex('day', at) + 1);

        expect(await store.deleteConversation(siteKey, conversation.id)).toBe(true);
        const counters = [`messagesPerVisitor:${siteKey}:${visitorId}`, `conversationsPerVisitor:${siteKey}:${visitorId}`];
        expect(await store.eraseVisitorTraces({ siteKey, visitorId, conversationIds: [conversation.id], counters })).toEqual({
          routingCorrections: 1,
          routingExamples: 0,
          kpiEvents: 2,
          auditEntries: [
            { at, actor: 'operator', action: 'visitor.export', target: visitorId },
            { at, actor: 'agent:a1 ada@x', action: 'conversation.hand-over', target: conversation.id, details: { note: `note of ${visitorId}` } },
          ],
          counters: 1,
          identity: true,
        });

        expect((await store.listRoutingCorrections(siteKey, 10)).map((c) => c.conversationId)).toEqual([bystander.id]);
        expect((await store.listKpiEvents(siteKey, 10)).map((e) => [e.type, e.conversationId])).toEqual([
          ['abandoned', lookalike.conversation.id],
          ['rated', bystander.id],
          ['created', bystander.id],
        ]);
        expect((await store.listAudit(siteKey, 10)).map((e) => e.target)).toEqual([siteKey, bystander.id, `${visitorId}x`]);
        expect(await store.listAudit('site_other', 10)).toHaveLength(1);
        expect(await store.getVisitorIdentity(siteKey, visitorId)).toBeNull();
        expect(await store.getVisitorIdentity(siteKey, `${visitorId}x`)).not.toBeNull();
        expect(await store.listVisitorsGoneBefore(siteKey, now + 1)).toEqual([bystander.id]);
        expect((await store.peekCounter(counters[0]!)).count).toBe(0);
        expect((await store.peekCounter(`messagesPerVisitor:${siteKey}:${visitorId}x`)).count).toBe(1);
        // The aggregates are sums without anyone's words or ids: they stay.
        expect(await store.readKpiBuckets(siteKey, 'site', 'day', kpiBucketIndex('day', at), kpiBucketIndex('day', at) + 1)).toEqual(kpisBefore);

        expect(await store.eraseVisitorTraces({ siteKey, visitorId, conversationIds: [conversation.id], counters })).toEqual({
          routingCorrections: 0, routingExamples: 0, kpiEvents: 0, auditEntries: [], counters: 0, identity: false,
        });
      });

      it('finds every mention in a long stream, whatever page it is on', async () => {
        const visitorId = `v_${randomUUID().slice(0, 8)}`;
        const entry = (i: number, target: string) => ({ at: i, actor: 'operator', action: 'test.fill', target });
        // Many pages of the Redis store's reads (500 entries), with mentions at both ends and on both sides of a page edge.
        const targets = Array.from({ length: 4_100 }, (_, i) => ([0, 1_999, 2_000, 4_099].includes(i) ? visitorId : `t${i}`));
        await Promise.all(targets.map((target, i) => store.appendAudit(siteKey, entry(i, target))));
        const erased = await store.eraseVisitorTraces({ siteKey, visitorId, conversationIds: [], counters: [] });
        expect(erased.auditEntries.map((e) => e.at)).toEqual([0, 1_999, 2_000, 4_099]);
        const left = await store.listAudit(siteKey, 5_000);
        expect(left).toHaveLength(4_096);
        expect(left.some((e) => e.target === visitorId)).toBe(false);
      });
    });

    describe('assignment', () => {
      const claim = (conversationId: string, agentId: string, skills: ('service' | 'support')[] = ['service', 'support']) =>
        store.claimConversation({ siteKey, conversationId, agentId, agentName: agentId, skills, now });

      it('renews a presence with the status it has, never an offline one, and starts an unknown one as told', async () => {
        const a4 = { id: 'a4', name: 'a4', skills: ['service' as const], capacity: 3, disabled: false };
        const renew = (initial: 'online' | 'away', deadline: number) => store.renewPresence({ siteKey, agent: a4, initial, deadline });
        expect(await renew('away', now + 10)).toBe('away');
        expect((await store.listPresence(siteKey)).a4).toEqual({ status: 'away', deadline: now + 10 });
        await present('a4', { skills: ['service'], status: 'online', deadline: now + 20 });
        expect(await renew('away', now + 30)).toBe('online');
        expect((await store.listPresence(siteKey)).a4).toEqual({ status: 'online', deadline: now + 30 });
        // Chosen offline, a renewal changes nothing, and the agent cannot take.
        const { conversation } = await store.createConversation(newConversation());
        await present('a4', { skills: ['service'], status: 'offline', deadline: now + 40 });
        expect(await renew('online', now + 50)).toBe('offline');
        expect((await store.listPresence(siteKey)).a4).toEqual({ status: 'offline', deadline: now + 40 });
        await expect(claim(conversation.id, 'a4', ['service'])).rejects.toMatchObject({ code: 'AGENT_OFFLINE' });
      });

      it('refuses a take by an agent who is offline, away, gone past their deadline, or at capacity', async () => {
        const conversations = await Promise.all([1, 2, 3].map(() => store.createConversation(newConversation())));
        const [first, second, third] = conversations.map((c) => c.conversation.id) as [string, string, string];
        await expect(claim(first, 'a_nobody')).rejects.toMatchObject({ code: 'AGENT_OFFLINE' });
        await present('a3', { status: 'offline' });
        await expect(claim(first, 'a3')).rejects.toMatchObject({ code: 'AGENT_OFFLINE' });
        // Away keeps what it holds and takes nothing new.
        await present('a3', { status: 'away' });
        await expect(claim(first, 'a3')).rejects.toMatchObject({ code: 'AGENT_OFFLINE' });
        await present('a3', { deadline: now - 1 });
        await expect(claim(first, 'a3')).rejects.toMatchObject({ code: 'AGENT_OFFLINE' });

        await present('a3', { capacity: 2 });
        await claim(first, 'a3');
        await claim(second, 'a3');
        await expect(claim(third, 'a3')).rejects.toMatchObject({ code: 'AGENT_AT_CAPACITY' });
        expect((await store.getConversation(siteKey, third))?.status).toBe('waiting');
        expect((await store.agentLoads(siteKey)).a3).toBe(2);
        await store.resolveConversation({ siteKey, conversationId: first, agentId: 'a3', now });
        expect((await store.agentLoads(siteKey)).a3).toBe(1);
        expect((await claim(third, 'a3')).assignedAgentId).toBe('a3');
      });

      it('auto-assigns the head of the line to the online agent with the most free places, ties to the longest idle', async () => {
        for (const id of ['a1', 'a2']) await present(id, { status: 'offline' });
        await present('busy', { capacity: 3 });
        await present('free', { capacity: 3 });
        await present('support-only', { skills: ['support'], capacity: 10 });
        await present('away', { status: 'away', capacity: 10 });
        await present('expired', { capacity: 10, deadline: now - 1 });
        const held = await store.createConversation(newConversation());
        await claim(held.conversation.id, 'busy');
        const first = await store.createConversation(newConversation());
        const second = await store.createConversation(newConversation());

        expect(await store.assignNext(siteKey, 'service', now)).toMatchObject({ id: first.conversation.id, assignedAgentId: 'free', status: 'active' });
        // Now both hold one: the tie goes to the one given a conversation longer ago.
        const next = await store.assignNext(siteKey, 'service', now + 10);
        expect(next).toMatchObject({ id: second.conversation.id, assignedAgentId: 'busy' });
        expect(await store.assignNext(siteKey, 'service', now)).toBeNull();
        expect(await store.listAssignments(siteKey)).toMatchObject({ [first.conversation.id]: 'free', [second.conversation.id]: 'busy' });
      });

      it('assigns the waiting line in order and in batches, with the same choices as one by one', async () => {
        for (const id of ['a1', 'a2']) await present(id, { status: 'offline' });
        await present('one', { capacity: 1 });
        await present('two', { capacity: 2 });
        await present('three', { capacity: 3 });
        const created = [];
        for (let i = 0; i < 10; i++) created.push((await store.createConversation(newConversation())).conversation.id);
        const assigned = await store.assignWaiting(siteKey, 'service', now);
        expect(assigned.map((c) => c.id)).toEqual(created.slice(0, 6));
        // Most free places first; a tie goes to the longest since a last assignment, then the smaller id.
        expect(assigned.map((c) => c.assignedAgentId)).toEqual(['three', 'two', 'three', 'one', 'three', 'two']);
        expect(await store.agentLoads(siteKey)).toMatchObject({ one: 1, two: 2, three: 3 });
        expect(await store.listQueueIds(siteKey, 'service')).toEqual(created.slice(6));
        expect(await store.assignWaiting(siteKey, 'service', now)).toEqual([]);
      });

      it('assigns nothing when every eligible agent is full', async () => {
        for (const id of ['a1', 'a2']) await present(id, { capacity: 0 });
        const { conversation } = await store.createConversation(newConversation());
        expect(await store.assignNext(siteKey, 'service', now)).toBeNull();
        expect((await store.getConversation(siteKey, conversation.id))?.status).toBe('waiting');
      });

      it('never gives one conversation twice nor an agent more than their capacity, however many assign at once', async () => {
        for (const id of ['a1', 'a2']) await present(id, { status: 'offline' });
        const agents = Array.from({ length: 5 }, (_, i) => `agent-${i}`);
        for (const id of agents) await present(id, { capacity: 2 });
        const created = await Promise.all(Array.from({ length: 14 }, () => store.createConversation(newConversation())));
        const results = await Promise.all(Array.from({ length: 30 }, () => store.assignNext(siteKey, 'service', now)));
        const assigned = results.filter((c) => c !== null);
        expect(assigned).toHaveLength(10);
        expect(new Set(assigned.map((c) => c.id)).size).toBe(10);
        const loads = await store.agentLoads(siteKey);
        for (const id of agents) expect(loads[id]).toBe(2);
        expect((await store.listQueue(siteKey, 'service', 100)).count).toBe(created.length - 10);
      });

      it('puts a handed-back conversation at the front of its queue and frees the agent’s place', async () => {
        const older = await store.createConversation(newConversation());
        const held = await store.createConversation(newConversation());
        const newer = await store.createConversation(newConversation());
        await claim(older.conversation.id, 'a1');
        await claim(held.conversation.id, 'a1');
        const back = await store.requeueConversation({ siteKey, conversationId: held.conversation.id, agentId: 'a1', now });
        expect(back).toMatchObject({ status: 'waiting', queue: 'service' });
        expect(back.assignedAgentId).toBeUndefined();
        expect(await store.listQueueIds(siteKey, 'service')).toEqual([held.conversation.id, newer.conversation.id]);
        expect(await store.queuePosition(siteKey, 'service', held.conversation.id)).toBe(1);
        expect(await store.queuePosition(siteKey, 'service', older.conversation.id)).toBeNull();
        expect((await store.agentLoads(siteKey)).a1).toBe(1);
        await expect(store.requeueConversation({ siteKey, conversationId: held.conversation.id, agentId: 'a1', now })).rejects.toMatchObject({
          code: 'CONVERSATION_NOT_ACTIVE',
        });
        await expect(store.requeueConversation({ siteKey, conversationId: older.conversation.id, agentId: 'a2', now })).rejects.toMatchObject({
          code: 'CONVERSATION_NOT_ASSIGNED_TO_YOU',
        });
      });

      it('keeps each conversation’s queue order as its queue’s score: priority, hand-back, transfer', async () => {
        const order = async (queue: 'service' | 'support') => (await store.listQueue(siteKey, queue, 100)).entries.map((e) => [e.conversationId, e.queueOrder]);
        const regular = await store.createConversation(newConversation());
        const vip = await store.createConversation(newConversation({ priorityMs: 60_000 }));
        expect(vip.conversation.queueOrder).toBe(vip.conversation.queuedAt - 60_000);
        expect(await order('service')).toEqual([
          [vip.conversation.id, vip.conversation.queuedAt - 60_000],
          [regular.conversation.id, regular.conversation.queuedAt],
        ]);
        // Handed back into a line where it would be first anyway: its own time, not ahead of itself.
        await claim(vip.conversation.id, 'a1');
        await claim(regular.conversation.id, 'a1');
        const back = await store.requeueConversation({ siteKey, conversationId: vip.conversation.id, agentId: 'a1', now });
        expect(back.queueOrder).toBe(vip.conversation.queuedAt);
        expect(await order('service')).toEqual([[vip.conversation.id, vip.conversation.queuedAt]]);
        // Handed back behind someone waiting since before it: just ahead of them.
        const early = await store.createConversation(newConversation({ now: vip.conversation.queuedAt - 5_000 }));
        await claim(vip.conversation.id, 'a1');
        const again = await store.requeueConversation({ siteKey, conversationId: vip.conversation.id, agentId: 'a1', now });
        expect(again.queueOrder).toBe(early.conversation.queuedAt - 1);
        // Transferred: it waits in the other queue at its original time.
        const moved = await store.transferConversation({
          siteKey, conversationId: regular.conversation.id, agentId: 'a1', agentName: 'Ada', toQueue: 'support', note: 'API', text: 'hi', now,
        });
        expect(moved.queueOrder).toBe(regular.conversation.queuedAt);
        expect(await order('support')).toEqual([[regular.conversation.id, regular.conversation.queuedAt]]);
      });

      it('keeps the latest wait and handle times of each queue', async () => {
        for (let i = 0; i < 60; i++) await store.recordTime(siteKey, 'service', 'wait', i * 1000);
        const waits = await store.recentTimes(siteKey, 'service', 'wait');
        expect(waits).toHaveLength(RECENT_TIMES_KEPT);
        expect(waits[0]).toBe(59_000);
        expect(await store.recentTimes(siteKey, 'support', 'wait')).toEqual([]);
      });

      it('abandons a waiting conversation whose visitor left, counts it, and leaves taken ones alone', async () => {
        const left = await store.createConversation(newConversation());
        const taken = await store.createConversation(newConversation());
        await claim(taken.conversation.id, 'a1');
        await store.setVisitorGone(siteKey, left.conversation.id, now);
        await store.setVisitorGone(siteKey, taken.conversation.id, now + 5);
        expect(await store.listVisitorsGoneBefore(siteKey, now + 1)).toEqual([left.conversation.id]);
        const abandoned = await store.abandonConversation(siteKey, left.conversation.id, now + 10);
        expect(abandoned).toMatchObject({ status: 'abandoned', abandonedAt: now + 10 });
        expect(await store.getOpenConversation(siteKey, left.conversation.visitorId)).toBeNull();
        expect((await store.listQueue(siteKey, 'service', 10)).count).toBe(0);
        expect((await store.getStats(siteKey))['abandoned:service']).toBe(1);
        await expect(store.abandonConversation(siteKey, taken.conversation.id, now)).rejects.toMatchObject({ code: 'CONVERSATION_NOT_WAITING' });
        await store.setVisitorGone(siteKey, taken.conversation.id, null);
        expect(await store.listVisitorsGoneBefore(siteKey, now + 100)).toEqual([]);
      });

      it('keeps an agent’s capacity and disabled flag', async () => {
        const a = await store.createAgent(agent());
        expect(await store.updateAgent(siteKey, a.id, { capacity: 5, disabled: true })).toMatchObject({ capacity: 5, disabled: true });
        expect(await store.getAgent(siteKey, a.id)).toMatchObject({ capacity: 5, disabled: true });
        expect(await store.updateAgent(siteKey, 'a_missing', { capacity: 1 })).toBeNull();
      });
    });

    describe('KPI events and aggregates', () => {
      const HOUR = 3_600_000;
      // Two days ago, 10:30 UTC: Redis expires aggregates by the real clock (hours after 93 days).
      const at = Math.floor(Date.now() / 86_400_000 - 2) * 86_400_000 + 10.5 * HOUR;
      const created = (conversationId: string, when = at): KpiEvent => ({
        type: 'created', at: when, conversationId, queue: 'service', routedBy: 'model', visitorId: 'v1', repeat: false,
      });

      it('records an event once per mark, in its hour, its day and its week, and keeps the raw event', async () => {
        const inc = [{ scope: 'site' as const, field: '*|created', by: 1 }];
        expect(await store.recordKpiEvent({ siteKey, markValue: 1, once: 'created', event: created('c1'), increments: inc })).toBe(true);
        expect(await store.recordKpiEvent({ siteKey, markValue: 1, once: 'created', event: created('c1'), increments: inc })).toBe(false);
        expect(await store.recordKpiEvent({ siteKey, markValue: 1, once: 'created', event: created('c2', at + HOUR), increments: inc })).toBe(true);
        const hour = Math.floor(at / HOUR);
        expect(await store.readKpiBuckets(siteKey, 'site', 'hour', hour - 1, hour + 3)).toEqual([
          { index: hour, fields: { '*|created': 1 } },
          { index: hour + 1, fields: { '*|created': 1 } },
        ]);
        const day = Math.floor(at / 86_400_000);
        expect(await store.readKpiBuckets(siteKey, 'site', 'day', day, day + 1)).toEqual([{ index: day, fields: { '*|created': 2 } }]);
        const week = kpiBucketIndex('week', at);
        expect(await store.readKpiBuckets(siteKey, 'site', 'week', week - 1, week + 2)).toEqual([{ index: week, fields: { '*|created': 2 } }]);
        expect(await store.sumKpiBuckets(siteKey, 'site', 'week', week, week + 1, '*|')).toEqual({ '*|created': 2 });
        expect(await store.readKpiBuckets(siteKey, 'agent', 'day', day, day + 1)).toEqual([]);
        expect((await store.listKpiEvents(siteKey, 10)).map((e) => e.conversationId)).toEqual(['c2', 'c1']);
        expect(await store.readKpiBuckets('site_other', 'site', 'day', day, day + 1)).toEqual([]);
      });

      it('applies first-only increments only to the first event of a kind, and keeps scopes apart', async () => {
        const assigned = (when: number): KpiEvent => ({ type: 'assigned', at: when, conversationId: 'c1', queue: 'service', agentId: 'a1', waitMs: 5 });
        const inc = [
          { scope: 'agent' as const, field: 'a:a1|assigned', by: 1 },
          { scope: 'site' as const, field: '*|wait.n', by: 1, firstOnly: true },
        ];
        expect(await store.recordKpiEvent({ siteKey, markValue: 1, once: `assigned:${at}`, first: 'assigned', event: assigned(at), increments: inc })).toBe(true);
        expect(await store.recordKpiEvent({ siteKey, markValue: 1, once: `assigned:${at + 1}`, first: 'assigned', event: assigned(at + 1), increments: inc })).toBe(true);
        const day = Math.floor(at / 86_400_000);
        expect(await store.readKpiBuckets(siteKey, 'site', 'day', day, day + 1)).toEqual([{ index: day, fields: { '*|wait.n': 1 } }]);
        expect(await store.readKpiBuckets(siteKey, 'agent', 'day', day, day + 1)).toEqual([{ index: day, fields: { 'a:a1|assigned': 2 } }]);
      });

      it('keeps a value with each mark, read back by name', async () => {
        const assigned = (when: number, waitMs: number): KpiEvent => ({ type: 'assigned', at: when, conversationId: 'c1', queue: 'service', agentId: 'a1', waitMs });
        await store.recordKpiEvent({ siteKey, markValue: 0, once: 'created', event: created('c1'), increments: [] });
        await store.recordKpiEvent({ siteKey, markValue: 4_000, once: `assigned:${at}`, first: 'assigned', event: assigned(at, 4_000), increments: [] });
        await store.recordKpiEvent({ siteKey, markValue: 9_000, once: `assigned:${at + 1}`, first: 'assigned', event: assigned(at + 1, 9_000), increments: [] });
        // The first assignment's wait stays with the `assigned` mark; a mark never recorded is absent.
        expect(await store.readKpiMarks(siteKey, 'c1', ['created', 'assigned', 'first-reply'])).toEqual({ created: 0, assigned: 4_000 });
        expect(await store.readKpiMarks(siteKey, 'c2', ['created'])).toEqual({});
      });

      it('keeps the category scope apart from the others', async () => {
        const day = Math.floor(at / 86_400_000);
        await store.recordKpiEvent({ siteKey, markValue: 1, once: 'created', event: created('c1'), increments: [{ scope: 'category', field: 'c:Billing|resolved', by: 1 }] });
        expect(await store.readKpiBuckets(siteKey, 'category', 'day', day, day + 1)).toEqual([{ index: day, fields: { 'c:Billing|resolved': 1 } }]);
        expect(await store.readKpiBuckets(siteKey, 'site', 'day', day, day + 1)).toEqual([]);
      });

      it('sums the fields with a prefix over many buckets', async () => {
        const hour = Math.floor(at / HOUR);
        // Eleven hours: more than one call's worth of keys in Redis (eight per call).
        for (let h = 0; h < 11; h++) {
          const event = created(`c${h}`, (hour + h) * HOUR);
          const increments = [
            { scope: 'agent' as const, field: 'a:a1|frt.sum', by: 1_000_000_000_000 + h },
            { scope: 'agent' as const, field: 'a:a2|frt.sum', by: 1 },
            { scope: 'agent' as const, field: 'b:x|n', by: 1 },
          ];
          await store.recordKpiEvent({ siteKey, markValue: 1, once: 'created', event, increments });
        }
        expect(await store.sumKpiBuckets(siteKey, 'agent', 'hour', hour - 2, hour + 12, 'a:')).toEqual({ 'a:a1|frt.sum': 11_000_000_000_055, 'a:a2|frt.sum': 11 });
        expect(await store.sumKpiBuckets(siteKey, 'agent', 'hour', hour, hour + 3, 'a:a2|')).toEqual({ 'a:a2|frt.sum': 3 });
        expect(Object.keys(await store.sumKpiBuckets(siteKey, 'agent', 'hour', hour, hour + 1, ''))).toHaveLength(3);
        expect(await store.sumKpiBuckets(siteKey, 'agent', 'hour', hour + 20, hour + 30, '')).toEqual({});
      });

      it('keeps a survey answer once, on a resolved conversation of that visitor only', async () => {
        const { conversation } = await store.createConversation(newConversation());
        const rate = (visitorId = conversation.visitorId) =>
          store.rateConversation({ siteKey, conversationId: conversation.id, visitorId, rating: { csat: 5, at: now } });
        await expect(rate()).rejects.toMatchObject({ code: 'CONVERSATION_NOT_RESOLVED' });
        await store.claimConversation({ siteKey, conversationId: conversation.id, agentId: 'a1', agentName: 'A', skills: ['service'], now });
        await store.resolveConversation({ siteKey, conversationId: conversation.id, agentId: 'a1', now: now + 1 });
        await expect(rate('v_someone_else')).rejects.toMatchObject({ code: 'CONVERSATION_NOT_FOUND' });
        expect(await rate()).toMatchObject({ status: 'resolved', rating: { csat: 5, at: now } });
        await expect(rate()).rejects.toMatchObject({ code: 'RATING_ALREADY_GIVEN' });
        expect((await store.getConversation(siteKey, conversation.id))!.rating).toEqual({ csat: 5, at: now });
        await expect(
          store.rateConversation({ siteKey, conversationId: 'c_missing', visitorId: 'v', rating: { csat: 1, at: now } }),
        ).rejects.toMatchObject({ code: 'CONVERSATION_NOT_FOUND' });
      });

      it('keeps API tokens by hash, per site', async () => {
        await store.addApiToken(siteKey, { hash: 'h1', name: 'wallboard', createdAt: now });
        expect(await store.findApiToken(siteKey, 'h1')).toEqual({ hash: 'h1', name: 'wallboard', createdAt: now });
        expect(await store.findApiToken(siteKey, 'h2')).toBeNull();
        expect(await store.findApiToken('site_other', 'h1')).toBeNull();
      });
    });

    describe('seen marks', () => {
      it('moves each side forward only, keeps the two sides apart, and forgets them with the conversation', async () => {
        const { conversation, message: first } = await store.createConversation(newConversation());
        const { message: second } = await store.appendMessage({ siteKey, conversationId: conversation.id, clientId: 'client-seen-2', author: 'visitor', text: 'more', now });
        expect(await store.getSeen(siteKey, conversation.id)).toEqual({});

        expect(await store.markSeen({ siteKey, conversationId: conversation.id, by: 'agent', lastSeenId: second.id })).toEqual({ moved: true, seen: { agent: second.id } });
        // Older or equal: nothing moves.
        expect(await store.markSeen({ siteKey, conversationId: conversation.id, by: 'agent', lastSeenId: first.id })).toEqual({ moved: false, seen: { agent: second.id } });
        expect(await store.markSeen({ siteKey, conversationId: conversation.id, by: 'agent', lastSeenId: second.id })).toEqual({ moved: false, seen: { agent: second.id } });
        expect(await store.markSeen({ siteKey, conversationId: conversation.id, by: 'visitor', lastSeenId: first.id })).toEqual({
          moved: true,
          seen: { visitor: first.id, agent: second.id },
        });
        // An id that is no message of the conversation is refused (a mark never runs ahead of what was written).
        await expect(store.markSeen({ siteKey, conversationId: conversation.id, by: 'visitor', lastSeenId: '99999999999999-0' })).rejects.toMatchObject({
          code: 'MESSAGE_NOT_FOUND',
        });
        expect(await store.getSeen(siteKey, conversation.id)).toEqual({ visitor: first.id, agent: second.id });
        // The conversation itself is unchanged.
        expect(await store.getConversation(siteKey, conversation.id)).toEqual(conversation);

        await store.deleteConversation(siteKey, conversation.id);
        expect(await store.getSeen(siteKey, conversation.id)).toEqual({});
      });

      it('refuses a conversation that does not exist, or of another site, and keeps nothing', async () => {
        const { conversation, message } = await store.createConversation(newConversation());
        await expect(store.markSeen({ siteKey, conversationId: 'c_nope', by: 'visitor', lastSeenId: message.id })).rejects.toMatchObject({ code: 'CONVERSATION_NOT_FOUND' });
        await expect(store.markSeen({ siteKey: 'site_other', conversationId: conversation.id, by: 'visitor', lastSeenId: message.id })).rejects.toMatchObject({
          code: 'CONVERSATION_NOT_FOUND',
        });
        expect(await store.getSeen('site_other', conversation.id)).toEqual({});
        expect(await store.getSeen(siteKey, 'c_nope')).toEqual({});
      });
    });

    it('keeps sites apart: a conversation of one site is not found through another', async () => {
      const { conversation } = await store.createConversation(newConversation());
      expect(await store.getConversation('site_other', conversation.id)).toBeNull();
      await expect(
        store.claimConversation({ siteKey: 'site_other', conversationId: conversation.id, agentId: 'a1', agentName: 'A', skills: ['service'], now }),
      ).rejects.toMatchObject({ code: 'CONVERSATION_NOT_FOUND' });
    });

    describeWebhookContract(() => store, siteKey);
    describeAdminContract(() => store, siteKey);
    describeRouterLearningContract(() => store, siteKey);
  });
}
