/**
 * Floods that used to hand attackers an off switch (issue 17): conversations started from many
 * addresses exhausted the site's allowance and refused real visitors for a minute; sockets from one
 * address had no ceiling. Addresses are simulated with X-Forwarded-For behind a trusted proxy
 * (TRUST_PROXY=loopback), as they would arrive through nginx. Limits are lowered so the test is
 * quick; the mechanism is what is tested.
 */
import { randomUUID } from 'node:crypto';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { RateLimits } from '../../server/domain/rate-limiter';
import { emitWithTimeout } from '../../shared/emit-with-timeout';
import type { Ack, VisitorMessageSent } from '../../shared/protocol';
import { connectVisitor, disconnectAll, type VisitorClient } from '../helpers/clients';
import { assertRedisReachable } from '../helpers/redis';
import { RELAXED_LIMITS, startApp, type StartedApp } from '../helpers/start-app';

const PER_MINUTE = (limit: number) => ({ limit, windowMs: 60_000 });

/** Every limit lifted but the site ceiling, which comes from SITE_CONVERSATIONS_PER_MINUTE as in production. */
const { conversationsPerSite: _fromConfig, ...RELAXED_BUT_SITE } = RELAXED_LIMITS;

function start(env: Record<string, string>, limits: Partial<RateLimits> = {}): Promise<StartedApp> {
  return startApp({ env: { TRUST_PROXY: 'loopback', ...env }, overrides: { rateLimits: { ...RELAXED_BUT_SITE, ...limits } } });
}

const firstMessage = (visitor: VisitorClient): Promise<Ack<VisitorMessageSent>> =>
  emitWithTimeout(visitor, 5000, 'message:send', { clientId: randomUUID(), text: 'Where is my order?' });

/** A new visitor from `address` starts a conversation; its ack, then its socket is closed. */
async function newcomerFrom(started: StartedApp, address: string): Promise<Ack<VisitorMessageSent>> {
  const visitor = await connectVisitor(started.url, { siteKey: started.siteKey }, { forwardedFor: address });
  try {
    return await firstMessage(visitor);
  } finally {
    visitor.disconnect();
  }
}

describe('floods', () => {
  let started: StartedApp | undefined;
  beforeAll(() => assertRedisReachable());
  afterEach(async () => {
    disconnectAll();
    await started?.close();
    started = undefined;
  });

  it('stops one address at its own limit before it can use up the site', async () => {
    started = await start({ SITE_CONVERSATIONS_PER_MINUTE: '1000' }, { conversationsPerIp: PER_MINUTE(3) });
    const acks = [];
    for (let i = 0; i < 5; i++) acks.push(await newcomerFrom(started, '198.51.100.7'));
    expect(acks.slice(0, 3).every((a) => a.ok)).toBe(true);
    for (const ack of acks.slice(3)) expect(ack).toMatchObject({ ok: false, error: { code: 'RATE_LIMITED', details: { limit: 3 } } });
    expect(acks[4]!.ok === false && acks[4]!.error.details?.scope).toBeUndefined();
  }, 60_000);

  it('keeps returning visitors chatting while a flood from 60 addresses is over the site ceiling; newcomers wait', async () => {
    started = await start({ SITE_CONVERSATIONS_PER_MINUTE: '60' }, { conversationsPerIp: PER_MINUTE(2) });
    // Visitors who came before the flood: their tokens were issued earlier (not marked as newcomers).
    const returning = Array.from({ length: 3 }, () => started!.app.visitorTokens.issue(started!.siteKey));

    const flood: Ack<VisitorMessageSent>[] = [];
    for (let round = 0; round < 2; round++) {
      flood.push(...(await Promise.all(Array.from({ length: 60 }, (_, i) => newcomerFrom(started!, `203.0.113.${i + 1}`)))));
    }
    const accepted = flood.filter((a) => a.ok).length;
    const refusedBySite = flood.filter((a) => !a.ok && a.error.code === 'RATE_LIMITED' && a.error.details?.scope === 'site');
    expect(accepted).toBe(60);
    expect(refusedBySite).toHaveLength(60);
    expect(refusedBySite[0]).toMatchObject({ error: { details: { limit: 60, windowMs: 60_000 } } });

    // A returning visitor, from an address the flood never used, and one sharing a flooding address's allowance.
    for (const [i, { token }] of returning.entries()) {
      const visitor = await connectVisitor(started.url, { siteKey: started.siteKey, token }, { forwardedFor: `192.0.2.${i + 1}` });
      const ack = await firstMessage(visitor);
      expect(ack, `returning visitor ${i}`).toMatchObject({ ok: true, data: { conversation: { status: 'waiting' } } });
    }
    // A newcomer during the flood is asked to wait, told how long; nothing was stored for them.
    const newcomer = await connectVisitor(started.url, { siteKey: started.siteKey }, { forwardedFor: '192.0.2.200' });
    const session = await emitWithTimeout(newcomer, 3000, 'session:resume', {});
    const refused = await firstMessage(newcomer);
    expect(refused).toMatchObject({ ok: false, error: { code: 'RATE_LIMITED', details: { scope: 'site' } } });
    if (!refused.ok) expect(refused.error.details?.retryAfterMs).toBeGreaterThan(0);
    if (!session.ok) throw new Error(session.error.code);
    expect(await started.app.store.getOpenConversation(started.siteKey, session.data.visitorId)).toBeNull();
    // The server is healthy throughout.
    expect((await fetch(`${started.url}/readyz`)).status).toBe(200);
    // 120 connections and first messages: more than the default 20 s on a busy machine.
  }, 90_000);

  it('caps open sockets per address with TOO_MANY_CONNECTIONS, gives places back as they close, and stays healthy', async () => {
    started = await start({ MAX_CONNECTIONS_PER_ADDRESS: '25' });
    const one = '198.51.100.20';
    const held = await Promise.all(Array.from({ length: 25 }, () => connectVisitor(started!.url, { siteKey: started!.siteKey }, { forwardedFor: one })));
    const refusals = await Promise.all(
      Array.from({ length: 40 }, () =>
        connectVisitor(started!.url, { siteKey: started!.siteKey }, { forwardedFor: one }).then(
          () => 'connected',
          (error: Error & { data?: { code: string; details?: { limit?: number } } }) => `${error.data?.code} ${error.data?.details?.limit}`,
        ),
      ),
    );
    expect(new Set(refusals)).toEqual(new Set(['TOO_MANY_CONNECTIONS 25']));
    // Someone else behind the same proxy is not affected.
    await expect(connectVisitor(started.url, { siteKey: started.siteKey }, { forwardedFor: '198.51.100.21' })).resolves.toBeDefined();
    // Refused handshakes (a wrong site) take no place for good either.
    for (const socket of held.slice(0, 5)) socket.disconnect();
    await expect(connectVisitor(started.url, { siteKey: 'site_nope' }, { forwardedFor: one })).rejects.toMatchObject({ data: { code: 'SITE_NOT_FOUND' } });
    const again = await Promise.allSettled(Array.from({ length: 5 }, () => connectVisitor(started!.url, { siteKey: started!.siteKey }, { forwardedFor: one })));
    expect(again.map((r) => r.status)).toEqual(Array(5).fill('fulfilled'));
    expect((await fetch(`${started.url}/readyz`)).status).toBe(200);
  }, 60_000);
});
