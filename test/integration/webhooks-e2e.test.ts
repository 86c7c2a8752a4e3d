/**
 * Webhooks end to end: real sockets drive the use cases, the domain emits its events, the app's
 * own jobs deliver them. Needs the domain services to emit events and `app.jobs` (the spine's
 * other branches): on the webhooks branch alone nothing emits yet, so this test fails there.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { verifyWebhook } from '../../server/domain/webhook-signature';
import { emitWithTimeout } from '../../shared/emit-with-timeout';
import { expectOk } from '../helpers/acks';
import { connectAgent, connectVisitor, disconnectAll } from '../helpers/clients';
import { assertRedisReachable } from '../helpers/redis';
import { startApp, type StartedApp } from '../helpers/start-app';
import { eventually } from '../helpers/wait-for';
import { startWebhookReceiver, type WebhookReceiver } from '../helpers/webhook-receiver';

describe('webhooks from a real conversation', () => {
  let started: StartedApp;
  let hooks: WebhookReceiver;

  beforeAll(async () => {
    await assertRedisReachable();
    started = await startApp();
    hooks = await startWebhookReceiver();
  });
  afterEach(() => disconnectAll());
  afterAll(async () => {
    await started?.close();
    await hooks?.close();
  });

  it('tells the endpoint, in order: created with the visitor’s message, assigned, the agent’s reply, resolved', async () => {
    const { url, siteKey, app } = started;
    const endpoint = await app.webhooks.add(siteKey, { url: hooks.url }, 'operator');
    const agent = await connectAgent(url, started.serviceAgent);
    const visitor = await connectVisitor(url, { siteKey });
    expectOk(await emitWithTimeout(visitor, 2000, 'session:resume', {}));

    const sent = expectOk(await emitWithTimeout(visitor, 2000, 'message:send', { clientId: randomUUID(), text: 'I was charged twice for order 1042' }));
    const conversationId = sent.conversation.id;
    expectOk(await emitWithTimeout(agent, 2000, 'conversation:take', { conversationId }));
    expectOk(await emitWithTimeout(agent, 2000, 'message:send', { conversationId, clientId: randomUUID(), text: 'Refunding one now.' }));
    expectOk(await emitWithTimeout(agent, 2000, 'conversation:resolve', { conversationId }));

    const ofThisConversation = () => hooks.accepted().filter((r) => (r.payload.data.conversation as { id?: string } | undefined)?.id === conversationId);
    await eventually(() => expect(ofThisConversation().map((r) => r.payload.type)).toEqual([
      'conversation.created',
      'conversation.assigned',
      'message.created',
      'conversation.resolved',
    ]), 15_000);
    const delivered = ofThisConversation();
    // The first message rides with conversation.created; every later one has its message.created.
    expect((delivered[0]!.payload.data.message as { text: string }).text).toBe('I was charged twice for order 1042');
    expect(delivered.filter((r) => r.payload.type === 'message.created').map((r) => (r.payload.data.message as { text: string }).text)).toEqual([
      'Refunding one now.',
    ]);
    expect(delivered[1]!.payload.data).toMatchObject({ by: 'take', conversation: { status: 'active', assignedAgentId: started.serviceAgent.view.id } });
    expect(delivered[3]!.payload.data).toMatchObject({ byAgentId: started.serviceAgent.view.id, conversation: { status: 'resolved' } });
    for (const r of delivered) {
      expect(r.payload.siteKey).toBe(siteKey);
      expect(verifyWebhook(r.headers['switchboard-signature'] as string, endpoint.secret, r.body)).toBe(true);
    }
    // Each event once.
    expect(new Set(delivered.map((r) => r.payload.id)).size).toBe(4);
  }, 30_000);
});
