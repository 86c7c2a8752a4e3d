import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { emitWithTimeout } from '../../shared/emit-with-timeout';
import type { ConversationId } from '../../shared/ids';
import type { ConversationView, MessageView, QueueEntry } from '../../shared/protocol';
import { expectOk } from '../helpers/acks';
import { connectAgent, connectVisitor, disconnectAll, logIn, type AgentClient, type VisitorClient } from '../helpers/clients';
import { assertRedisReachable } from '../helpers/redis';
import { startApp, type StartedApp } from '../helpers/start-app';
import { collect, waitFor } from '../helpers/wait-for';

const ACK_MS = 5_000;

describe('no message lost or doubled across resends, reconnects and reloads', () => {
  let started: StartedApp;
  let agentCookie: string;

  beforeAll(async () => {
    await assertRedisReachable();
    started = await startApp();
    agentCookie = await logIn(started.url, started.serviceAgent);
  });
  afterEach(() => disconnectAll());
  afterAll(() => started?.close());

  const send = async (visitor: VisitorClient, text: string, clientId: string = randomUUID()) =>
    expectOk(await emitWithTimeout(visitor, ACK_MS, 'message:send', { clientId, text }));
  const reply = async (agent: AgentClient, conversationId: ConversationId, text: string, clientId: string = randomUUID()) =>
    expectOk(await emitWithTimeout(agent, ACK_MS, 'message:send', { conversationId, clientId, text }));
  const storedTexts = async (conversationId: ConversationId) =>
    (await started.app.store.messagesAfter(started.siteKey, conversationId, undefined, 100)).map((m) => m.text);

  /**
   * A round trip on a socket. The server broadcasts before it acks what caused the broadcast, and
   * one socket's packets arrive in order, so afterwards everything already sent to it has arrived.
   */
  const settleAgent = async (agent: AgentClient) => expectOk(await emitWithTimeout(agent, ACK_MS, 'workspace:load', {}));
  const settleVisitor = async (visitor: VisitorClient) => expectOk(await emitWithTimeout(visitor, ACK_MS, 'session:resume', {}));

  /** A visitor (with its token) whose conversation the service agent has taken. */
  async function activeConversation(agent: AgentClient, firstText = 'My invoice shows the wrong amount') {
    const visitor = await connectVisitor(started.url, { siteKey: started.siteKey });
    const session = await settleVisitor(visitor);
    const first = await send(visitor, firstText);
    const conversationId = first.conversation.id;
    expectOk(await emitWithTimeout(agent, ACK_MS, 'conversation:take', { conversationId }));
    return { visitor, token: session.token, visitorId: session.visitorId, conversationId, first: first.message };
  }

  describe('a resend with the same client id', () => {
    it('of the first message returns the same message and conversation, and queues it once', async () => {
      const { app, siteKey, url } = started;
      const agent = await connectAgent(url, agentCookie);
      await settleAgent(agent);
      const entered = collect<QueueEntry>(agent, 'queue:entered');
      const visitor = await connectVisitor(url, { siteKey });
      const clientId = randomUUID();

      const first = await send(visitor, 'Where is my parcel?', clientId);
      const again = await send(visitor, 'Where is my parcel?', clientId);

      expect(first.duplicate).toBe(false);
      expect(again).toEqual({ ...first, duplicate: true });
      expect(await storedTexts(first.conversation.id)).toEqual(['Where is my parcel?']);
      const queue = await app.store.listQueue(siteKey, 'service', 100);
      expect(queue.entries.filter((e) => e.conversationId === first.conversation.id)).toHaveLength(1);
      await settleAgent(agent);
      expect(entered.filter((e) => e.conversationId === first.conversation.id)).toHaveLength(1);
    });

    it('of a first message whose ack was given up on is recognised, even while the first is still in flight', async () => {
      const { app, siteKey, url } = started;
      const visitor = await connectVisitor(url, { siteKey });
      const clientId = randomUUID();
      // The client stops waiting for the first ack at once (it may or may not have come) and resends.
      const abandoned = emitWithTimeout(visitor, 0, 'message:send', { clientId, text: 'Can I pay by invoice?' }).catch(() => null);
      const resent = await send(visitor, 'Can I pay by invoice?', clientId);
      await abandoned;

      const open = await app.store.getOpenConversation(siteKey, (await app.store.getConversation(siteKey, resent.conversation.id))!.visitorId);
      expect(open?.id).toBe(resent.conversation.id);
      expect(await storedTexts(resent.conversation.id)).toEqual(['Can I pay by invoice?']);
      expect((await app.store.messagesAfter(siteKey, resent.conversation.id, undefined, 10))[0]!.id).toBe(resent.message.id);
    });

    it('of two copies sent at once stores one; one ack is the original, the other the duplicate', async () => {
      const { url, siteKey } = started;
      const visitor = await connectVisitor(url, { siteKey });
      const clientId = randomUUID();
      const acks = await Promise.all([send(visitor, 'Is the sale still on?', clientId), send(visitor, 'Is the sale still on?', clientId)]);
      expect(acks.map((a) => a.duplicate).sort()).toEqual([false, true]);
      expect(acks[0].message).toEqual(acks[1].message);
      expect(acks[0].conversation.id).toBe(acks[1].conversation.id);
      expect(await storedTexts(acks[0].conversation.id)).toEqual(['Is the sale still on?']);
    });

    it('of a later visitor message is acked as a duplicate and reaches the agent once', async () => {
      const agent = await connectAgent(started.url, agentCookie);
      const { visitor, conversationId } = await activeConversation(agent);
      const seen = collect<MessageView>(agent, 'message:new');
      const clientId = randomUUID();

      const first = await send(visitor, 'It says 120 instead of 100', clientId);
      const again = await send(visitor, 'It says 120 instead of 100', clientId);

      expect(again).toMatchObject({ duplicate: true, message: first.message });
      expect(again.message.id).toBe(first.message.id);
      await settleAgent(agent);
      expect(seen.filter((m) => m.clientId === clientId)).toEqual([first.message]);
      expect(await storedTexts(conversationId)).toEqual(['My invoice shows the wrong amount', 'It says 120 instead of 100']);
    });

    it('of an agent message is acked as a duplicate and reaches the visitor once', async () => {
      const agent = await connectAgent(started.url, agentCookie);
      const { visitor, conversationId } = await activeConversation(agent);
      const seen = collect<MessageView>(visitor, 'message:new');
      const clientId = randomUUID();

      const first = await reply(agent, conversationId, 'Let me check that for you.', clientId);
      const again = await reply(agent, conversationId, 'Let me check that for you.', clientId);

      expect(first.duplicate).toBe(false);
      expect(again).toMatchObject({ duplicate: true, message: first.message });
      await settleVisitor(visitor);
      expect(seen.filter((m) => m.clientId === clientId)).toEqual([first.message]);
      expect(await storedTexts(conversationId)).toEqual(['My invoice shows the wrong amount', 'Let me check that for you.']);
    });
  });

  it('gives a visitor who comes back with its token exactly the messages it missed, in order', async () => {
    const { url, siteKey } = started;
    const agent = await connectAgent(url, agentCookie);
    const { visitor, token, visitorId, conversationId, first } = await activeConversation(agent);
    visitor.disconnect();

    const missed = [];
    for (const text of ['Found it.', 'The discount was not applied.', 'I have refunded the 20.']) {
      missed.push((await reply(agent, conversationId, text)).message);
    }

    const back = await connectVisitor(url, { siteKey, token });
    const session = expectOk(await emitWithTimeout(back, ACK_MS, 'session:resume', { lastMessageId: first.id }));
    expect(session).toMatchObject({ visitorId, token, conversation: { id: conversationId, status: 'active' } });
    expect(session.messages).toEqual(missed);

    // Caught up: nothing more after the last one, and new replies arrive live again.
    const upToDate = expectOk(await emitWithTimeout(back, ACK_MS, 'session:resume', { lastMessageId: missed[2]!.id }));
    expect(upToDate.messages).toEqual([]);
    const live = waitFor<[MessageView]>(back, 'message:new');
    const next = await reply(agent, conversationId, 'Anything else?');
    expect((await live)[0]).toEqual(next.message);
  });

  it('gives an agent who reconnects what it missed through conversation:messages, then live messages again', async () => {
    const { url } = started;
    const agent = await connectAgent(url, agentCookie);
    const { visitor, conversationId, first } = await activeConversation(agent, 'Please change the delivery address on my order');
    agent.disconnect();

    const missed = [(await send(visitor, 'Hello?')).message, (await send(visitor, 'Are you still there?')).message];

    const back = await connectAgent(url, agentCookie);
    const workspace = await settleAgent(back);
    expect(workspace.conversations.map((c) => c.id)).toContain(conversationId);
    const caughtUp = expectOk(await emitWithTimeout(back, ACK_MS, 'conversation:messages', { conversationId, afterId: first.id }));
    expect(caughtUp).toEqual(missed);
    const everything = expectOk(await emitWithTimeout(back, ACK_MS, 'conversation:messages', { conversationId }));
    expect(everything).toEqual([first, ...missed]);

    const live = waitFor<[MessageView]>(back, 'message:new');
    const next = await send(visitor, 'Ah, there you are.');
    expect((await live)[0]).toEqual(next.message);
  });

  it('shows a reloaded page (a new socket with the saved token) its open conversation with every message', async () => {
    const { url, siteKey } = started;
    const agent = await connectAgent(url, agentCookie);
    const { visitor, token, visitorId, conversationId } = await activeConversation(agent, 'I need a copy of my receipt');
    await reply(agent, conversationId, 'Sure, which order?');
    await send(visitor, 'The one from Monday');
    const before = await started.app.store.messagesAfter(siteKey, conversationId, undefined, 100);
    visitor.disconnect();

    const reloaded = await connectVisitor(url, { siteKey, token });
    const session = expectOk(await emitWithTimeout(reloaded, ACK_MS, 'session:resume', {}));
    expect(session.visitorId).toBe(visitorId);
    expect(session.conversation).toMatchObject({ id: conversationId, status: 'active', assignedAgentName: 'sam' });
    expect(session.messages.map((m) => [m.author, m.text])).toEqual([
      ['visitor', 'I need a copy of my receipt'],
      ['agent', 'Sure, which order?'],
      ['visitor', 'The one from Monday'],
    ]);
    expect(session.messages).toEqual(before);

    // The reloaded page writes into the same conversation, not a new one.
    const more = await send(reloaded, 'Thanks!');
    expect(more.conversation.id).toBe(conversationId);
  });

  it('lets two tabs of one visitor see each other’s messages and the conversation they share', async () => {
    const { url, siteKey } = started;
    const tab1 = await connectVisitor(url, { siteKey });
    const { token } = await settleVisitor(tab1);
    const tab2 = await connectVisitor(url, { siteKey, token });
    await settleVisitor(tab2);
    const created = waitFor<[ConversationView]>(tab2, 'conversation:updated');
    const echoed = waitFor<[MessageView]>(tab2, 'message:new');
    const sent = await send(tab1, 'Do you have this in blue?');
    expect((await created)[0]).toMatchObject({ id: sent.conversation.id, status: 'waiting' });
    expect((await echoed)[0]).toEqual(sent.message);
  });
});
