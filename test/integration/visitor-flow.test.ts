import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ConversationView, MessageSent, MessageView, QueueEntry } from '../../shared/protocol';
import { connectAgent, connectVisitor, disconnectAll } from '../helpers/clients';
import { assertRedisReachable } from '../helpers/redis';
import { startApp, type StartedApp } from '../helpers/start-app';
import { waitFor } from '../helpers/wait-for';
import { emitWithTimeout } from '../../shared/emit-with-timeout';
import { rooms } from '../../server/realtime/rooms';

describe('a conversation from first message to resolution, through real sockets and Redis', () => {
  let started: StartedApp;

  beforeAll(async () => {
    await assertRedisReachable();
    started = await startApp();
  });
  afterEach(() => disconnectAll());
  afterAll(() => started?.close());

  it('routes a billing question to service, where the service agent takes it, chats and resolves it', async () => {
    const { url, siteKey } = started;
    const serviceAgent = await connectAgent(url, started.serviceAgent);
    const supportAgent = await connectAgent(url, started.supportAgent);
    const workspace = await emitWithTimeout(serviceAgent, 2000, 'workspace:load', {});
    expect(workspace).toMatchObject({ ok: true, data: { agent: { email: started.serviceAgent.email } } });

    const visitor = await connectVisitor(url, { siteKey });
    const session = await emitWithTimeout(visitor, 2000, 'session:resume', {});
    if (!session.ok) throw new Error(session.error.code);
    expect(session.data).toMatchObject({ conversation: null, messages: [] });
    expect(session.data.token).toMatch(/^v_/);

    const supportSawIt = new Promise<boolean>((resolve) => {
      supportAgent.once('queue:entered', () => resolve(true));
      setTimeout(() => resolve(false), 500);
    });
    const entered = waitFor<[QueueEntry, number]>(serviceAgent, 'queue:entered');
    const clientId = randomUUID();
    const sent = await emitWithTimeout(visitor, 2000, 'message:send', { clientId, text: 'Hi, I was charged twice for my order' });
    if (!sent.ok) throw new Error(sent.error.code);
    expect(sent.data.message).toMatchObject({ clientId, author: 'visitor', text: 'Hi, I was charged twice for my order' });
    expect(sent.data.conversation).toMatchObject({ status: 'waiting', queue: 'service' });

    const [entry, count] = await entered;
    expect(entry).toMatchObject({ conversationId: sent.data.conversation.id, queue: 'service', preview: 'Hi, I was charged twice for my order' });
    expect(count).toBe(1);
    expect(await supportSawIt).toBe(false);

    const visitorSeesAgent = waitFor<[ConversationView]>(visitor, 'conversation:updated');
    const taken = await emitWithTimeout(serviceAgent, 2000, 'conversation:take', { conversationId: entry.conversationId });
    if (!taken.ok) throw new Error(taken.error.code);
    expect(taken.data.conversation).toMatchObject({ status: 'active', assignedAgentName: 'sam' });
    expect(taken.data.messages.map((m) => m.text)).toEqual(['Hi, I was charged twice for my order']);
    expect((await visitorSeesAgent)[0]).toMatchObject({ status: 'active', assignedAgentName: 'sam' });

    const reply = waitFor<[MessageView]>(visitor, 'message:new');
    const agentSent = await emitWithTimeout(serviceAgent, 2000, 'message:send', { conversationId: entry.conversationId, clientId: randomUUID(), text: 'Sorry about that! Refunding one now.' });
    expect(agentSent.ok).toBe(true);
    expect((await reply)[0]).toMatchObject({ author: 'agent', agentName: 'sam', text: 'Sorry about that! Refunding one now.' });

    const visitorMessage = waitFor<[MessageView]>(serviceAgent, 'message:new');
    await emitWithTimeout(visitor, 2000, 'message:send', { clientId: randomUUID(), text: 'thank you!' });
    expect((await visitorMessage)[0]).toMatchObject({ author: 'visitor', text: 'thank you!' });

    const ended = waitFor<[ConversationView]>(visitor, 'conversation:updated');
    const resolved = await emitWithTimeout(serviceAgent, 2000, 'conversation:resolve', { conversationId: entry.conversationId });
    expect(resolved).toMatchObject({ ok: true, data: { status: 'resolved' } });
    expect((await ended)[0]).toMatchObject({ status: 'resolved' });
  });

  it('reaches the agent who holds the conversation even before their sockets joined its room', async () => {
    const { url, siteKey } = started;
    const agent = await connectAgent(url, started.supportAgent);
    const visitor = await connectVisitor(url, { siteKey });
    const sent = (await emitWithTimeout(visitor, 2000, 'message:send', { clientId: randomUUID(), text: 'webhook setup fails with a 401' })) as { ok: true; data: MessageSent };
    const conversation = sent.data.conversation;
    const taken = await emitWithTimeout(agent, 2000, 'conversation:take', { conversationId: conversation.id });
    if (!taken.ok) throw new Error(taken.error.code);
    // As when another server process made the offer and its join has not landed here yet.
    const room = rooms.conversation(siteKey, conversation.id);
    started.app.agents.in(room).socketsLeave(room);
    const received: MessageView[] = [];
    agent.on('message:new', (message: MessageView) => received.push(message));
    const next = await emitWithTimeout(visitor, 2000, 'message:send', { clientId: randomUUID(), text: 'it is the EU account' });
    if (!next.ok) throw new Error(next.error.code);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(received.map((m) => m.text)).toEqual(['it is the EU account']);
    expect((await emitWithTimeout(agent, 2000, 'conversation:resolve', { conversationId: conversation.id })).ok).toBe(true);
  });

  it('routes a technical question to support only', async () => {
    const { url, siteKey } = started;
    const supportAgent = await connectAgent(url, started.supportAgent);
    const entered = waitFor<[QueueEntry]>(supportAgent, 'queue:entered');
    const visitor = await connectVisitor(url, { siteKey });
    const sent = (await emitWithTimeout(visitor, 2000, 'message:send', { clientId: randomUUID(), text: 'the app crashes with error 500 when I log in' })) as { ok: true; data: MessageSent };
    expect(sent.data.conversation.queue).toBe('support');
    expect((await entered)[0].conversationId).toBe(sent.data.conversation.id);
    const workspace = await emitWithTimeout(supportAgent, 2000, 'workspace:load', {});
    if (!workspace.ok) throw new Error(workspace.error.code);
    expect(workspace.data.queues.map((q) => q.queue)).toEqual(['support']);
    expect(workspace.data.queues[0]!.entries.map((e) => e.conversationId)).toContain(sent.data.conversation.id);
  });
});
