import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { identityHash } from '../../server/domain/visitor-identity';
import { emitWithTimeout } from '../../shared/emit-with-timeout';
import { expectOk, expectRefused } from '../helpers/acks';
import { connectAgent, connectVisitor, disconnectAll, logIn } from '../helpers/clients';
import { assertRedisReachable } from '../helpers/redis';
import { siteApi, takeEveryoneOffline } from '../helpers/site-api';
import { startApp, type StartedApp } from '../helpers/start-app';

describe('business hours, leaving a message, and priority for verified customers', () => {
  let started: StartedApp;
  let adminCookie: string;
  const settings = (body: unknown) => siteApi(started, 'PATCH', '/routing/settings', adminCookie, body);

  beforeAll(async () => {
    await assertRedisReachable();
    started = await startApp({ env: { SWEEP_INTERVAL_SECONDS: '0.2' } });
    adminCookie = await logIn(started.url, started.adminAgent);
  });
  afterEach(async () => {
    disconnectAll();
    await takeEveryoneOffline(started);
    await settings({ businessHours: null, verifiedPriorityMinutes: 0, abandonAfterSeconds: 300 });
  });
  afterAll(() => started?.close());

  it('tells the widget nobody is available when no agent is online, or outside business hours', async () => {
    const visitor = await connectVisitor(started.url, { siteKey: started.siteKey });
    expect(expectOk(await emitWithTimeout(visitor, 2000, 'session:resume', {})).site.available).toBe(false);

    await connectAgent(started.url, started.serviceAgent);
    expect(expectOk(await emitWithTimeout(visitor, 2000, 'session:resume', {})).site.available).toBe(true);

    // Open one minute a week, on a day that is not today.
    const notToday = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'][(new Date().getUTCDay() + 3) % 7]!;
    expect((await settings({ businessHours: { timeZone: 'UTC', weekly: { [notToday]: ['03:00-03:01'] } } })).status).toBe(200);
    expect(expectOk(await emitWithTimeout(visitor, 2000, 'session:resume', {})).site.available).toBe(false);
  });

  it('keeps a left message as a waiting conversation with who to answer, never abandoned, and shows the answer on return', async () => {
    await settings({ abandonAfterSeconds: 1 });
    const visitor = await connectVisitor(started.url, { siteKey: started.siteKey });
    const session = expectOk(await emitWithTimeout(visitor, 2000, 'session:resume', {}));
    const left = expectOk(
      await emitWithTimeout(visitor, 2000, 'message:leave', { clientId: randomUUID(), name: 'Lin', email: 'lin@example.com', text: 'Please refund order 77' }),
    );
    expect(left.conversation).toMatchObject({ status: 'waiting', leftMessage: true });
    // Who to answer is for the team; the widget already knows what it typed.
    expect(await started.app.store.getConversation(started.siteKey, left.conversation.id)).toMatchObject({
      visitor: { name: 'Lin', email: 'lin@example.com', verified: false },
    });
    visitor.disconnect();
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect((await started.app.store.getConversation(started.siteKey, left.conversation.id))?.status).toBe('waiting');

    const agent = await connectAgent(started.url, started.serviceAgent);
    expectOk(await emitWithTimeout(agent, 2000, 'conversation:take', { conversationId: left.conversation.id }));
    expectOk(await emitWithTimeout(agent, 2000, 'message:send', { conversationId: left.conversation.id, clientId: randomUUID(), text: 'Refunded, Lin!' }));
    expectOk(await emitWithTimeout(agent, 2000, 'conversation:resolve', { conversationId: left.conversation.id }));

    const back = await connectVisitor(started.url, { siteKey: started.siteKey, token: session.token });
    const resumed = expectOk(await emitWithTimeout(back, 2000, 'session:resume', {}));
    expect(resumed.conversation).toMatchObject({ id: left.conversation.id, status: 'resolved' });
    expect(resumed.messages.map((m) => m.text)).toEqual(['Please refund order 77', 'Refunded, Lin!']);
  });

  it('lets a verified customer enter the line ahead by the site’s priority', async () => {
    expect((await settings({ verifiedPriorityMinutes: 10 })).status).toBe(200);
    const secret = (await started.app.store.getSite(started.siteKey))!.identitySecret;
    const regular = await connectVisitor(started.url, { siteKey: started.siteKey });
    const first = expectOk(await emitWithTimeout(regular, 2000, 'message:send', { clientId: randomUUID(), text: 'where is my parcel' }));
    const vip = await connectVisitor(started.url, { siteKey: started.siteKey });
    expectOk(await emitWithTimeout(vip, 2000, 'visitor:identify', { userId: 'vip-1', hash: identityHash(secret, 'vip-1') }));
    const second = expectOk(await emitWithTimeout(vip, 2000, 'message:send', { clientId: randomUUID(), text: 'where is my order' }));
    const ids = await started.app.store.listQueueIds(started.siteKey, 'service');
    expect(ids.indexOf(second.conversation.id)).toBeLessThan(ids.indexOf(first.conversation.id));
    // Agents' lists sort by the order the queue serves: the customer's ten minutes ahead show.
    const [firstStored, secondStored] = await Promise.all([first, second].map((s) => started.app.store.getConversation(started.siteKey, s.conversation.id)));
    expect(secondStored!.queueOrder).toBe(secondStored!.queuedAt - 10 * 60_000);
    expect(secondStored!.queueOrder!).toBeLessThan(firstStored!.queueOrder!);
  });

  it('refuses business hours that do not parse, and a left message without a name or a real email', async () => {
    for (const businessHours of [
      { timeZone: 'Nowhere/City', weekly: {} },
      { timeZone: 'UTC', weekly: { mon: ['9am-5pm'] } },
      { timeZone: 'UTC', weekly: { mon: ['17:00-09:00'] } },
      { timeZone: 'UTC', weekly: { someday: ['09:00-10:00'] } },
    ]) {
      const response = await settings({ businessHours });
      expect(response.status, JSON.stringify(businessHours)).toBe(400);
      expect(await response.json()).toMatchObject({ error: { code: 'PAYLOAD_INVALID' } });
    }
    expect((await started.app.store.getSite(started.siteKey))?.settings.businessHours).toBeNull();
    const visitor = await connectVisitor(started.url, { siteKey: started.siteKey });
    for (const payload of [
      { clientId: randomUUID(), text: 'hi', name: '', email: 'a@b.c' },
      { clientId: randomUUID(), text: 'hi', name: 'A', email: 'not-an-email' },
      { clientId: randomUUID(), text: 'hi', email: 'a@b.c' },
    ]) {
      expectRefused(await emitWithTimeout(visitor, 2000, 'message:leave', payload as never), 'PAYLOAD_INVALID');
    }
    const session = expectOk(await emitWithTimeout(visitor, 2000, 'session:resume', {}));
    expect(session.conversation).toBeNull();
  });
});
