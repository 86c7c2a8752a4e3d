/**
 * Internal notes (`note:add`): kept in the thread with `kind: 'note'`, told to the team's consoles,
 * refused with a clear code to an agent who neither holds the conversation nor leads the team, and
 * never in a visitor's transcript. The visitor's sockets are held to it in visitor-view.test.ts.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emitWithTimeout } from '../../shared/emit-with-timeout';
import { MAX_MESSAGE_LENGTH } from '../../shared/limits';
import type { MessageView } from '../../shared/protocol';
import { expectOk, expectRefused } from '../helpers/acks';
import { connectAgent, connectVisitor, disconnectAll, type AgentClient } from '../helpers/clients';
import { assertRedisReachable } from '../helpers/redis';
import { startApp, type StartedApp } from '../helpers/start-app';
import { waitFor } from '../helpers/wait-for';

describe('internal notes', () => {
  let started: StartedApp;
  let sam: AgentClient;
  let samOtherTab: AgentClient;
  let bo: AgentClient;
  let ada: AgentClient;
  let conversationId: string;

  const stored = async () => started.app.store.messagesAfter(started.siteKey, conversationId, undefined, 100);

  beforeAll(async () => {
    await assertRedisReachable();
    started = await startApp();
    const visitor = await connectVisitor(started.url, { siteKey: started.siteKey });
    expectOk(await emitWithTimeout(visitor, 3000, 'session:resume', {}));
    const sent = expectOk(await emitWithTimeout(visitor, 3000, 'message:send', { clientId: randomUUID(), text: 'I was charged twice, refund please' }));
    conversationId = sent.conversation.id;
    [sam, samOtherTab, bo, ada] = await Promise.all([
      connectAgent(started.url, started.serviceAgent),
      connectAgent(started.url, started.serviceAgent),
      connectAgent(started.url, started.bothAgent),
      connectAgent(started.url, started.adminAgent),
    ]);
    expectOk(await emitWithTimeout(sam, 3000, 'conversation:take', { conversationId }));
  });
  afterAll(async () => {
    disconnectAll();
    await started?.close();
  });

  it("is kept in the thread as a note with its author, and shown live on the holder's other consoles", async () => {
    const told = waitFor<[MessageView]>(samOtherTab, 'message:new');
    const clientId = randomUUID();
    const added = expectOk(await emitWithTimeout(sam, 3000, 'note:add', { conversationId, clientId, text: 'Refund approved by billing' }));
    expect(added).toMatchObject({ duplicate: false, message: { kind: 'note', author: 'agent', agentName: 'sam', text: 'Refund approved by billing' } });
    const [pushed] = await told;
    expect(pushed).toEqual(added.message);
    // A retried note is stored once.
    const again = expectOk(await emitWithTimeout(sam, 3000, 'note:add', { conversationId, clientId, text: 'Refund approved by billing' }));
    expect(again).toEqual({ duplicate: true, message: added.message });
    expect((await stored()).filter((m) => m.kind === 'note')).toHaveLength(1);
  });

  it("lets a lead or admin note any conversation of the site; its holder sees the note", async () => {
    const told = waitFor<[MessageView]>(sam, 'message:new');
    const added = expectOk(await emitWithTimeout(ada, 3000, 'note:add', { conversationId, clientId: randomUUID(), text: 'Watch this one' }));
    expect((await told)[0]).toMatchObject({ id: added.message.id, kind: 'note', agentName: 'ada' });
  });

  it('refuses a plain agent who does not hold it, too long or malformed notes, and an unknown conversation: nothing stored', async () => {
    const before = await stored();
    expectRefused(await emitWithTimeout(bo, 3000, 'note:add', { conversationId, clientId: randomUUID(), text: 'not mine' }), 'CONVERSATION_NOT_ASSIGNED_TO_YOU');
    expectRefused(await emitWithTimeout(sam, 3000, 'note:add', { conversationId, clientId: randomUUID(), text: 'x'.repeat(MAX_MESSAGE_LENGTH + 1) }), 'MESSAGE_TOO_LONG');
    expectRefused(await emitWithTimeout(sam, 3000, 'note:add', { conversationId, clientId: randomUUID(), text: '   ' }), 'MESSAGE_EMPTY');
    expectRefused(await emitWithTimeout(sam, 3000, 'note:add', { conversationId, text: 'no client id' } as never), 'PAYLOAD_INVALID');
    expectRefused(await emitWithTimeout(sam, 3000, 'note:add', { conversationId: 'c_nope', clientId: randomUUID(), text: 'where?' }), 'CONVERSATION_NOT_FOUND');
    expect(await stored()).toEqual(before);
  });

  it('goes with the conversation to the colleague it is handed to, and never into its messages count as a reply', async () => {
    const handed = expectOk(await emitWithTimeout(sam, 3000, 'conversation:hand-over', { conversationId, agentId: started.bothAgent.view.id, note: '' }));
    expect(handed.assignedAgentId).toBe(started.bothAgent.view.id);
    const history = expectOk(await emitWithTimeout(bo, 3000, 'conversation:messages', { conversationId }));
    expect(history.filter((m) => m.kind === 'note').map((m) => m.text)).toEqual(['Refund approved by billing', 'Watch this one']);
    // Bo holds it now: his notes are allowed, sam's no longer.
    expectOk(await emitWithTimeout(bo, 3000, 'note:add', { conversationId, clientId: randomUUID(), text: 'Mine now' }));
    expectRefused(await emitWithTimeout(sam, 3000, 'note:add', { conversationId, clientId: randomUUID(), text: 'late' }), 'CONVERSATION_NOT_ASSIGNED_TO_YOU');
  });
});
