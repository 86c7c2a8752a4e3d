/**
 * Live signals both ways (issue 13, item 4), through real sockets: typing relayed to the other
 * side only (never to another visitor or agent), throttled, never stored; "seen" kept per side,
 * only forward, told to the other side and given back on reconnect; refusals for a conversation
 * that is not the sender's; and what a transfer and a change of presence tell the waiting visitor.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { emitWithTimeout } from '../../shared/emit-with-timeout';
import { TYPING_SIGNAL_INTERVAL_MS } from '../../shared/limits';
import type { MessageSeen, QueuePosition, TypingSignal, VisitorConversationView } from '../../shared/protocol';
import { expectOk, expectRefused } from '../helpers/acks';
import { connectAgent, connectVisitor, disconnectAll, type AgentClient, type VisitorClient } from '../helpers/clients';
import { snapshotData } from '../helpers/data-snapshot';
import { assertRedisReachable } from '../helpers/redis';
import { startApp, type StartedApp } from '../helpers/start-app';
import { collect, eventually, waitFor } from '../helpers/wait-for';

const ACK_MS = 5_000;

/** A round trip: the server tells before it acks, and one socket's packets arrive in order. */
const settleVisitor = async (visitor: VisitorClient) => expectOk(await emitWithTimeout(visitor, ACK_MS, 'session:resume', {}));
const settleAgent = async (agent: AgentClient) => expectOk(await emitWithTimeout(agent, ACK_MS, 'workspace:load', {}));

