/**
 * Issue 12: a visitor left while an agent held their chat; the agent handed it back; it waited in
 * the queue forever (15+ minutes seen), inflating "longest wait" and filling auto-assigned agents
 * with dead chats. The visitor's leaving is now noted whatever the conversation's state, and a
 * conversation handed back after it is abandoned within the site's abandonment time.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_SITE_SETTINGS } from '../../shared/site-settings';
import { emitWithTimeout } from '../../shared/emit-with-timeout';
import type { ConversationId } from '../../shared/ids';
import { expectOk } from '../helpers/acks';
import { connectAgent, connectVisitor, disconnectAll, type AgentClient } from '../helpers/clients';
import { assertRedisReachable } from '../helpers/redis';
import { startApp, type StartedApp } from '../helpers/start-app';
import { collect, eventually } from '../helpers/wait-for';

describe('issue 12: a conversation handed back after its visitor left', () => {
  let started: StartedApp;
  let agent: AgentClient;

  const status = async (id: ConversationId) => (await started.app.store.getConversation(started.siteKey, id))?.status;

  /** A visitor's conversation, taken by the agent. */
  async function takenConversation() {
    const visitor = await connectVisitor(started.url, { siteKey: started.siteKey });
    const { token } = expectOk(await emitWithTimeout(visitor, 2000, 'session:resume', {}));
    const { conversation } = expectOk(await emitWithTimeout(visitor, 2000, 'message:send', { clientId: randomUUID(), text: 'I was charged twice' }));
    expectOk(await emitWithTimeout(agent, 2000, 'conversation:take', { conversationId: conversation.id }));
    return { visitor, token, id: conversation.id };
  }

  beforeAll(async () => {
    await assertRedisReachable();
    started = await startApp({ env: { SWEEP_INTERVAL_SECONDS: '0.2' } });
    await started.app.store.updateSiteSettings(started.siteKey, { ...DEFAULT_SITE_SETTINGS, abandonAfterSeconds: 1 });
  });
  afterEach(() => disconnectAll());
  afterAll(() => started?.close());

  it('abandons it once handed back, and tells the agents it left the queue', async () => {
    agent = await connectAgent(started.url, started.serviceAgent);
    const { visitor, id } = await takenConversation();
    visitor.disconnect();
    // Held by an agent, it is not abandoned, however long the visitor has been gone.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(await status(id)).toBe('active');

    const left = collect<{ conversationId: string }>(agent, 'queue:left');
    expectOk(await emitWithTimeout(agent, 2000, 'conversation:release', { conversationId: id }));
    await eventually(() => expect(left.map((l) => l.conversationId)).toContain(id), 5_000);
    expect(await status(id)).toBe('abandoned');
    expect(await started.app.store.listQueueIds(started.siteKey, 'service')).not.toContain(id);
  });

  it('keeps it waiting when the visitor came back before it was handed back', async () => {
    agent = await connectAgent(started.url, started.serviceAgent);
    const { visitor, token, id } = await takenConversation();
    visitor.disconnect();
    await new Promise((resolve) => setTimeout(resolve, 300));
    const back = await connectVisitor(started.url, { siteKey: started.siteKey, token });
    expectOk(await emitWithTimeout(back, 2000, 'session:resume', {}));
    await new Promise((resolve) => setTimeout(resolve, 1_200));
    expectOk(await emitWithTimeout(agent, 2000, 'conversation:release', { conversationId: id }));
    // Several sweeps past the abandonment time: the visitor is here, so it waits for the next agent.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(await status(id)).toBe('waiting');
  });
});
