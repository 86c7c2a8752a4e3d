/**
 * Abuse limits: a flood gets RATE_LIMITED with a retry time, and what was refused changes nothing.
 * Each test starts its own app with small limits, since every test connects from 127.0.0.1.
 */
import { randomUUID } from 'node:crypto';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { RateLimits } from '../../server/domain/rate-limiter';
import { emitWithTimeout } from '../../shared/emit-with-timeout';
import { RATE_LIMITS } from '../../shared/limits';
import type { Ack, VisitorMessageSent } from '../../shared/protocol';
import { expectOk } from '../helpers/acks';
import { connectAgent, connectVisitor, disconnectAll, type VisitorClient } from '../helpers/clients';
import { assertRedisReachable } from '../helpers/redis';
import { startApp, type StartedApp } from '../helpers/start-app';
import { waitFor } from '../helpers/wait-for';

const relaxed = Object.fromEntries(Object.entries(RATE_LIMITS).map(([name, rule]) => [name, { ...rule, limit: 1_000_000 }])) as unknown as RateLimits;
const withLimits = (limits: Partial<RateLimits>, sleep?: (ms: number) => Promise<void>) =>
  startApp({ overrides: { rateLimits: { ...relaxed, ...limits }, ...(sleep ? { sleep } : {}) } });

const send = (visitor: VisitorClient, text: string): Promise<Ack<VisitorMessageSent>> =>
  emitWithTimeout(visitor, 3000, 'message:send', { clientId: randomUUID(), text });

