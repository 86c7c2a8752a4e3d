/**
 * What the events of a use case promise beyond the wire: every change made is told even when a
 * subscriber of an earlier event failed, a left message's conversation is told with who to answer
 * from its first event, and an identity that did not change is not told again.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { DomainEvent } from '../../server/domain/events';
import { emitWithTimeout } from '../../shared/emit-with-timeout';
import type { MessageView, TakenConversation } from '../../shared/protocol';
import { DEFAULT_SITE_SETTINGS } from '../../shared/site-settings';
import { expectOk, expectRefused } from '../helpers/acks';
import { connectAgent, connectVisitor, disconnectAll } from '../helpers/clients';
import { assertRedisReachable } from '../helpers/redis';
import { startApp, type StartedApp } from '../helpers/start-app';
import { collect, eventually, waitFor } from '../helpers/wait-for';

describe('domain events of a use case', () => {
  let started: StartedApp;
  const told: DomainEvent[] = [];
  const unsubscribe: (() => void)[] = [];

  beforeAll(async () => {
    await assertRedisReachable();
    started = await startApp();
    unsubscribe.push(started.app.events.onAny((event) => void told.push(event)));
  });
  afterEach(async () => {
    disconnectAll();
    told.length = 0;
    for (const stop of unsubscribe.splice(1)) stop();
    await started.app.store.updateSiteSettings(started.siteKey, DEFAULT_SITE_SETTINGS);
  });
  afterAll(async () => {
    unsubscribe.splice(0).forEach((stop) => stop());
    await started?.close();
  });

  it('tells the message of a reopening even when a subscriber of the reopening fails, and the client hears the failure', async () => {
    const agent = await connectAgent(started.url, started.serviceAgent);
    const tab = await connectVisitor(started.url, { siteKey: started.siteKey });
    const { token } = expectOk(await emitWithTimeout(tab, 2000, 'session:resume', {}));
    const otherTab = await connectVisitor(started.url, { siteKey: started.siteKey, token });
    const { conversation } = expectOk(await emitWithTimeout(tab, 2000, 'message:send', { clientId: randomUUID(), text: 'I was charged twice' }));
    expectOk(await emitWithTimeout(agent, 2000, 'conversation:take', { conversationId: conversation.id }));
    expectOk(await emitWithTimeout(agent, 2000, 'conversation:resolve', { conversationId: conversation.id }));

    unsubscribe.push(
      started.app.events.on('conversation.reopened', () => {
        throw new Error('a subscriber broke');
      }),
    );
    const otherTabHears = waitFor<[MessageView]>(otherTab, 'message:new');
    const reply = await emitWithTimeout(tab, 2000, 'message:send', { clientId: randomUUID(), text: 'one more thing', reopen: conversation.id });
    expectRefused(reply, 'INTERNAL');
    expect((await otherTabHears)[0]).toMatchObject({ conversationId: conversation.id, text: 'one more thing' });
    expect(told.filter((e) => e.type === 'conversation.reopened' || e.type === 'message.created').map((e) => e.type)).toEqual([
      'conversation.reopened',
      'message.created',
    ]);
  });

  it('starts a left message with who to answer: the offer in auto mode carries the name and email, told once', async () => {
    await started.app.store.updateSiteSettings(started.siteKey, { ...DEFAULT_SITE_SETTINGS, assignment: 'auto' });
    const agent = await connectAgent(started.url, started.serviceAgent);
    const offered = collect<TakenConversation>(agent, 'conversation:assigned');
    const visitor = await connectVisitor(started.url, { siteKey: started.siteKey });
    expectOk(await emitWithTimeout(visitor, 2000, 'session:resume', {}));
    const left = expectOk(
      await emitWithTimeout(visitor, 2000, 'message:leave', { clientId: randomUUID(), name: 'Lin', email: 'lin@example.com', text: 'Please refund order 77' }),
    );
    await eventually(() => expect(offered.map((o) => o.conversation.id)).toContain(left.conversation.id));
    const offer = offered.find((o) => o.conversation.id === left.conversation.id)!;
    expect(offer.conversation.visitor).toEqual({ userId: 'lin@example.com', name: 'Lin', email: 'lin@example.com', verified: false });
    const created = told.find((e): e is DomainEvent<'conversation.created'> => e.type === 'conversation.created' && e.data.conversation.id === left.conversation.id);
    expect(created?.data.conversation.visitor).toMatchObject({ name: 'Lin', email: 'lin@example.com' });
    // The new conversation carried the identity from its first event: nothing more to tell.
    expect(told.filter((e) => e.type === 'visitor.identified')).toEqual([]);
    expectOk(await emitWithTimeout(agent, 2000, 'conversation:resolve', { conversationId: left.conversation.id }));
  });

  it('tells an identity once: the same identify again changes nothing and is not told', async () => {
    const visitor = await connectVisitor(started.url, { siteKey: started.siteKey });
    expectOk(await emitWithTimeout(visitor, 2000, 'session:resume', {}));
    const claim = { userId: 'u-42', name: 'Ada', email: 'ada@example.com' };
    expect(expectOk(await emitWithTimeout(visitor, 2000, 'visitor:identify', claim))).toEqual({ ...claim, verified: false });
    expect(expectOk(await emitWithTimeout(visitor, 2000, 'visitor:identify', claim))).toEqual({ ...claim, verified: false });
    expect(told.filter((e) => e.type === 'visitor.identified')).toHaveLength(1);
  });
});
