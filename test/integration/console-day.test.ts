/**
 * What the console needs for a day's work (issue 14): a Status that is the server's, consoles told
 * why they close, the visitor's path, browser and presence, and their earlier conversations.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { emitWithTimeout } from '../../shared/emit-with-timeout';
import type { ConversationView } from '../../shared/protocol';
import type { VisitorContextPayload } from '../../shared/schemas';
import { expectOk, expectRefused } from '../helpers/acks';
import { connectAgent, connectVisitor, disconnectAll, logIn, type AgentClient } from '../helpers/clients';
import { assertRedisReachable } from '../helpers/redis';
import { startApp, type StartedApp } from '../helpers/start-app';
import { eventually, waitFor } from '../helpers/wait-for';

const CHROME_ON_MAC =
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36';

const at = (url: string, custom?: VisitorContextPayload['custom']): VisitorContextPayload => ({
  page: { url, title: url.split('/').pop() ?? '' },
  language: 'de-DE',
  timeZone: 'Europe/Berlin',
  ...(custom ? { custom } : {}),
});


describe('the console for a full day', () => {
  let started: StartedApp;
  beforeAll(async () => {
    await assertRedisReachable();
    started = await startApp();
  });
  afterEach(() => disconnectAll());
  afterAll(() => started?.close());

  const presenceOf = async (agentId: string) => (await started.app.store.listPresence(started.siteKey))[agentId]?.status;

  it("shows the server's status after a reload and a new log-in, and tells the agent's other tabs", async () => {
    const cookie = await logIn(started.url, started.supportAgent);
    const tab = await connectAgent(started.url, cookie);
    expect(expectOk(await emitWithTimeout(tab, 3000, 'workspace:load', {})).presence).toBe('online');
    const other = await connectAgent(started.url, cookie);
    const told = waitFor<[{ status: string }]>(other, 'presence:changed');
    expect(expectOk(await emitWithTimeout(tab, 3000, 'presence:set', { status: 'offline' }))).toEqual({ status: 'offline' });
    expect((await told)[0]).toEqual({ status: 'offline' });

    // A reload (a new socket on the same session) and a new log-in keep the agent offline, and say so.
    tab.disconnect();
    other.disconnect();
    const reloaded = await connectAgent(started.url, cookie);
    expect(expectOk(await emitWithTimeout(reloaded, 3000, 'workspace:load', {})).presence).toBe('offline');
    expect(await presenceOf(started.supportAgent.view.id)).toBe('offline');
    const again = await connectAgent(started.url, started.supportAgent);
    expect(expectOk(await emitWithTimeout(again, 3000, 'workspace:load', {})).presence).toBe('offline');
    expect(await presenceOf(started.supportAgent.view.id)).toBe('offline');

    expectOk(await emitWithTimeout(again, 3000, 'presence:set', { status: 'away' }));
    again.disconnect();
    const back = await connectAgent(started.url, started.supportAgent);
    expect(expectOk(await emitWithTimeout(back, 3000, 'workspace:load', {})).presence).toBe('away');
    expectOk(await emitWithTimeout(back, 3000, 'presence:set', { status: 'online' }));
  });

  it('tells a console why it closes: disabled by an admin, or logged out', async () => {
    const dee = await started.app.agentAccounts.addAgent({ siteKey: started.siteKey, email: `dee-${randomUUID()}@agents.example`, password: 'dee-password-1', name: 'Dee', skills: ['service'] });
    const account = { email: dee.email, password: 'dee-password-1' };
    const console1 = await connectAgent(started.url, await logIn(started.url, account));
    const ended = waitFor<[{ reason: string }]>(console1, 'session:ended');
    const closed = waitFor<[string]>(console1, 'disconnect');
    await started.app.agentAccounts.updateAgent(started.siteKey, dee.id, { disabled: true }, 'test');
    expect((await ended)[0]).toEqual({ reason: 'disabled' });
    expect((await closed)[0]).toBe('io server disconnect');

    const cookie = await logIn(started.url, started.serviceAgent);
    const sam = await connectAgent(started.url, cookie);
    const loggedOut = waitFor<[{ reason: string }]>(sam, 'session:ended');
    await fetch(`${started.url}/api/v1/sessions/current`, { method: 'DELETE', headers: { cookie } });
    expect((await loggedOut)[0]).toEqual({ reason: 'logged-out' });
  });

  it('refuses a status change from an agent disabled meanwhile with a code, and changes nothing', async () => {
    const eve = await started.app.agentAccounts.addAgent({ siteKey: started.siteKey, email: `eve-${randomUUID()}@agents.example`, password: 'eve-password-1', name: 'Eve', skills: ['service'] });
    const socket = await connectAgent(started.url, await logIn(started.url, { email: eve.email, password: 'eve-password-1' }));
    expectOk(await emitWithTimeout(socket, 3000, 'presence:set', { status: 'away' }));
    // Disabled in the store alone (another process's admin, a script): the next event finds out.
    await started.app.store.updateAgent(started.siteKey, eve.id, { disabled: true });
    const ended = waitFor<[{ reason: string }]>(socket, 'session:ended');
    const refused = await emitWithTimeout(socket, 3000, 'presence:set', { status: 'online' });
    expectRefused(refused, 'AUTH_REQUIRED');
    expect(refused).toMatchObject({ error: { details: { reason: 'disabled' } } });
    expect((await ended)[0]).toEqual({ reason: 'disabled' });
    expect(await presenceOf(eve.id)).toBe('away');
  });

  it('answers Take next with nothing waiting with null and changes nothing; refuses it while offline', async () => {
    const fay = await started.app.agentAccounts.addAgent({ siteKey: started.siteKey, email: `fay-${randomUUID()}@agents.example`, password: 'fay-password-1', name: 'Fay', skills: ['support'] });
    const socket = await connectAgent(started.url, await logIn(started.url, { email: fay.email, password: 'fay-password-1' }));
    for (const id of await started.app.store.listQueueIds(started.siteKey, 'support')) await started.app.store.abandonConversation(started.siteKey, id, Date.now());
    expect(expectOk(await emitWithTimeout(socket, 3000, 'queue:take-next', {}))).toBeNull();
    expect(await started.app.store.listAgentConversations(started.siteKey, fay.id)).toEqual([]);

    const visitor = await connectVisitor(started.url, { siteKey: started.siteKey });
    expectOk(await emitWithTimeout(visitor, 3000, 'message:send', { clientId: randomUUID(), text: 'the app crashes with error 500 when I log in' }));
    expectOk(await emitWithTimeout(socket, 3000, 'presence:set', { status: 'offline' }));
    expectRefused(await emitWithTimeout(socket, 3000, 'queue:take-next', {}), 'AGENT_OFFLINE');
    expect(await started.app.store.listAgentConversations(started.siteKey, fay.id)).toEqual([]);
    expectRefused(await emitWithTimeout(socket, 3000, 'queue:take-next', { extra: 1 } as never), 'PAYLOAD_INVALID');
  });

  it("keeps the visitor's path, browser and presence for the agent, bounded", async () => {
    const visitor = await connectVisitor(started.url, { siteKey: started.siteKey }, { headers: { 'user-agent': CHROME_ON_MAC } });
    const { visitorId, token } = expectOk(await emitWithTimeout(visitor, 3000, 'session:resume', {}));
    expectOk(await emitWithTimeout(visitor, 3000, 'visitor:context', at('https://shop.example/shoes?colour=red&size=42')));
    const { conversation } = expectOk(await emitWithTimeout(visitor, 3000, 'message:send', { clientId: randomUUID(), text: 'Where is my order? I want a refund' }));
    const sam = await connectAgent(started.url, started.serviceAgent);
    const taken = expectOk(await emitWithTimeout(sam, 3000, 'conversation:take', { conversationId: conversation.id }));
    expect(taken.conversation.context).toMatchObject({ page: { url: 'https://shop.example/shoes?colour=red&size=42' }, userAgent: CHROME_ON_MAC, online: true });

    for (let i = 0; i < 14; i++) expectOk(await emitWithTimeout(visitor, 3000, 'visitor:context', at(`https://shop.example/page-${i}?i=${i}`, { plan: 'pro' })));
    const kept = (await started.app.store.getVisitorContext(started.siteKey, visitorId))!;
    expect(kept.page.url).toBe('https://shop.example/page-13?i=13');
    expect(kept.previousPages).toHaveLength(10);
    expect(kept.previousPages![0]!.url).toBe('https://shop.example/page-12?i=12');

    // The visitor's last tab closes: the agent sees them gone; back, they are on the site again.
    const gone = new Promise<ConversationView>((resolve) =>
      sam.on('conversation:updated', (c) => c.id === conversation.id && c.context?.online === false && resolve(c)),
    );
    visitor.disconnect();
    expect((await gone).context?.page.url).toBe('https://shop.example/page-13?i=13');
    const back = await connectVisitor(started.url, { siteKey: started.siteKey, token }, { headers: { 'user-agent': CHROME_ON_MAC } });
    const returned = new Promise<ConversationView>((resolve) => sam.on('conversation:updated', (c) => c.id === conversation.id && c.context?.online === true && resolve(c)));
    expectOk(await emitWithTimeout(back, 3000, 'visitor:context', at('https://shop.example/page-13?i=13', { plan: 'pro' })));
    expect((await returned).context?.previousPages).toHaveLength(10);
  });

  it("lists the visitor's earlier conversations to the agent who may read this one, and refuses others", async () => {
    const visitor = await connectVisitor(started.url, { siteKey: started.siteKey });
    expectOk(await emitWithTimeout(visitor, 3000, 'session:resume', {}));
    const first = expectOk(await emitWithTimeout(visitor, 3000, 'message:send', { clientId: randomUUID(), text: 'I was charged twice for my invoice' })).conversation;
    const sam = await connectAgent(started.url, started.serviceAgent);
    expectOk(await emitWithTimeout(sam, 3000, 'conversation:take', { conversationId: first.id }));
    expectOk(await emitWithTimeout(sam, 3000, 'message:send', { conversationId: first.id, clientId: randomUUID(), text: 'Refunded the second charge' }));
    expectOk(await emitWithTimeout(sam, 3000, 'conversation:resolve', { conversationId: first.id }));
    const second = expectOk(await emitWithTimeout(visitor, 3000, 'message:send', { clientId: randomUUID(), text: 'My refund has not arrived yet' })).conversation;
    expect(second.id).not.toBe(first.id);
    await eventually(async () => expect(await started.app.store.listQueueIds(started.siteKey, 'service')).toContain(second.id));

    // Waiting in Sam's queue: Sam may read it, and its history.
    const history = expectOk(await emitWithTimeout(sam, 3000, 'visitor:history', { conversationId: second.id }));
    expect(history).toHaveLength(1);
    expect(history[0]).toMatchObject({ id: first.id, queue: 'service', status: 'resolved', preview: 'I was charged twice for my invoice', agentName: 'sam' });
    expect(history[0]!.messages.map((m) => m.text)).toEqual(['I was charged twice for my invoice', 'Refunded the second charge']);

    // Sasha (support only) may not read a waiting service conversation, nor its visitor's past.
    const sasha = await connectAgent(started.url, started.supportAgent);
    expectRefused(await emitWithTimeout(sasha, 3000, 'visitor:history', { conversationId: second.id }), 'CONVERSATION_NOT_ASSIGNED_TO_YOU');
    expectRefused(await emitWithTimeout(sam, 3000, 'visitor:history', { conversationId: 'c_nope' }), 'CONVERSATION_NOT_FOUND');
    expectRefused(await emitWithTimeout(sam, 3000, 'visitor:history', { conversationId: 42 } as never), 'PAYLOAD_INVALID');
  });
});