describe('abuse limits', () => {
  let started: StartedApp | undefined;
  beforeAll(() => assertRedisReachable());
  afterEach(async () => {
    disconnectAll();
    await started?.close();
    started = undefined;
  });

  it('stops a visitor sending faster than the message limit, and stores none of the refused messages', async () => {
    started = await withLimits({ messagesPerVisitor: { limit: 3, windowMs: 60_000 } });
    const visitor = await connectVisitor(started.url, { siteKey: started.siteKey });
    const acks = [];
    for (let i = 0; i < 5; i++) acks.push(await send(visitor, `message ${i}`));
    expect(acks.slice(0, 3).every((a) => a.ok)).toBe(true);
    for (const ack of acks.slice(3)) {
      expect(ack).toMatchObject({ ok: false, error: { code: 'RATE_LIMITED', details: { limit: 3, windowMs: 60_000 } } });
      if (!ack.ok) expect(ack.error.details?.retryAfterMs).toBeGreaterThan(0);
    }
    const conversationId = (acks[0] as { ok: true; data: VisitorMessageSent }).data.conversation.id;
    const stored = await started.app.store.messagesAfter(started.siteKey, conversationId, undefined, 100);
    expect(stored.map((m) => m.text)).toEqual(['message 0', 'message 1', 'message 2']);
  });

  it('counts all tabs of one visitor together, and other visitors separately', async () => {
    started = await withLimits({ messagesPerVisitor: { limit: 2, windowMs: 60_000 } });
    const first = await connectVisitor(started.url, { siteKey: started.siteKey });
    const session = expectOk(await emitWithTimeout(first, 2000, 'session:resume', {}));
    const secondTab = await connectVisitor(started.url, { siteKey: started.siteKey, token: session.token });
    expect((await send(first, 'one')).ok).toBe(true);
    expect((await send(secondTab, 'two')).ok).toBe(true);
    expect(await send(secondTab, 'three')).toMatchObject({ ok: false, error: { code: 'RATE_LIMITED' } });
    const someoneElse = await connectVisitor(started.url, { siteKey: started.siteKey });
    expect((await send(someoneElse, 'hello')).ok).toBe(true);
  });

  it('limits new conversations per visitor', async () => {
    started = await withLimits({ conversationsPerVisitor: { limit: 1, windowMs: 60_000 } });
    const visitor = await connectVisitor(started.url, { siteKey: started.siteKey });
    const agent = await connectAgent(started.url, started.bothAgent);
    const { conversation } = expectOk(await send(visitor, 'I was charged twice'));
    expectOk(await emitWithTimeout(agent, 2000, 'conversation:take', { conversationId: conversation.id }));
    expectOk(await emitWithTimeout(agent, 2000, 'conversation:resolve', { conversationId: conversation.id }));
    expect(await send(visitor, 'and another thing')).toMatchObject({ ok: false, error: { code: 'RATE_LIMITED' } });
    expect((await started.app.store.listQueue(started.siteKey, 'service', 10)).count).toBe(0);
  });

  it('refuses connections over the per-IP limit at the handshake', async () => {
    started = await withLimits({ connectionsPerIp: { limit: 2, windowMs: 60_000 } });
    await connectVisitor(started.url, { siteKey: started.siteKey });
    await connectVisitor(started.url, { siteKey: started.siteKey });
    await expect(connectVisitor(started.url, { siteKey: started.siteKey })).rejects.toMatchObject({
      data: { code: 'RATE_LIMITED', details: { limit: 2 } },
    });
  });

  it('answers events beyond one socket’s burst with RATE_LIMITED before doing anything', async () => {
    started = await withLimits({});
    const visitor = await connectVisitor(started.url, { siteKey: started.siteKey });
    const acks = await Promise.all(Array.from({ length: 40 }, () => emitWithTimeout(visitor, 3000, 'session:resume', {})));
    const refused = acks.filter((a) => !a.ok);
    expect(refused.length).toBeGreaterThanOrEqual(15);
    expect(refused.every((a) => !a.ok && a.error.code === 'RATE_LIMITED')).toBe(true);
    expect(acks.filter((a) => a.ok).length).toBeGreaterThanOrEqual(20);
  });

  it('cuts off a socket that keeps flooding after being refused, and leaves other visitors alone', async () => {
    started = await withLimits({});
    const flooder = await connectVisitor(started.url, { siteKey: started.siteKey });
    const bystander = await connectVisitor(started.url, { siteKey: started.siteKey });
    const cutOff = waitFor<[string]>(flooder, 'disconnect');
    await Promise.allSettled(Array.from({ length: 200 }, () => emitWithTimeout(flooder, 1000, 'session:resume', {})));
    expect((await cutOff)[0]).toBe('io server disconnect');
    expect((await emitWithTimeout(bystander, 2000, 'session:resume', {})).ok).toBe(true);
  });

  describe('log-in throttling', () => {
    const logInStatus = async (url: string, email: string, password: string) => {
      const response = await fetch(`${url}/api/v1/sessions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email, password }),
      });
      return { status: response.status, body: (await response.json()) as { error?: { code: string; details?: { retryAfterMs?: number } } } };
    };

    it('slows each failure more, then locks the account even for the right password', async () => {
      const waits: number[] = [];
      started = await withLimits({ loginFailuresPerAccount: { limit: 3, windowMs: 60_000 } }, async (ms) => void waits.push(ms));
      const { email, password } = started.serviceAgent;
      for (let i = 0; i < 3; i++) expect((await logInStatus(started.url, email, 'wrong-password')).status).toBe(401);
      expect(waits).toEqual([0, 250, 500]);
      const locked = await logInStatus(started.url, email, password);
      expect(locked.status).toBe(429);
      expect(locked.body.error).toMatchObject({ code: 'RATE_LIMITED' });
      expect(locked.body.error?.details?.retryAfterMs).toBeGreaterThan(0);
      expect((await logInStatus(started.url, started.supportAgent.email, started.supportAgent.password)).status).toBe(200);
    });

    it('locks out an IP address guessing across many accounts', async () => {
      started = await withLimits({ loginFailuresPerIp: { limit: 2, windowMs: 60_000 } });
      expect((await logInStatus(started.url, 'a@x.example', 'nope-nope')).status).toBe(401);
      expect((await logInStatus(started.url, 'b@x.example', 'nope-nope')).status).toBe(401);
      expect((await logInStatus(started.url, started.serviceAgent.email, started.serviceAgent.password)).status).toBe(429);
    });

    it('caps raw log-in requests per IP with RATE_LIMITED and a Retry-After header', async () => {
      started = await withLimits({ logInRequestsPerIp: { limit: 2, windowMs: 60_000 } });
      await logInStatus(started.url, 'a@x.example', 'nope-nope');
      await logInStatus(started.url, 'a@x.example', 'nope-nope');
      const response = await fetch(`${started.url}/api/v1/sessions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: started.serviceAgent.email, password: started.serviceAgent.password }),
      });
      expect(response.status).toBe(429);
      expect(response.headers.get('retry-after')).toBeTruthy();
      expect(await response.json()).toMatchObject({ error: { code: 'RATE_LIMITED', details: { retryAfterMs: expect.any(Number) } } });
    });
  });

  it('logs an agent out everywhere: every session of theirs stops working', async () => {
    started = await withLimits({});
    const { logIn } = await import('../helpers/clients');
    const laptop = await logIn(started.url, started.serviceAgent);
    const phone = await logIn(started.url, started.serviceAgent);
    const response = await fetch(`${started.url}/api/v1/sessions`, { method: 'DELETE', headers: { cookie: laptop } });
    expect(response.status).toBe(204);
    for (const cookie of [laptop, phone]) {
      expect((await fetch(`${started.url}/api/v1/sessions/current`, { headers: { cookie } })).status).toBe(401);
      await expect(connectAgent(started.url, cookie)).rejects.toMatchObject({ data: { code: 'AUTH_REQUIRED' } });
    }
  });
});
