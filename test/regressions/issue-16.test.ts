/**
 * Issue 16, the server fixes: an agent set to `away` could still take conversations (though the docs
 * and AGENT_OFFLINE said otherwise); `workspace:load` kept reporting the capacity the agent had when
 * their console connected, after an admin changed it; and a re-take by the holder is an idempotent ok.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { emitWithTimeout } from '../../shared/emit-with-timeout';
import { expectOk, expectRefused } from '../helpers/acks';
import { connectAgent, connectVisitor, disconnectAll, logIn } from '../helpers/clients';
import { assertRedisReachable } from '../helpers/redis';
import { siteApi, takeEveryoneOffline } from '../helpers/site-api';
import { startApp, type StartedApp } from '../helpers/start-app';

describe('issue 16: away takes nothing, capacity is current, a re-take is ok', () => {
  let started: StartedApp;

  async function waiting(text = 'I was charged twice') {
    const visitor = await connectVisitor(started.url, { siteKey: started.siteKey });
    expectOk(await emitWithTimeout(visitor, 2000, 'session:resume', {}));
    return expectOk(await emitWithTimeout(visitor, 2000, 'message:send', { clientId: randomUUID(), text })).conversation;
  }

  beforeAll(async () => {
    await assertRedisReachable();
    started = await startApp();
  });
  afterEach(async () => {
    disconnectAll();
    await takeEveryoneOffline(started);
  });
  afterAll(() => started?.close());

  it('refuses conversation:take and queue:take-next to an away agent (AGENT_OFFLINE), who keeps what they hold', async () => {
    const agent = await connectAgent(started.url, started.serviceAgent);
    const held = await waiting();
    expectOk(await emitWithTimeout(agent, 2000, 'conversation:take', { conversationId: held.id }));
    expectOk(await emitWithTimeout(agent, 2000, 'presence:set', { status: 'away' }));
    const next = await waiting('Where is my refund?');
    expectRefused(await emitWithTimeout(agent, 2000, 'conversation:take', { conversationId: next.id }), 'AGENT_OFFLINE');
    const takeNext = await emitWithTimeout(agent, 2000, 'queue:take-next', {});
    expect(takeNext.ok ? takeNext.data : null).toBeNull();
    expect((await started.app.store.getConversation(started.siteKey, next.id))?.status).toBe('waiting');
    expect((await started.app.store.getConversation(started.siteKey, held.id))).toMatchObject({ status: 'active', assignedAgentId: started.serviceAgent.view.id });
    // Back online, the same take succeeds.
    expectOk(await emitWithTimeout(agent, 2000, 'presence:set', { status: 'online' }));
    expectOk(await emitWithTimeout(agent, 2000, 'conversation:take', { conversationId: next.id }));
  });

  it('reports the capacity an admin just set in the next workspace:load, without reconnecting', async () => {
    const agent = await connectAgent(started.url, started.serviceAgent);
    const before = expectOk(await emitWithTimeout(agent, 2000, 'workspace:load', {}));
    const admin = await logIn(started.url, started.adminAgent);
    const capacity = before.agent.capacity === 4 ? 5 : 4;
    expect((await siteApi(started, 'PATCH', `/agents/${started.serviceAgent.view.id}`, admin, { capacity, name: 'Sam S.' })).status).toBe(200);
    const after = expectOk(await emitWithTimeout(agent, 2000, 'workspace:load', {}));
    expect(after.agent).toMatchObject({ capacity, name: 'Sam S.' });
  });

  it('answers a take by the agent who already holds the conversation ok, with the same conversation, and changes nothing', async () => {
    const agent = await connectAgent(started.url, started.serviceAgent);
    const conversation = await waiting();
    const first = expectOk(await emitWithTimeout(agent, 2000, 'conversation:take', { conversationId: conversation.id }));
    const load = (await started.app.store.agentLoads(started.siteKey))[started.serviceAgent.view.id];
    const again = expectOk(await emitWithTimeout(agent, 2000, 'conversation:take', { conversationId: conversation.id }));
    expect(again.conversation).toEqual(first.conversation);
    expect((await started.app.store.agentLoads(started.siteKey))[started.serviceAgent.view.id]).toBe(load);
    // Another agent's take is still refused.
    const other = await connectAgent(started.url, started.bothAgent);
    expectRefused(await emitWithTimeout(other, 2000, 'conversation:take', { conversationId: conversation.id }), 'CONVERSATION_NOT_WAITING');
  });
});
