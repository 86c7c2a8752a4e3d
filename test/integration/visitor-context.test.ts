/**
 * Page context (`visitor:context`): kept per visitor, bounded by its schema, shown to agents on the
 * open conversation and each new one, never to the visitor, and erased with the visitor.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { emitWithTimeout } from '../../shared/emit-with-timeout';
import type { ConversationView } from '../../shared/protocol';
import type { VisitorContextPayload } from '../../shared/schemas';
import { expectOk, expectRefused } from '../helpers/acks';
import { connectAgent, connectVisitor, disconnectAll, logIn } from '../helpers/clients';
import { assertRedisReachable } from '../helpers/redis';
import { startApp, type StartedApp } from '../helpers/start-app';
import { waitFor } from '../helpers/wait-for';

const context = (url: string, custom?: VisitorContextPayload['custom']): VisitorContextPayload => ({
  page: { url, title: 'Checkout', referrer: 'https://search.example/?q=shoes' },
  language: 'fr-FR',
  timeZone: 'Europe/Paris',
  ...(custom ? { custom } : {}),
});

describe('visitor:context', () => {
  let started: StartedApp;
  beforeAll(async () => {
    await assertRedisReachable();
    started = await startApp();
  });
  afterEach(() => disconnectAll());
  afterAll(() => started?.close());

  it('keeps the context, carries it onto a new conversation and follows navigation on the open one for its agent', async () => {
    const visitor = await connectVisitor(started.url, { siteKey: started.siteKey });
    const { visitorId } = expectOk(await emitWithTimeout(visitor, 2000, 'session:resume', {}));
    expectOk(await emitWithTimeout(visitor, 2000, 'visitor:context', context('https://shop.example/cart', { plan: 'pro', cartValue: 129.5 })));
    expect(await started.app.store.getVisitorContext(started.siteKey, visitorId)).toMatchObject({ page: { url: 'https://shop.example/cart' }, custom: { plan: 'pro', cartValue: 129.5 } });

    const { conversation } = expectOk(await emitWithTimeout(visitor, 2000, 'message:send', { clientId: randomUUID(), text: 'I want a refund' }));
    expect(conversation).not.toHaveProperty('context');
    const agent = await connectAgent(started.url, started.serviceAgent);
    const taken = expectOk(await emitWithTimeout(agent, 2000, 'conversation:take', { conversationId: conversation.id }));
    expect(taken.conversation.context).toMatchObject({ page: { url: 'https://shop.example/cart', title: 'Checkout' }, language: 'fr-FR', timeZone: 'Europe/Paris' });

    const updated = waitFor<[ConversationView]>(agent, 'conversation:updated');
    const visitorHeard: string[] = [];
    visitor.onAny((event: string, payload: unknown) => visitorHeard.push(`${event} ${JSON.stringify(payload)}`));
    expectOk(await emitWithTimeout(visitor, 2000, 'visitor:context', context('https://shop.example/checkout#pay', { plan: 'pro', cartValue: 129.5 })));
    expect((await updated)[0].context?.page.url).toBe('https://shop.example/checkout#pay');
    // The take's own conversation:updated may still arrive; nothing the visitor hears carries the context.
    expect(visitorHeard.join('\n')).not.toMatch(/checkout|Europe\/Paris|context/);

    // The agent's workspace (a reload of the console) shows it too.
    const workspace = expectOk(await emitWithTimeout(agent, 2000, 'workspace:load', {}));
    expect(workspace.conversations.find((c) => c.id === conversation.id)?.context?.page.url).toBe('https://shop.example/checkout#pay');
  });

  it('acknowledges an unchanged context without telling agents again', async () => {
    const visitor = await connectVisitor(started.url, { siteKey: started.siteKey });
    const first = expectOk(await emitWithTimeout(visitor, 2000, 'visitor:context', context('https://shop.example/a', { b: 1, a: 'x' })));
    const again = expectOk(await emitWithTimeout(visitor, 2000, 'visitor:context', context('https://shop.example/a', { a: 'x', b: 1 })));
    expect(again.at).toBe(first.at);
  });

  it('refuses a malformed or oversized context with PAYLOAD_INVALID and keeps nothing of it', async () => {
    const visitor = await connectVisitor(started.url, { siteKey: started.siteKey });
    const { visitorId } = expectOk(await emitWithTimeout(visitor, 2000, 'session:resume', {}));
    const good = context('https://shop.example/ok');
    const tooMany = Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`k${i}`, i]));
    const bad: unknown[] = [
      {},
      { ...good, page: { ...good.page, url: 'javascript:alert(1)' } },
      { ...good, page: { ...good.page, url: 'data:text/html,hi' } },
      { ...good, page: { ...good.page, url: `https://shop.example/${'a'.repeat(2_000)}` } },
      { ...good, page: { ...good.page, referrer: 'ftp://files.example/x' } },
      { ...good, page: { ...good.page, title: 't'.repeat(301) } },
      { ...good, timeZone: 'Mars/Olympus' },
      { ...good, language: '<script>' },
      { ...good, custom: tooMany },
      { ...good, custom: { ['k'.repeat(41)]: 1 } },
      { ...good, custom: { '': 1 } },
      { ...good, custom: { note: 'v'.repeat(201) } },
      { ...good, custom: { nested: { a: 1 } } },
      { ...good, custom: { flag: true } },
      { ...good, custom: { list: [1] } },
      { ...good, extra: 1 },
    ];
    for (const payload of bad) expectRefused(await emitWithTimeout(visitor, 2000, 'visitor:context', payload as never), 'PAYLOAD_INVALID');
    expect(await started.app.store.getVisitorContext(started.siteKey, visitorId)).toBeNull();
    // The bounds themselves are accepted.
    const edge = Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`${'k'.repeat(38)}${String(i).padStart(2, '0')}`, 'v'.repeat(200)]));
    expectOk(await emitWithTimeout(visitor, 2000, 'visitor:context', { ...good, custom: edge }));
  });

  it('is exported and erased with the visitor', async () => {
    const visitor = await connectVisitor(started.url, { siteKey: started.siteKey });
    const { visitorId } = expectOk(await emitWithTimeout(visitor, 2000, 'session:resume', {}));
    expectOk(await emitWithTimeout(visitor, 2000, 'visitor:context', context('https://shop.example/account', { orderNumber: 'A-1001' })));
    expectOk(await emitWithTimeout(visitor, 2000, 'message:send', { clientId: randomUUID(), text: 'delete me' }));
    const cookie = await logIn(started.url, started.adminAgent);
    const exported = await fetch(`${started.url}/api/v1/sites/${started.siteKey}/visitors/${visitorId}/export`, { headers: { cookie } });
    expect(((await exported.json()) as { visitor: { context?: { custom?: object } } }).visitor.context?.custom).toEqual({ orderNumber: 'A-1001' });
    const response = await fetch(`${started.url}/api/v1/sites/${started.siteKey}/visitors/${visitorId}`, { method: 'DELETE', headers: { cookie } });
    expect(response.status).toBe(200);
    expect(await started.app.store.getVisitorContext(started.siteKey, visitorId)).toBeNull();
  });
});
