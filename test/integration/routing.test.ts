import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ConversationView, QueueEntry } from '../../shared/protocol';
import { DEFAULT_SITE_SETTINGS } from '../../shared/site-settings';
import { emitWithTimeout } from '../../shared/emit-with-timeout';
import { expectOk, expectRefused } from '../helpers/acks';
import { connectAgent, connectVisitor, disconnectAll, logIn, type VisitorClient } from '../helpers/clients';
import { assertRedisReachable } from '../helpers/redis';
import { siteApi } from '../helpers/site-api';
import { startApp, type StartedApp } from '../helpers/start-app';
import { collect, eventually, waitFor } from '../helpers/wait-for';

describe('routing: rules, the visitor topic, re-routing while waiting, transfers that teach', () => {
  let started: StartedApp;
  let adminCookie: string;

  const api = (method: string, path: string, body?: unknown, cookie = adminCookie) => siteApi(started, method, path, cookie, body);

  /** The conversation a first message started, as the team sees it (the visitor is never told how it was routed). */
  const firstMessage = async (visitor: VisitorClient, text: string, topic?: 'service' | 'support') => {
    const { conversation } = expectOk(await emitWithTimeout(visitor, 2000, 'message:send', { clientId: randomUUID(), text, ...(topic ? { topic } : {}) }));
    return (await started.app.store.getConversation(started.siteKey, conversation.id))!;
  };

  beforeAll(async () => {
    await assertRedisReachable();
    started = await startApp();
    adminCookie = await logIn(started.url, started.adminAgent);
  });
  afterEach(async () => {
    disconnectAll();
    await api('PATCH', '/routing/settings', { topicQuestion: false, fallbackQueue: 'service' });
    const { rules } = (await (await api('GET', '/routing')).json()) as { rules: { id: string }[] };
    for (const rule of rules) await api('DELETE', `/routing/rules/${rule.id}`);
  });
  afterAll(() => started?.close());

  it('sends a message with a rule phrase to the rule queue, whatever the classifier thinks', async () => {
    const created = await api('POST', '/routing/rules', { phrase: 'Invoice portal', queue: 'support' });
    expect(created.status).toBe(201);
    const visitor = await connectVisitor(started.url, { siteKey: started.siteKey });
    const conversation = await firstMessage(visitor, 'i need a refund, the invoice-portal charged me twice');
    expect(conversation.queue).toBe('support');
    expect(conversation.routing).toMatchObject({ by: 'rule', confidence: 1, uncertain: false });
    expect(conversation.routing.reason).toContain('Invoice portal');
  });

  it("follows the visitor's topic choice only when the site asks the question", async () => {
    const quiet = await connectVisitor(started.url, { siteKey: started.siteKey });
    expect((await firstMessage(quiet, 'hello there', 'support')).routing.by).not.toBe('visitor');

    expect((await api('PATCH', '/routing/settings', { topicQuestion: true })).status).toBe(200);
    const visitor = await connectVisitor(started.url, { siteKey: started.siteKey });
    const session = expectOk(await emitWithTimeout(visitor, 2000, 'session:resume', {}));
    expect(session.site).toMatchObject({ name: 'Test shop', topicQuestion: true });
    const conversation = await firstMessage(visitor, 'hello there', 'support');
    expect(conversation).toMatchObject({ queue: 'support', routing: { by: 'visitor', uncertain: false } });
  });

  it('places a no-signal opener in the fallback queue, flagged, then moves it when the next message is clear', async () => {
    const serviceAgent = await connectAgent(started.url, started.serviceAgent);
    const supportAgent = await connectAgent(started.url, started.supportAgent);
    const visitor = await connectVisitor(started.url, { siteKey: started.siteKey });
    const entered = waitFor<[QueueEntry]>(serviceAgent, 'queue:entered');
    const first = await firstMessage(visitor, 'hi');
    expect(first).toMatchObject({ queue: 'service', routing: { by: 'default', uncertain: true } });
    expect((await entered)[0].routing.uncertain).toBe(true);

    const left = waitFor(serviceAgent, 'queue:left');
    const arrived = waitFor<[QueueEntry]>(supportAgent, 'queue:entered');
    const sent = expectOk(
      await emitWithTimeout(visitor, 2000, 'message:send', { clientId: randomUUID(), text: 'the app crashes with error 500 every time i log in' }),
    );
    expect(sent.conversation).toMatchObject({ id: first.id, queue: 'support', queuedAt: first.queuedAt });
    expect((await started.app.store.getConversation(started.siteKey, first.id))!.routing).toMatchObject({ uncertain: false });
    await left;
    expect((await arrived)[0]).toMatchObject({ conversationId: first.id, queuedAt: first.queuedAt });
    const workspace = expectOk(await emitWithTimeout(supportAgent, 2000, 'workspace:load', {}));
    expect(workspace.queues[0]!.entries.map((e) => e.conversationId)).toContain(first.id);
  });

  it('transfers a conversation to the other queue with a note, tells everyone, and exports the correction', async () => {
    const serviceAgent = await connectAgent(started.url, started.serviceAgent);
    const supportAgent = await connectAgent(started.url, started.supportAgent);
    const visitor = await connectVisitor(started.url, { siteKey: started.siteKey });
    const conversation = await firstMessage(visitor, 'I was charged twice for my order');
    expect(conversation.queue).toBe('service');
    expectOk(await emitWithTimeout(serviceAgent, 2000, 'conversation:take', { conversationId: conversation.id }));
    await emitWithTimeout(visitor, 2000, 'message:send', { clientId: randomUUID(), text: 'and the checkout page shows a blank screen' });

    const visitorUpdates = collect<ConversationView>(visitor, 'conversation:updated');
    const entered = waitFor<[QueueEntry]>(supportAgent, 'queue:entered');
    const moved = expectOk(
      await emitWithTimeout(serviceAgent, 2000, 'conversation:transfer', { conversationId: conversation.id, queue: 'support', note: 'checkout bug' }),
    );
    expect(moved).toMatchObject({ status: 'waiting', queue: 'support', queuedAt: conversation.queuedAt });
    expect(moved.transfer).toMatchObject({ fromQueue: 'service', note: 'checkout bug', byAgentName: 'sam' });
    expect((await entered)[0]).toMatchObject({ conversationId: conversation.id, transfer: { note: 'checkout bug' } });
    await eventually(() => expect(visitorUpdates.at(-1)).toMatchObject({ status: 'waiting', queue: 'support' }));

    expectRefused(
      await emitWithTimeout(serviceAgent, 2000, 'message:send', { conversationId: conversation.id, clientId: randomUUID(), text: 'still here?' }),
      'CONVERSATION_NOT_ASSIGNED_TO_YOU',
    );
    const taken = expectOk(await emitWithTimeout(supportAgent, 2000, 'conversation:take', { conversationId: conversation.id }));
    expect(taken.messages.map((m) => m.text)).toEqual(['I was charged twice for my order', 'and the checkout page shows a blank screen']);

    const exported = await api('GET', '/routing/corrections?format=jsonl');
    expect(exported.headers.get('content-type')).toContain('application/x-ndjson');
    const rows = (await exported.text()).trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(rows).toContainEqual(
      expect.objectContaining({
        text: 'I was charged twice for my order\nand the checkout page shows a blank screen',
        label: 'support',
        predicted: 'service',
        note: 'checkout bug',
        conversationId: conversation.id,
      }),
    );
  });

  describe('bad input changes nothing and says why', () => {
    it('refuses a transfer to the queue it is in, by an agent who does not hold it, or with an unknown queue', async () => {
      const serviceAgent = await connectAgent(started.url, started.serviceAgent);
      const other = await connectAgent(started.url, started.bothAgent);
      const visitor = await connectVisitor(started.url, { siteKey: started.siteKey });
      const conversation = await firstMessage(visitor, 'I want a refund for my order');
      expectOk(await emitWithTimeout(serviceAgent, 2000, 'conversation:take', { conversationId: conversation.id }));
      const transfer = { conversationId: conversation.id, queue: 'support' as const, note: '' };
      expectRefused(await emitWithTimeout(serviceAgent, 2000, 'conversation:transfer', { ...transfer, queue: 'service' }), 'TRANSFER_SAME_QUEUE');
      expectRefused(await emitWithTimeout(other, 2000, 'conversation:transfer', transfer), 'CONVERSATION_NOT_ASSIGNED_TO_YOU');
      expectRefused(
        await emitWithTimeout(serviceAgent, 2000, 'conversation:transfer', { ...transfer, queue: 'billing' as never }),
        'PAYLOAD_INVALID',
      );
      expectRefused(
        await emitWithTimeout(serviceAgent, 2000, 'conversation:transfer', { ...transfer, note: 'x'.repeat(501) }),
        'PAYLOAD_INVALID',
      );
      expect(await started.app.store.getConversation(started.siteKey, conversation.id)).toMatchObject({ status: 'active', queue: 'service' });
    });

    it('keeps routing settings to the site admin: 401 without a session, 403 for an agent, 404 for another site', async () => {
      const agentCookie = await logIn(started.url, started.serviceAgent);
      expect((await api('POST', '/routing/rules', { phrase: 'x', queue: 'support' }, '')).status).toBe(401);
      const forbidden = await api('POST', '/routing/rules', { phrase: 'x', queue: 'support' }, agentCookie);
      expect(forbidden.status).toBe(403);
      expect(await forbidden.json()).toMatchObject({ error: { code: 'FORBIDDEN' } });
      expect((await api('GET', '/routing', undefined, agentCookie)).status).toBe(200);
      const otherSite = await fetch(`${started.url}/api/v1/sites/site_someone_else/routing`, { headers: { cookie: adminCookie } });
      expect(otherSite.status).toBe(404);
      expect(await otherSite.json()).toMatchObject({ error: { code: 'SITE_NOT_FOUND' } });
      expect((await (await api('GET', '/routing')).json()) as { rules: unknown[] }).toMatchObject({ rules: [] });
    });

    it('refuses malformed rules and settings with PAYLOAD_INVALID, and an unknown rule id with ROUTING_RULE_NOT_FOUND', async () => {
      for (const body of [{ phrase: '', queue: 'support' }, { phrase: 'x', queue: 'sales' }, { phrase: 'x', queue: 'support', extra: 1 }]) {
        const response = await api('POST', '/routing/rules', body);
        expect(response.status, JSON.stringify(body)).toBe(400);
        expect(await response.json()).toMatchObject({ error: { code: 'PAYLOAD_INVALID' } });
      }
      // Well-formed, but it would match every message (or none): its own code (issue 16).
      const broad = await api('POST', '/routing/rules', { phrase: '!!!', queue: 'support' });
      expect(broad.status).toBe(400);
      expect(await broad.json()).toMatchObject({ error: { code: 'ROUTING_RULE_TOO_BROAD', details: { path: '/phrase' } } });
      for (const body of [{}, { topicQuestion: 'yes' }, { fallbackQueue: 'billing' }, { colour: 'red' }]) {
        expect((await api('PATCH', '/routing/settings', body)).status, JSON.stringify(body)).toBe(400);
      }
      const missing = await api('DELETE', '/routing/rules/rule_missing');
      expect(missing.status).toBe(404);
      expect(await missing.json()).toMatchObject({ error: { code: 'ROUTING_RULE_NOT_FOUND' } });
      expect(await (await api('GET', '/routing')).json()).toEqual({
        settings: { ...DEFAULT_SITE_SETTINGS },
        rules: [],
      });
    });
  });
});