describe('typing and seen between a visitor and the agent holding the conversation', () => {
  let started: StartedApp;
  /** The app's clock: the typing throttle is tried by moving it, never by waiting. */
  let clock = Date.now();

  beforeAll(async () => {
    await assertRedisReachable();
    started = await startApp({ overrides: { now: () => clock } });
  });
  afterEach(() => disconnectAll());
  afterAll(() => started?.close());

  /** A visitor whose conversation Sam (service) holds, a second tab of theirs, and a bystander visitor and agent. */
  async function scene() {
    const { url, siteKey } = started;
    const visitor = await connectVisitor(url, { siteKey });
    const session = await settleVisitor(visitor);
    const otherTab = await connectVisitor(url, { siteKey, token: session.token });
    const stranger = await connectVisitor(url, { siteKey });
    await settleVisitor(stranger);
    const first = expectOk(await emitWithTimeout(visitor, ACK_MS, 'message:send', { clientId: randomUUID(), text: 'I was charged twice', topic: 'service' }));
    const conversationId = first.conversation.id;
    const sam = await connectAgent(url, started.serviceAgent);
    const bo = await connectAgent(url, started.bothAgent);
    expectOk(await emitWithTimeout(sam, ACK_MS, 'conversation:take', { conversationId }));
    return { visitor, otherTab, stranger, sam, bo, conversationId, token: session.token, firstMessage: first.message };
  }

  it("relays the visitor's typing to the holder's console only, and the agent's to the visitor's tabs only; never the text, never stored", async () => {
    const { visitor, otherTab, stranger, sam, bo, conversationId } = await scene();
    const samHears = collect<TypingSignal>(sam, 'conversation:typing');
    const boHears = collect<TypingSignal>(bo, 'conversation:typing');
    const tabHears = collect<TypingSignal>(otherTab, 'conversation:typing');
    const visitorHears = collect<TypingSignal>(visitor, 'conversation:typing');
    const strangerHears = collect<TypingSignal>(stranger, 'conversation:typing');
    const before = await snapshotData(started.prefix);

    expect(expectOk(await emitWithTimeout(visitor, ACK_MS, 'typing:set', { conversationId, typing: true }))).toEqual({ relayed: true });
    await settleAgent(sam);
    expect(samHears).toEqual([{ conversationId, by: 'visitor', typing: true }]);

    clock += 1;
    expect(expectOk(await emitWithTimeout(sam, ACK_MS, 'typing:set', { conversationId, typing: true }))).toEqual({ relayed: true });
    await settleVisitor(visitor);
    await settleVisitor(otherTab);
    expect(visitorHears).toEqual([{ conversationId, by: 'agent', typing: true }]);
    expect(tabHears).toEqual([{ conversationId, by: 'agent', typing: true }]);

    await settleAgent(bo);
    await settleVisitor(stranger);
    expect(boHears).toEqual([]);
    expect(strangerHears).toEqual([]);
    // Neither side hears its own signal back.
    expect(samHears).toHaveLength(1);
    // Nothing of a typing signal is kept.
    expect(await snapshotData(started.prefix)).toEqual(before);
  });

  it('relays at most one "typing" per side every 2 s of the app clock, and a stop only after a relayed "typing"', async () => {
    const { visitor, sam, conversationId } = await scene();
    const samHears = collect<TypingSignal>(sam, 'conversation:typing');
    const typing = async (value: boolean) => expectOk(await emitWithTimeout(visitor, ACK_MS, 'typing:set', { conversationId, typing: value })).relayed;

    expect(await typing(false)).toBe(false);
    expect(await typing(true)).toBe(true);
    clock += TYPING_SIGNAL_INTERVAL_MS - 1;
    expect(await typing(true)).toBe(false);
    clock += 1;
    expect(await typing(true)).toBe(true);
    expect(await typing(false)).toBe(true);
    expect(await typing(false)).toBe(false);
    // After a stop, the next "typing" goes at once.
    expect(await typing(true)).toBe(true);

    await settleAgent(sam);
    expect(samHears.map((s) => s.typing)).toEqual([true, true, false, true]);
  });

  it("refuses signals about a conversation that is not the sender's, and tells nobody", async () => {
    const { stranger, sam, bo, visitor, conversationId, firstMessage } = await scene();
    const samHears = collect<unknown>(sam, 'conversation:typing');
    const samSeen = collect<unknown>(sam, 'message:seen');
    const visitorHears = collect<unknown>(visitor, 'conversation:typing');
    const visitorSeen = collect<unknown>(visitor, 'message:seen');

    // Another visitor's conversation is "not found", as everywhere on /visitor.
    expectRefused(await emitWithTimeout(stranger, ACK_MS, 'typing:set', { conversationId, typing: true }), 'CONVERSATION_NOT_FOUND');
    expectRefused(await emitWithTimeout(stranger, ACK_MS, 'message:seen', { conversationId, lastSeenId: firstMessage.id }), 'CONVERSATION_NOT_FOUND');
    // An agent who does not hold it.
    expectRefused(await emitWithTimeout(bo, ACK_MS, 'typing:set', { conversationId, typing: true }), 'CONVERSATION_NOT_ASSIGNED_TO_YOU');
    expectRefused(await emitWithTimeout(bo, ACK_MS, 'message:seen', { conversationId, lastSeenId: firstMessage.id }), 'CONVERSATION_NOT_ASSIGNED_TO_YOU');
    // No such conversation, no such message.
    expectRefused(await emitWithTimeout(visitor, ACK_MS, 'typing:set', { conversationId: 'c_nope', typing: true }), 'CONVERSATION_NOT_FOUND');
    expectRefused(await emitWithTimeout(visitor, ACK_MS, 'message:seen', { conversationId, lastSeenId: '9999999999999-0' }), 'MESSAGE_NOT_FOUND');

    // Resolved: no more typing, on either side.
    expectOk(await emitWithTimeout(sam, ACK_MS, 'conversation:resolve', { conversationId }));
    expectRefused(await emitWithTimeout(sam, ACK_MS, 'typing:set', { conversationId, typing: true }), 'CONVERSATION_NOT_ACTIVE');
    expectRefused(await emitWithTimeout(visitor, ACK_MS, 'typing:set', { conversationId, typing: true }), 'CONVERSATION_NOT_ACTIVE');

    await settleAgent(sam);
    await settleVisitor(visitor);
    expect([samHears, samSeen, visitorHears, visitorSeen]).toEqual([[], [], [], []]);
    expect(await started.app.store.getSeen(started.siteKey, conversationId)).toEqual({});
  });

  it('keeps "seen" per side, only forward, tells the other side when it moved, and gives it back on reconnect', async () => {
    const { visitor, sam, conversationId, token, firstMessage } = await scene();
    const samSeen = collect<MessageSeen>(sam, 'message:seen');
    const visitorSeen = collect<MessageSeen>(visitor, 'message:seen');
    const reply = expectOk(await emitWithTimeout(sam, ACK_MS, 'message:send', { conversationId, clientId: randomUUID(), text: 'Let me look' })).message;

    // The visitor read the reply: Sam is told.
    expect(expectOk(await emitWithTimeout(visitor, ACK_MS, 'message:seen', { conversationId, lastSeenId: reply.id }))).toEqual({ visitor: reply.id });
    await settleAgent(sam);
    expect(samSeen).toEqual([{ conversationId, by: 'visitor', lastSeenId: reply.id }]);

    // An older id (another tab behind) changes nothing and tells nobody.
    expect(expectOk(await emitWithTimeout(visitor, ACK_MS, 'message:seen', { conversationId, lastSeenId: firstMessage.id }))).toEqual({ visitor: reply.id });
    await settleAgent(sam);
    expect(samSeen).toHaveLength(1);

    // Sam read the visitor's first message: the visitor is told.
    expect(expectOk(await emitWithTimeout(sam, ACK_MS, 'message:seen', { conversationId, lastSeenId: firstMessage.id }))).toEqual({
      visitor: reply.id,
      agent: firstMessage.id,
    });
    await settleVisitor(visitor);
    expect(visitorSeen).toEqual([{ conversationId, by: 'agent', lastSeenId: firstMessage.id }]);

    // A reload keeps both marks: the widget's resume, the console's workspace and a second take.
    visitor.disconnect();
    sam.disconnect();
    const again = await connectVisitor(started.url, { siteKey: started.siteKey, token });
    expect((await settleVisitor(again)).lastSeen).toEqual({ visitor: reply.id, agent: firstMessage.id });
    const samAgain = await connectAgent(started.url, started.serviceAgent);
    expect((await settleAgent(samAgain)).lastSeen[conversationId]).toEqual({ visitor: reply.id, agent: firstMessage.id });
    expect(expectOk(await emitWithTimeout(samAgain, ACK_MS, 'conversation:take', { conversationId })).lastSeen).toEqual({ visitor: reply.id, agent: firstMessage.id });
  });
});

