/**
 * Two server processes on one Redis, as behind a load balancer: server A runs in this process,
 * server B is a real `node --import tsx server/main.ts`. Visitors and agents on different servers
 * must see the same queues, the same conversations and the same races as on one.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { takeEveryoneOffline } from '../helpers/site-api';
import { emitWithTimeout } from '../../shared/emit-with-timeout';
import type { ConversationView, HandshakeError, MessageView, QueueEntry, QueuePosition, TakenConversation } from '../../shared/protocol';
import { expectOk, expectRefused } from '../helpers/acks';
import { connectAgent, connectVisitor, disconnectAll, logIn, type AgentClient } from '../helpers/clients';
import { dropConnection } from '../helpers/drop-connection';
import { assertRedisReachable, TEST_REDIS_URL } from '../helpers/redis';
import { startServerProcess, type ServerProcess } from '../helpers/server-process';
import { startApp, type StartedApp, type TestAgent } from '../helpers/start-app';
import { collect, eventually, waitFor } from '../helpers/wait-for';

const SESSION_SECRET = 'two-servers-test-secret-long-enough-for-the-check';
/** Both servers give an absent agent's conversations back after 1 s and look every 0.2 s. */
const FAST_SWEEPS = { AGENT_GRACE_SECONDS: '1', SWEEP_INTERVAL_SECONDS: '0.2' };

