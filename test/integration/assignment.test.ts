/**
 * Queues behaving like a contact centre's: capacity, presence, take-next, auto-assign, hand-back,
 * agents who vanish, positions for waiting visitors, abandonment.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { emitWithTimeout } from '../../shared/emit-with-timeout';
import type { ConversationView, QueueEntry, QueuePosition, TakenConversation } from '../../shared/protocol';
import { expectOk, expectRefused } from '../helpers/acks';
import { connectAgent, connectVisitor, disconnectAll, logIn, type AgentClient, type VisitorClient } from '../helpers/clients';
import { assertRedisReachable } from '../helpers/redis';
import { siteApi, takeEveryoneOffline } from '../helpers/site-api';
import { startApp, type StartedApp, type TestAgent } from '../helpers/start-app';
import { collect, eventually, waitFor } from '../helpers/wait-for';

describe('queues and assignment', () => {
  let started: StartedApp;
  let adminCookie: string;

  const api = (method: string, path: string, body?: unknown) => siteApi(started, method, path, adminCookie, body);

  /** A fresh agent of this test alone, with the given capacity and skills. */
  async function newAgent(capacity: number, skills: ('service' | 'support')[] = ['service']): Promise<TestAgent> {
    const email = `agent-${randomUUID().slice(0, 8)}@agents.example`;
    const view = await started.app.agentAccounts.addAgent({ siteKey: started.siteKey, email, password: 'agent-password', skills, capacity });
    return { email, password: 'agent-password', view };
  }

  async function waitingVisitor(text = 'I was charged twice for my order') {
    const visitor = await connectVisitor(started.url, { siteKey: started.siteKey });
    const sent = expectOk(await emitWithTimeout(visitor, 2000, 'message:send', { clientId: randomUUID(), text }));
    return { visitor, conversation: sent.conversation };
  }

  /** Every test starts with an empty service queue: the shared agents take and resolve what waits. */
  async function drainQueues() {
    const sweeper = await connectAgent(started.url, started.adminAgent);
    for (;;) {
      const next = expectOk(await emitWithTimeout(sweeper, 2000, 'queue:take-next', {}));
      if (!next) break;
      expectOk(await emitWithTimeout(sweeper, 2000, 'conversation:resolve', { conversationId: next.conversation.id }));
    }
    sweeper.disconnect();
  }

  beforeAll(async () => {
    await assertRedisReachable();
    started = await startApp({ env: { AGENT_GRACE_SECONDS: '1', SWEEP_INTERVAL_SECONDS: '0.2' } });
    adminCookie = await logIn(started.url, started.adminAgent);
  });
  afterEach(async () => {
    disconnectAll();
    // An away agent takes nothing, and this process remembers the choice across reconnections:
    // the shared agents a test set away choose online again before the next test.
    for (const a of [started.serviceAgent, started.bothAgent, started.adminAgent]) {
      const s = await connectAgent(started.url, a);
      expectOk(await emitWithTimeout(s, 2000, 'presence:set', { status: 'online' }));
      s.disconnect();
    }
    await takeEveryoneOffline(started);
    await api('PATCH', '/routing/settings', { assignment: 'manual', abandonAfterSeconds: 300 });
    await drainQueues();
  });
  afterAll(() => started?.close());

  it('never gives an agent more than their capacity, and frees a place when one is resolved', async () => {
    const agent = await newAgent(2);
    const socket = await connectAgent(started.url, agent);
    const waiting = [await waitingVisitor(), await waitingVisitor(), await waitingVisitor()];
    const first = expectOk(await emitWithTimeout(socket, 2000, 'queue:take-next', {}));
    const second = expectOk(await emitWithTimeout(socket, 2000, 'queue:take-next', {}));
    // Oldest first.
    expect([first?.conversation.id, second?.conversation.id]).toEqual([waiting[0]!.conversation.id, waiting[1]!.conversation.id]);
    expectRefused(await emitWithTimeout(socket, 2000, 'queue:take-next', {}), 'AGENT_AT_CAPACITY');
    expectRefused(await emitWithTimeout(socket, 2000, 'conversation:take', { conversationId: waiting[2]!.conversation.id }), 'AGENT_AT_CAPACITY');
    expectOk(await emitWithTimeout(socket, 2000, 'conversation:resolve', { conversationId: first!.conversation.id }));
    expect(expectOk(await emitWithTimeout(socket, 2000, 'queue:take-next', {}))?.conversation.id).toBe(waiting[2]!.conversation.id);
  });

  it('gives no conversations to an away agent, and assigns the moment they come online (auto mode)', async () => {
    await api('PATCH', '/routing/settings', { assignment: 'auto' });
    const agent = await newAgent(3);
    const socket = await connectAgent(started.url, agent);
    expectOk(await emitWithTimeout(socket, 2000, 'presence:set', { status: 'away' }));
    const others = await Promise.all([started.serviceAgent, started.bothAgent, started.adminAgent].map(async (a) => {
      const s = await connectAgent(started.url, a);
      expectOk(await emitWithTimeout(s, 2000, 'presence:set', { status: 'away' }));
      return s;
    }));
    const assigned = collect<TakenConversation>(socket, 'conversation:assigned');
    const { conversation, visitor } = await waitingVisitor();
    const visitorSees = waitFor<[ConversationView]>(visitor, 'conversation:updated');
    expect(assigned).toEqual([]);
    expect((await started.app.store.getConversation(started.siteKey, conversation.id))?.status).toBe('waiting');

    expectOk(await emitWithTimeout(socket, 2000, 'presence:set', { status: 'online' }));
    await eventually(() => expect(assigned.map((t) => t.conversation.id)).toEqual([conversation.id]));
    expect(assigned[0]!.messages.map((m) => m.text)).toEqual(['I was charged twice for my order']);
    expect((await visitorSees)[0]).toMatchObject({ status: 'active', assignedAgentName: agent.view.name });
    for (const s of others) s.disconnect();
  });

  it('auto-assigns to the online agent with the most free places', async () => {
    await api('PATCH', '/routing/settings', { assignment: 'auto' });
    for (const a of [started.serviceAgent, started.bothAgent, started.adminAgent]) {
      const s = await connectAgent(started.url, a);
      expectOk(await emitWithTimeout(s, 2000, 'presence:set', { status: 'away' }));
    }
    const small = await newAgent(1);
    const large = await newAgent(4);
    const smallSocket = await connectAgent(started.url, small);
    const largeSocket = await connectAgent(started.url, large);
    const toSmall = collect<TakenConversation>(smallSocket, 'conversation:assigned');
    const toLarge = collect<TakenConversation>(largeSocket, 'conversation:assigned');
    for (let i = 0; i < 5; i++) await waitingVisitor();
    await eventually(() => expect(toSmall.length + toLarge.length).toBe(5));
    expect(toSmall).toHaveLength(1);
    expect(toLarge).toHaveLength(4);
  });

  it('gives a conversation back to the front of the queue when its agent vanishes past the grace period, and keeps every message', async () => {
    const agent = await newAgent(3);
    const socket = await connectAgent(started.url, agent);
    const { visitor, conversation } = await waitingVisitor();
    const later = await waitingVisitor('another question about my invoice');
    expectOk(await emitWithTimeout(socket, 2000, 'conversation:take', { conversationId: conversation.id }));
    expectOk(await emitWithTimeout(socket, 2000, 'message:send', { conversationId: conversation.id, clientId: randomUUID(), text: 'Looking into it' }));

    const watcher = await connectAgent(started.url, started.serviceAgent);
    const backInQueue = collect<QueueEntry>(watcher, 'queue:entered');
    const visitorUpdates = collect<ConversationView>(visitor, 'conversation:updated');
    socket.disconnect(); // the laptop closes
    expectOk(await emitWithTimeout(visitor, 2000, 'message:send', { clientId: randomUUID(), text: 'hello? are you still there' }));

    await eventually(() => expect(backInQueue.map((e) => e.conversationId)).toContain(conversation.id), 10_000);
    expect(backInQueue.filter((e) => e.conversationId === conversation.id)).toHaveLength(1);
    await eventually(() => expect(visitorUpdates.at(-1)).toMatchObject({ status: 'waiting' }));
    expect(await started.app.store.listQueueIds(started.siteKey, 'service')).toEqual([conversation.id, later.conversation.id]);

    const taken = expectOk(await emitWithTimeout(watcher, 2000, 'queue:take-next', {}));
    expect(taken?.conversation.id).toBe(conversation.id);
    expect(taken?.messages.map((m) => m.text)).toEqual(['I was charged twice for my order', 'Looking into it', 'hello? are you still there']);
  });

  it('gives an agent’s conversations back at once when they go offline, and lets an agent hand one back', async () => {
    const agent = await newAgent(3);
    const socket = await connectAgent(started.url, agent);
    const a = await waitingVisitor();
    const b = await waitingVisitor();
    expectOk(await emitWithTimeout(socket, 2000, 'conversation:take', { conversationId: a.conversation.id }));
    expectOk(await emitWithTimeout(socket, 2000, 'conversation:take', { conversationId: b.conversation.id }));

    const back = expectOk(await emitWithTimeout(socket, 2000, 'conversation:release', { conversationId: b.conversation.id }));
    expect(back).toMatchObject({ status: 'waiting' });
    expect(back.assignedAgentId).toBeUndefined();
    expectRefused(await emitWithTimeout(socket, 2000, 'conversation:release', { conversationId: b.conversation.id }), 'CONVERSATION_NOT_ACTIVE');

    expectOk(await emitWithTimeout(socket, 2000, 'presence:set', { status: 'offline' }));
    expect(await started.app.store.listAgentConversations(started.siteKey, agent.view.id)).toEqual([]);
    expect(await started.app.store.listQueueIds(started.siteKey, 'service')).toEqual(expect.arrayContaining([a.conversation.id, b.conversation.id]));
    expectRefused(await emitWithTimeout(socket, 2000, 'queue:take-next', {}), 'AGENT_OFFLINE');
  });

  it('tells waiting visitors their place in line and an estimate, and updates it as the line moves', async () => {
    const agent = await newAgent(3);
    const socket = await connectAgent(started.url, agent);
    const first = await waitingVisitor();
    const second = await waitingVisitor();
    const session = expectOk(await emitWithTimeout(second.visitor, 2000, 'session:resume', {}));
    expect(session.position).toMatchObject({ conversationId: second.conversation.id, position: 2 });
    expect(session.position!.agentsOnline).toBeGreaterThanOrEqual(1);
    expect(session.position!.estimatedWaitMs).toEqual(expect.any(Number));

    const updates = collect<QueuePosition>(second.visitor, 'queue:position');
    expectOk(await emitWithTimeout(socket, 2000, 'conversation:take', { conversationId: first.conversation.id }));
    await eventually(() => expect(updates.at(-1)).toMatchObject({ conversationId: second.conversation.id, position: 1 }));
  });

  it('abandons a waiting conversation whose visitor left and did not come back in time, and counts it', async () => {
    await api('PATCH', '/routing/settings', { abandonAfterSeconds: 1 });
    const watcher = await connectAgent(started.url, started.serviceAgent);
    const left = collect<{ conversationId: string }>(watcher, 'queue:left');
    const { visitor, conversation } = await waitingVisitor();
    const staying = await waitingVisitor();
    const before = (await started.app.store.getStats(started.siteKey))['abandoned:service']!;
    visitor.disconnect();
    await eventually(() => expect(left.map((l) => l.conversationId)).toContain(conversation.id), 10_000);
    expect(await started.app.store.getConversation(started.siteKey, conversation.id)).toMatchObject({ status: 'abandoned' });
    expect((await started.app.store.getStats(started.siteKey))['abandoned:service']).toBe(before + 1);
    expect((await started.app.store.getConversation(started.siteKey, staying.conversation.id))?.status).toBe('waiting');
  });

  it('lets an admin change capacity or disable an agent, whose conversations go back at once', async () => {
    const agent = await newAgent(3);
    const socket = await connectAgent(started.url, agent);
    const { conversation } = await waitingVisitor();
    expectOk(await emitWithTimeout(socket, 2000, 'conversation:take', { conversationId: conversation.id }));
    const capacity = await api('PATCH', `/agents/${agent.view.id}`, { capacity: 5 });
    expect(await capacity.json()).toMatchObject({ capacity: 5 });

    const gone = waitFor(socket, 'disconnect');
    expect((await api('PATCH', `/agents/${agent.view.id}`, { disabled: true })).status).toBe(200);
    await gone;
    expect((await started.app.store.getConversation(started.siteKey, conversation.id))?.status).toBe('waiting');
    const login = await fetch(`${started.url}/api/v1/sessions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: agent.email, password: agent.password }),
    });
    expect(login.status).toBe(401);
  });

  it('hands a conversation to a named colleague, who gets it opened, and refuses one who cannot take it', async () => {
    const from = await newAgent(3);
    const colleague = await newAgent(1);
    const supportOnly = await newAgent(3, ['support']);
    const offline = await newAgent(3);
    const fromSocket = await connectAgent(started.url, from);
    const colleagueSocket = await connectAgent(started.url, colleague);
    await connectAgent(started.url, supportOnly);
    const { conversation, visitor } = await waitingVisitor();
    expectOk(await emitWithTimeout(fromSocket, 2000, 'conversation:take', { conversationId: conversation.id }));
    const handOver = (agentId: string) => emitWithTimeout(fromSocket, 2000, 'conversation:hand-over', { conversationId: conversation.id, agentId, note: 'VIP, be nice' });

    expectRefused(await handOver(supportOnly.view.id), 'SKILL_REQUIRED');
    expectRefused(await handOver(offline.view.id), 'AGENT_OFFLINE');
    expectRefused(await handOver('a_nobody'), 'AGENT_NOT_FOUND');
    expect(await started.app.store.getConversation(started.siteKey, conversation.id)).toMatchObject({ status: 'active', assignedAgentId: from.view.id });

    const opened = waitFor<[TakenConversation]>(colleagueSocket, 'conversation:assigned');
    const visitorSees = collect<ConversationView>(visitor, 'conversation:updated');
    expect(expectOk(await handOver(colleague.view.id))).toMatchObject({ status: 'active', assignedAgentId: colleague.view.id });
    expect((await opened)[0].conversation.id).toBe(conversation.id);
    await eventually(() => expect(visitorSees.at(-1)).toMatchObject({ assignedAgentName: colleague.view.name }));
    expect(await started.app.store.listAgentConversations(started.siteKey, from.view.id)).toEqual([]);

    // The colleague is now full (capacity 1): a second hand-over to them is refused.
    const another = await waitingVisitor();
    expectOk(await emitWithTimeout(fromSocket, 2000, 'conversation:take', { conversationId: another.conversation.id }));
    expectRefused(
      await emitWithTimeout(fromSocket, 2000, 'conversation:hand-over', { conversationId: another.conversation.id, agentId: colleague.view.id, note: '' }),
      'AGENT_AT_CAPACITY',
    );
  });

  describe('bad input changes nothing', () => {
    it('refuses a negative or huge capacity, an unknown agent, a bad presence and a bad assignment mode', async () => {
      const agent = await newAgent(2);
      for (const body of [{ capacity: -1 }, { capacity: 1000 }, { capacity: 'many' }, {}, { disabled: 'yes' }, { role: 'owner' }]) {
        const response = await api('PATCH', `/agents/${agent.view.id}`, body);
        expect(response.status, JSON.stringify(body)).toBe(400);
      }
      expect((await api('PATCH', '/agents/a_nobody', { capacity: 2 })).status).toBe(404);
      expect(await started.app.store.getAgent(started.siteKey, agent.view.id)).toMatchObject({ capacity: 2, disabled: false });
      for (const body of [{ assignment: 'robin' }, { abandonAfterSeconds: 0 }, { abandonAfterSeconds: -5 }]) {
        expect((await api('PATCH', '/routing/settings', body)).status, JSON.stringify(body)).toBe(400);
      }
      const socket = await connectAgent(started.url, agent);
      for (const payload of [{ status: 'busy' }, {}, { status: 'online', extra: 1 }]) {
        expectRefused(await emitWithTimeout(socket, 2000, 'presence:set', payload as never), 'PAYLOAD_INVALID');
      }
      expectRefused(await emitWithTimeout(socket, 2000, 'queue:take-next', { queue: 'service' } as never), 'PAYLOAD_INVALID');
    });

    it('refuses to hand back a conversation the agent does not hold, or that is not waiting to be taken', async () => {
      const agent = await newAgent(2);
      const other = await connectAgent(started.url, started.serviceAgent);
      const socket = await connectAgent(started.url, agent);
      const { conversation } = await waitingVisitor();
      expectRefused(await emitWithTimeout(socket, 2000, 'conversation:release', { conversationId: conversation.id }), 'CONVERSATION_NOT_ACTIVE');
      expectOk(await emitWithTimeout(other, 2000, 'conversation:take', { conversationId: conversation.id }));
      expectRefused(await emitWithTimeout(socket, 2000, 'conversation:release', { conversationId: conversation.id }), 'CONVERSATION_NOT_ASSIGNED_TO_YOU');
      expect((await started.app.store.getConversation(started.siteKey, conversation.id))?.assignedAgentId).toBe(started.serviceAgent.view.id);
    });
  });
});

export type { AgentClient, VisitorClient };
