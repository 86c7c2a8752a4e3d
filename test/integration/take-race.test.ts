import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { emitWithTimeout } from '../../shared/emit-with-timeout';
import type { ConversationId } from '../../shared/ids';
import type { AgentServerEvents, ConversationView } from '../../shared/protocol';
import { expectOk, expectRefused } from '../helpers/acks';
import { connectAgent, connectVisitor, disconnectAll, logIn, type AgentClient, type VisitorClient } from '../helpers/clients';
import { assertRedisReachable } from '../helpers/redis';
import { startApp, type StartedApp, type TestAgent } from '../helpers/start-app';
import { collect } from '../helpers/wait-for';

type QueueLeft = Parameters<AgentServerEvents['queue:left']>;

const ACK_MS = 5_000;

describe('several agents taking one waiting conversation at the same moment', () => {
  let started: StartedApp;

  beforeAll(async () => {
    await assertRedisReachable();
    started = await startApp();
  });
  afterEach(() => disconnectAll());
  afterAll(() => started?.close());

  /** A visitor with a waiting service conversation. */
  async function waitingConversation(text: string): Promise<{ visitor: VisitorClient; conversationId: ConversationId }> {
    const visitor = await connectVisitor(started.url, { siteKey: started.siteKey });
    const sent = expectOk(await emitWithTimeout(visitor, ACK_MS, 'message:send', { clientId: randomUUID(), text }));
    expect(sent.conversation).toMatchObject({ status: 'waiting', queue: 'service' });
    return { visitor, conversationId: sent.conversation.id };
  }

  /** Connected agents, each past a workspace load, as the console does on connect. */
  async function connectAll(agents: TestAgent[]): Promise<AgentClient[]> {
    const sockets = await Promise.all(agents.map((agent) => connectAgent(started.url, agent)));
    await Promise.all(sockets.map(async (socket) => expectOk(await emitWithTimeout(socket, ACK_MS, 'workspace:load', {}))));
    return sockets;
  }

  /**
   * A round trip on every socket. The server broadcasts before it acks the take, and one socket's
   * packets arrive in order, so after this every broadcast of the race has been received.
   */
  async function settle(agents: AgentClient[], visitor: VisitorClient): Promise<void> {
    await Promise.all([
      ...agents.map(async (socket) => expectOk(await emitWithTimeout(socket, ACK_MS, 'workspace:load', {}))),
      emitWithTimeout(visitor, ACK_MS, 'session:resume', {}).then(expectOk),
    ]);
  }

  async function race(agents: TestAgent[]): Promise<void> {
    const { app, siteKey } = started;
    const sockets = await connectAll(agents);
    // Another waiting conversation stays in the queue, so the count after the take is not trivially 0.
    const bystander = await waitingConversation('Do you ship to Norway?');
    const { visitor, conversationId } = await waitingConversation('I was charged twice for my order');
    const waitingBefore = (await app.store.listQueue(siteKey, 'service', 0)).count;

    // `collect` keeps one argument; queue:left has two.
    const left = sockets.map((socket) => {
      const seen: QueueLeft[] = [];
      socket.on('queue:left', (...args) => seen.push(args));
      return seen;
    });
    const visitorUpdates = collect<ConversationView>(visitor, 'conversation:updated');

    const acks = await Promise.all(sockets.map((socket) => emitWithTimeout(socket, ACK_MS, 'conversation:take', { conversationId })));

    const winners = acks.flatMap((ack, i) => (ack.ok ? [{ ack, agent: agents[i]! }] : []));
    expect(winners).toHaveLength(1);
    const [{ ack: won, agent: winner }] = winners as [(typeof winners)[number]];
    for (const ack of acks) if (!ack.ok) expectRefused(ack, 'CONVERSATION_NOT_WAITING');
    expect(acks.filter((ack) => !ack.ok)).toHaveLength(agents.length - 1);

    const taken = expectOk(won);
    expect(taken.conversation).toMatchObject({
      id: conversationId,
      status: 'active',
      assignedAgentId: winner.view.id,
      assignedAgentName: winner.view.name,
    });
    expect(taken.messages.map((m) => m.text)).toEqual(['I was charged twice for my order']);

    // The store agrees: held by the winner alone, out of the queue, the bystander still waiting.
    expect(await app.store.getConversation(siteKey, conversationId)).toMatchObject({ status: 'active', assignedAgentId: winner.view.id });
    const queue = await app.store.listQueue(siteKey, 'service', 100);
    expect(queue.count).toBe(waitingBefore - 1);
    expect(queue.entries.map((e) => e.conversationId)).toContain(bystander.conversationId);
    expect(queue.entries.map((e) => e.conversationId)).not.toContain(conversationId);
    for (const agent of agents) {
      const held = (await app.store.listAgentConversations(siteKey, agent.view.id)).map((c) => c.id);
      expect(held.includes(conversationId)).toBe(agent === winner);
    }

    await settle(sockets, visitor);
    // Every agent serving the queue heard once that it left, with the count still waiting.
    for (const seen of left) {
      const aboutThis = seen.filter(([event]) => event.conversationId === conversationId);
      expect(aboutThis).toEqual([[{ conversationId, queue: 'service', takenBy: winner.view.id }, waitingBefore - 1]]);
    }
    // The visitor heard exactly once who took it.
    expect(visitorUpdates).toHaveLength(1);
    expect(visitorUpdates[0]).toMatchObject({ id: conversationId, status: 'active', assignedAgentName: winner.view.name });
  }

  it('gives it to exactly one of two agents; the other gets CONVERSATION_NOT_WAITING', async () => {
    await race([started.serviceAgent, started.bothAgent]);
  });

  it('gives it to exactly one of ten agents; the nine others get CONVERSATION_NOT_WAITING', async () => {
    const { app, siteKey, prefix } = started;
    const agents: TestAgent[] = await Promise.all(
      Array.from({ length: 10 }, async (_, i) => {
        const email = `racer${i}-${prefix.slice(-12)}@agents.example`;
        const password = `racer${i}-password`;
        const view = await app.agentAccounts.addAgent({ siteKey, email, name: `Racer ${i}`, password, skills: ['service'] });
        return { email, password, view };
      }),
    );
    await race(agents);
  });

  it('lets the same agent racing from two tabs hold it once, both tabs told it is theirs', async () => {
    const { url, app, siteKey, serviceAgent } = started;
    const cookie = await logIn(url, serviceAgent);
    const tabs = await Promise.all([connectAgent(url, cookie), connectAgent(url, cookie)]);
    const { conversationId } = await waitingConversation('Can I change the delivery address?');
    const acks = await Promise.all(tabs.map((tab) => emitWithTimeout(tab, ACK_MS, 'conversation:take', { conversationId })));
    for (const ack of acks) expect(expectOk(ack).conversation).toMatchObject({ id: conversationId, assignedAgentId: serviceAgent.view.id });
    const held = await app.store.listAgentConversations(siteKey, serviceAgent.view.id);
    expect(held.filter((c) => c.id === conversationId)).toHaveLength(1);
  });
});