// Server B runs with the real abuse limits of shared/limits.ts, counted in Redis together with A's
// hits: this file stays well under them (20 new conversations and 120 connections a minute per IP).
describe('two server processes on one Redis', () => {
  let a: StartedApp;
  let b: ServerProcess;
  const urls = { A: '', B: '' };
  /** Session cookies, logged in once: sessions live in Redis, so either server accepts them. */
  const cookies = new Map<string, string>();

  beforeAll(async () => {
    await assertRedisReachable();
    a = await startApp({ env: { SESSION_SECRET, ...FAST_SWEEPS } });
    b = await startServerProcess({ REDIS_URL: TEST_REDIS_URL, REDIS_PREFIX: a.prefix, SESSION_SECRET, ...FAST_SWEEPS });
    urls.A = a.url;
    urls.B = b.url;
  });

  afterEach(async () => {
    disconnectAll();
    // Every agent of the test is gone for the next one, and whatever still waits is taken and closed.
    await takeEveryoneOffline(a);
    await a.app.siteRouting.updateSettings(a.siteKey, { assignment: 'manual' }, 'test');
    const sweeper = await agentOn('A', a.adminAgent);
    for (;;) {
      const next = expectOk(await emitWithTimeout(sweeper, 2000, 'queue:take-next', {}));
      if (!next) break;
      expectOk(await emitWithTimeout(sweeper, 2000, 'conversation:resolve', { conversationId: next.conversation.id }));
    }
    sweeper.disconnect();
  });

  afterAll(async () => {
    disconnectAll();
    await b?.stop();
    await a?.close();
  });

  /** A fresh service agent of one test, logged in through server A. */
  async function newAgent(capacity = 3): Promise<TestAgent> {
    const email = `agent-${randomUUID().slice(0, 8)}@agents.example`;
    const view = await a.app.agentAccounts.addAgent({ siteKey: a.siteKey, email, password: 'agent-password', skills: ['service'], capacity });
    const agent = { email, password: 'agent-password', view };
    cookies.set(email, await logIn(a.url, agent));
    return agent;
  }

  async function agentOn(server: 'A' | 'B', agent: TestAgent): Promise<AgentClient> {
    if (!cookies.has(agent.email)) cookies.set(agent.email, await logIn(a.url, agent));
    return connectAgent(urls[server], cookies.get(agent.email)!);
  }

  async function waitingVisitorOn(server: 'A' | 'B', text = 'I was charged twice for my order') {
    const visitor = await connectVisitor(urls[server], { siteKey: a.siteKey });
    const sent = expectOk(await emitWithTimeout(visitor, 3000, 'message:send', { clientId: randomUUID(), text, topic: 'service' }));
    return { visitor, conversation: sent.conversation };
  }

  it.each([
    ['A', 'B'],
    ['B', 'A'],
  ] as const)('visitor on %s, agent on %s: live queue, take, messages both ways, positions, resolve', async (visitorOn, agentServer) => {
    const agent = await newAgent();
    const socket = await agentOn(agentServer, agent);
    const entered = collect<QueueEntry>(socket, 'queue:entered');

    const first = await waitingVisitorOn(visitorOn);
    await eventually(() => expect(entered.map((e) => e.conversationId)).toContain(first.conversation.id));
    const second = await waitingVisitorOn(visitorOn, 'my invoice shows the wrong address');
    await eventually(() => expect(entered.map((e) => e.conversationId)).toContain(second.conversation.id));
    const workspace = expectOk(await emitWithTimeout(socket, 2000, 'workspace:load', {}));
    expect(workspace.queues.find((q) => q.queue === 'service')?.entries.map((e) => e.conversationId)).toEqual([
      first.conversation.id,
      second.conversation.id,
    ]);
    const resumed = expectOk(await emitWithTimeout(second.visitor, 2000, 'session:resume', {}));
    expect(resumed.position).toMatchObject({ conversationId: second.conversation.id, position: 2 });
    const positions = collect<QueuePosition>(second.visitor, 'queue:position');

    // The take happens on the agent's server; the visitor on the other hears of it.
    const joined = waitFor<[ConversationView]>(first.visitor, 'conversation:updated');
    const taken = expectOk(await emitWithTimeout(socket, 2000, 'conversation:take', { conversationId: first.conversation.id }));
    expect(taken.messages.map((m) => m.text)).toEqual(['I was charged twice for my order']);
    expect((await joined)[0]).toMatchObject({ id: first.conversation.id, status: 'active', assignedAgentName: agent.view.name });
    await eventually(() => expect(positions.at(-1)).toMatchObject({ conversationId: second.conversation.id, position: 1 }));

    const toVisitor = waitFor<[MessageView]>(first.visitor, 'message:new');
    expectOk(await emitWithTimeout(socket, 2000, 'message:send', { conversationId: first.conversation.id, clientId: randomUUID(), text: 'Let me check' }));
    expect((await toVisitor)[0]).toMatchObject({ author: 'agent', text: 'Let me check' });
    const toAgent = waitFor<[MessageView]>(socket, 'message:new');
    expectOk(await emitWithTimeout(first.visitor, 2000, 'message:send', { clientId: randomUUID(), text: 'Order 88123' }));
    expect((await toAgent)[0]).toMatchObject({ author: 'visitor', text: 'Order 88123', conversationId: first.conversation.id });

    const ended = waitFor<[ConversationView]>(first.visitor, 'conversation:updated');
    expectOk(await emitWithTimeout(socket, 2000, 'conversation:resolve', { conversationId: first.conversation.id }));
    expect((await ended)[0]).toMatchObject({ id: first.conversation.id, status: 'resolved' });
  });

  it('two agents on different servers racing for one conversation: exactly one wins, every time', async () => {
    const [agentA, agentB] = [await newAgent(10), await newAgent(10)];
    const onA = await agentOn('A', agentA);
    const onB = await agentOn('B', agentB);
    const agentIds = new Map<AgentClient, string>([
      [onA, agentA.view.id],
      [onB, agentB.view.id],
    ]);
    const leftOnA = collect<{ conversationId: string; takenBy?: string }>(onA, 'queue:left');
    const leftOnB = collect<{ conversationId: string; takenBy?: string }>(onB, 'queue:left');
    const wins = { A: 0, B: 0 };

    for (let round = 0; round < 4; round++) {
      const { conversation } = await waitingVisitorOn(round % 2 === 0 ? 'A' : 'B');
      const [fromA, fromB] = await Promise.all(
        [onA, onB].map((socket) => emitWithTimeout(socket, 3000, 'conversation:take', { conversationId: conversation.id })),
      );
      const winners = [fromA!, fromB!].filter((ack) => ack.ok);
      expect(winners).toHaveLength(1);
      const [winner, loserAck] = fromA!.ok ? ([onA, fromB!] as const) : ([onB, fromA!] as const);
      wins[winner === onA ? 'A' : 'B']++;
      expectRefused(loserAck, 'CONVERSATION_NOT_WAITING');
      const stored = await a.app.store.getConversation(a.siteKey, conversation.id);
      expect(stored).toMatchObject({ status: 'active', assignedAgentId: agentIds.get(winner) });
      // Both servers' agents see it leave the queue, taken by the winner.
      for (const left of [leftOnA, leftOnB]) {
        await eventually(() => expect(left.filter((l) => l.conversationId === conversation.id)).toEqual([{ conversationId: conversation.id, queue: 'service', takenBy: agentIds.get(winner) }]));
      }
    }
    const loads = await a.app.store.agentLoads(a.siteKey);
    expect((loads[agentIds.get(onA)!] ?? 0) + (loads[agentIds.get(onB)!] ?? 0)).toBe(4);
    expect(loads[agentIds.get(onA)!] ?? 0).toBe(wins.A);
  });

  it('accepts on one server a visitor token issued by the other, and refuses a forged one', async () => {
    for (const [from, to] of [['A', 'B'], ['B', 'A']] as const) {
      const first = await connectVisitor(urls[from], { siteKey: a.siteKey });
      const session = expectOk(await emitWithTimeout(first, 2000, 'session:resume', {}));
      const { conversation, message } = expectOk(await emitWithTimeout(first, 2000, 'message:send', { clientId: randomUUID(), text: 'Do you ship to Norway?', topic: 'service' }));
      first.disconnect();

      const again = await connectVisitor(urls[to], { siteKey: a.siteKey, token: session.token });
      const resumed = expectOk(await emitWithTimeout(again, 2000, 'session:resume', {}));
      expect(resumed).toMatchObject({ visitorId: session.visitorId, conversation: { id: conversation.id, status: 'waiting' } });
      expect(resumed.messages.map((m) => m.id)).toEqual([message.id]);
      // Writing from the other server goes on in the same conversation.
      const more = expectOk(await emitWithTimeout(again, 2000, 'message:send', { clientId: randomUUID(), text: 'and to Iceland?' }));
      expect(more.conversation.id).toBe(conversation.id);

      const forged = `${session.visitorId}.${'A'.repeat(43)}`;
      const refused = await connectVisitor(urls[to], { siteKey: a.siteKey, token: forged }).then(
        () => null,
        (error: HandshakeError) => error,
      );
      expect(refused?.data).toMatchObject({ code: 'VISITOR_TOKEN_INVALID' });
    }
  });

  it('accepts on one server an agent session opened on the other', async () => {
    const agent = await newAgent();
    const cookie = await logIn(urls.B, agent);
    const socket = await connectAgent(urls.A, cookie);
    expect(expectOk(await emitWithTimeout(socket, 2000, 'workspace:load', {})).agent.id).toBe(agent.view.id);
  });

  it('auto mode: a visitor on A is offered at once to an online agent on B', async () => {
    await a.app.siteRouting.updateSettings(a.siteKey, { assignment: 'auto' }, 'test');
    const agent = await newAgent();
    const socket = await agentOn('B', agent);
    const assigned = collect<TakenConversation>(socket, 'conversation:assigned');
    const { visitor, conversation } = await waitingVisitorOn('A');
    await eventually(() => expect(assigned.map((t) => t.conversation.id)).toEqual([conversation.id]));
    expect(assigned[0]!.messages.map((m) => m.text)).toEqual(['I was charged twice for my order']);
    const resumed = expectOk(await emitWithTimeout(visitor, 2000, 'session:resume', {}));
    expect(resumed.conversation).toMatchObject({ status: 'active', assignedAgentName: agent.view.name });
  });

  it('an agent on B whose connection dies: the conversation is back in line exactly once, and an agent on A takes it with every message', async () => {
    const agent = await newAgent();
    const onB = await agentOn('B', agent);
    const { visitor, conversation } = await waitingVisitorOn('A');
    expectOk(await emitWithTimeout(onB, 2000, 'conversation:take', { conversationId: conversation.id }));
    expectOk(await emitWithTimeout(onB, 2000, 'message:send', { conversationId: conversation.id, clientId: randomUUID(), text: 'Looking into it' }));

    const watcher = await agentOn('A', await newAgent());
    const entered = collect<QueueEntry>(watcher, 'queue:entered');
    const gone = waitFor(onB, 'disconnect');
    dropConnection(onB);
    await gone;
    expectOk(await emitWithTimeout(visitor, 2000, 'message:send', { clientId: randomUUID(), text: 'hello?' }));

    // Both servers sweep every 0.2 s; only one of them may give it back.
    await eventually(() => expect(entered.map((e) => e.conversationId)).toContain(conversation.id), 10_000);
    expectOk(await emitWithTimeout(visitor, 2000, 'message:send', { clientId: randomUUID(), text: 'anyone there?' }));
    await new Promise((r) => setTimeout(r, 1_000));
    expect(entered.filter((e) => e.conversationId === conversation.id)).toHaveLength(1);
    expect((await a.app.store.listQueueIds(a.siteKey, 'service')).filter((id) => id === conversation.id)).toHaveLength(1);

    const taken = expectOk(await emitWithTimeout(watcher, 2000, 'conversation:take', { conversationId: conversation.id }));
    expect(taken.messages.map((m) => m.text)).toEqual(['I was charged twice for my order', 'Looking into it', 'hello?', 'anyone there?']);
  });
});