describe('what a waiting visitor is told when hands and agents change', () => {
  let started: StartedApp;

  beforeAll(async () => {
    await assertRedisReachable();
    started = await startApp();
  });
  afterEach(() => disconnectAll());
  afterAll(() => started?.close());

  it('a transfer reaches the visitor as a change of queue while the conversation waits again', async () => {
    const { url, siteKey } = started;
    const visitor = await connectVisitor(url, { siteKey });
    await settleVisitor(visitor);
    const { conversation } = expectOk(await emitWithTimeout(visitor, ACK_MS, 'message:send', { clientId: randomUUID(), text: 'My refund', topic: 'service' }));
    const sam = await connectAgent(url, started.serviceAgent);
    const taken = waitFor<[VisitorConversationView]>(visitor, 'conversation:updated');
    expectOk(await emitWithTimeout(sam, ACK_MS, 'conversation:take', { conversationId: conversation.id }));
    expect((await taken)[0]).toMatchObject({ status: 'active', queue: 'service', assignedAgentName: 'sam' });

    const moved = waitFor<[VisitorConversationView]>(visitor, 'conversation:updated');
    expectOk(await emitWithTimeout(sam, ACK_MS, 'conversation:transfer', { conversationId: conversation.id, queue: 'support', note: 'for support' }));
    const [view] = await moved;
    expect(view).toMatchObject({ status: 'waiting', queue: 'support' });
    expect(view.assignedAgentName).toBeUndefined();
  });

  it("re-sends places when an agent comes and goes, and tells a waiting visitor when their queue's last agent went away", async () => {
    const { url, siteKey } = started;
    const visitor = await connectVisitor(url, { siteKey });
    await settleVisitor(visitor);
    const { conversation } = expectOk(await emitWithTimeout(visitor, ACK_MS, 'message:send', { clientId: randomUUID(), text: 'The app crashes', topic: 'support' }));
    expect((await settleVisitor(visitor)).position).toMatchObject({ conversationId: conversation.id, agentsOnline: 0 });
    const positions = collect<QueuePosition>(visitor, 'queue:position');

    // A console connecting is one more agent online.
    const sasha = await connectAgent(url, started.supportAgent);
    await eventually(() => expect(positions.at(-1)).toMatchObject({ conversationId: conversation.id, agentsOnline: 1 }));

    expectOk(await emitWithTimeout(sasha, ACK_MS, 'presence:set', { status: 'away' }));
    await eventually(() => expect(positions.at(-1)).toMatchObject({ conversationId: conversation.id, agentsOnline: 0, estimatedWaitMs: null }));

    expectOk(await emitWithTimeout(sasha, ACK_MS, 'presence:set', { status: 'online' }));
    await eventually(() => expect(positions.at(-1)).toMatchObject({ conversationId: conversation.id, agentsOnline: 1 }));
  });
});
