/**
 * kill -9 one of two server processes mid-conversation (issue 17): its visitor and agent come
 * back on the other process and pick up where they were, as a widget and a console do (resume from
 * the last id seen, resend what was not acked with the same client ids); nothing is lost, nothing
 * is stored twice, and the agent's conversation is still theirs while they are away for less than
 * the grace period, though the survivor's sweep looks every half second.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedisStore, type RedisStore } from '../../../server/store/redis/redis-store';
import { emitWithTimeout } from '../../../shared/emit-with-timeout';
import type { MessageView, TakenConversation } from '../../../shared/protocol';
import { expectOk } from '../../helpers/acks';
import { connectAgent, connectVisitor, disconnectAll, type AgentClient, type VisitorClient } from '../../helpers/clients';
import { FAULT_SESSION_SECRET, seedFaultSite, type FaultSite } from '../../helpers/fault-scene';
import { assertRedisReachable, deletePrefix, testPrefix, TEST_REDIS_URL } from '../../helpers/redis';
import { startServerProcess, type ServerProcess } from '../../helpers/server-process';
import { waitFor } from '../../helpers/wait-for';

const GRACE = { AGENT_GRACE_SECONDS: '30', SWEEP_INTERVAL_SECONDS: '0.5' };

describe('kill -9 of one of two server processes', () => {
  const prefix = testPrefix();
  let store: RedisStore;
  let site: FaultSite;
  let doomed: ServerProcess;
  let survivor: ServerProcess;

  beforeAll(async () => {
    await assertRedisReachable();
    store = createRedisStore({ url: TEST_REDIS_URL, prefix });
    site = await seedFaultSite(store, { assignment: 'auto' });
    const env = { REDIS_URL: TEST_REDIS_URL, REDIS_PREFIX: prefix, SESSION_SECRET: FAULT_SESSION_SECRET, ...GRACE };
    [doomed, survivor] = await Promise.all([startServerProcess(env, 60_000), startServerProcess(env, 60_000)]);
  }, 90_000);

  afterAll(async () => {
    disconnectAll();
    await Promise.all([doomed?.stop(), survivor?.stop()]);
    await store?.close();
    await deletePrefix(prefix);
  });

  it('its clients resume on the other process: nothing lost, nothing doubled, the agent keeps the chat', { timeout: 60_000 }, async () => {
    const agent = await connectAgent(doomed.url, site.agentCookies[0]!);
    const visitor = await connectVisitor(doomed.url, { siteKey: site.siteKey });
    const offered = waitFor<[TakenConversation]>(agent, 'conversation:assigned');
    const first = expectOk(await emitWithTimeout(visitor, 5_000, 'message:send', { clientId: randomUUID(), text: 'My order never came', topic: 'service' }));
    const conversationId = first.conversation.id;
    await offered;
    const { token } = expectOk(await emitWithTimeout(visitor, 5_000, 'session:resume', {}));

    // What each side has seen, by message id (a screen merges by id), and what it still has to send.
    const visitorSaw = new Map<string, MessageView>();
    const agentSaw = new Map<string, MessageView>();
    const watchVisitor = (socket: VisitorClient) => socket.on('message:new', (m: MessageView) => visitorSaw.set(m.id, m));
    const watchAgent = (socket: AgentClient) => socket.on('message:new', (m: MessageView) => agentSaw.set(m.id, m));
    watchVisitor(visitor);
    watchAgent(agent);
    const visitorOutbox = new Map<string, string>();
    const agentOutbox = new Map<string, string>();
    const visitorSend = (socket: VisitorClient, clientId: string, text: string) =>
      emitWithTimeout(socket, 3_000, 'message:send', { clientId, text }).then((ack) => {
        const { message } = expectOk(ack);
        visitorOutbox.delete(clientId);
        visitorSaw.set(message.id, message);
      });
    const agentSend = (socket: AgentClient, clientId: string, text: string) =>
      emitWithTimeout(socket, 3_000, 'message:send', { conversationId, clientId, text }).then((ack) => {
        const { message } = expectOk(ack);
        agentOutbox.delete(clientId);
        agentSaw.set(message.id, message);
      });

    // A conversation going on: a few turns acked, then a burst in flight when the process dies.
    for (let i = 0; i < 3; i++) {
      const v = randomUUID();
      visitorOutbox.set(v, `visitor ${i}`);
      await visitorSend(visitor, v, `visitor ${i}`);
      const a = randomUUID();
      agentOutbox.set(a, `agent ${i}`);
      await agentSend(agent, a, `agent ${i}`);
    }
    const inFlight: Promise<unknown>[] = [];
    for (let i = 3; i < 13; i++) {
      const v = randomUUID();
      visitorOutbox.set(v, `visitor ${i}`);
      inFlight.push(visitorSend(visitor, v, `visitor ${i}`).catch(() => undefined));
      if (i % 3 === 0) {
        const a = randomUUID();
        agentOutbox.set(a, `agent ${i}`);
        inFlight.push(agentSend(agent, a, `agent ${i}`).catch(() => undefined));
      }
    }
    await doomed.kill('SIGKILL');
    await Promise.all(inFlight);
    disconnectAll();

    // The visitor's widget reconnects at once (to the other process, as the load balancer sends it),
    // resumes from the last id it saw, and resends what was never acked.
    const lastSeen = [...visitorSaw.keys()].sort(compareIds).at(-1);
    const visitorAgain = await connectVisitor(survivor.url, { siteKey: site.siteKey, token });
    watchVisitor(visitorAgain);
    const resumed = expectOk(await emitWithTimeout(visitorAgain, 5_000, 'session:resume', { lastMessageId: lastSeen }));
    expect(resumed.conversation?.id).toBe(conversationId);
    for (const m of resumed.messages) visitorSaw.set(m.id, m);
    for (const [clientId, text] of [...visitorOutbox]) await visitorSend(visitorAgain, clientId, text);

    // The agent's console is away a while (a laptop waking up): longer than several sweeps,
    // shorter than the grace period. The conversation is still theirs.
    await new Promise((r) => setTimeout(r, 3_000));
    expect(await store.getConversation(site.siteKey, conversationId)).toMatchObject({ status: 'active', assignedAgentId: site.agentIds[0] });

    const agentAgain = await connectAgent(survivor.url, site.agentCookies[0]!);
    watchAgent(agentAgain);
    const workspace = expectOk(await emitWithTimeout(agentAgain, 5_000, 'workspace:load', {}));
    expect(workspace.conversations.map((c: { id: string }) => c.id)).toContain(conversationId);
    const missed = expectOk(await emitWithTimeout(agentAgain, 5_000, 'conversation:messages', { conversationId, afterId: [...agentSaw.keys()].sort(compareIds).at(-1) }));
    for (const m of missed) agentSaw.set(m.id, m);
    for (const [clientId, text] of [...agentOutbox]) await agentSend(agentAgain, clientId, text);

    // Stored once each; both sides have seen every one.
    const stored = expectOk(await emitWithTimeout(agentAgain, 5_000, 'conversation:messages', { conversationId }));
    const texts = stored.map((m) => m.text);
    const expected = ['My order never came', ...Array.from({ length: 13 }, (_, i) => `visitor ${i}`), ...[0, 1, 2, 3, 6, 9, 12].map((i) => `agent ${i}`)];
    expect([...texts].sort()).toEqual([...expected].sort());
    expect(new Set(stored.map((m) => m.clientId)).size).toBe(stored.length);
    await new Promise((r) => setTimeout(r, 300));
    expect(stored.every((m) => visitorSaw.has(m.id) || m.text === 'My order never came')).toBe(true);
    expect(stored.every((m) => agentSaw.has(m.id) || m.text === 'My order never came')).toBe(true);
  });
});

/** Stream ids `<ms>-<seq>` in order. */
function compareIds(a: string, b: string): number {
  const [am, as] = a.split('-').map(Number) as [number, number];
  const [bm, bs] = b.split('-').map(Number) as [number, number];
  return am - bm || as - bs;
}
