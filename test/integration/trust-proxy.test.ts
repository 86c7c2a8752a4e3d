/**
 * Behind a reverse proxy every visitor arrives from the proxy's address. With TRUST_PROXY naming the
 * proxy, REST limits and socket handshakes both count each visitor under their own address (from
 * X-Forwarded-For); without it, a forged X-Forwarded-For changes nothing.
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { RateLimits } from '../../server/domain/rate-limiter';
import { connectVisitor, disconnectAll } from '../helpers/clients';
import { assertRedisReachable } from '../helpers/redis';
import { RELAXED_LIMITS, startApp, type StartedApp } from '../helpers/start-app';

const TWO_PER_MINUTE = { limit: 2, windowMs: 60_000 };

function start(trustProxy: string | undefined, limits: Partial<RateLimits>): Promise<StartedApp> {
  return startApp({ env: trustProxy ? { TRUST_PROXY: trustProxy } : {}, overrides: { rateLimits: { ...RELAXED_LIMITS, ...limits } } });
}

/** 'connected', or the code the handshake was refused with. */
function connectFrom(started: StartedApp, address: string): Promise<string> {
  return connectVisitor(started.url, { siteKey: started.siteKey }, { forwardedFor: address }).then(
    (socket) => {
      socket.disconnect();
      return 'connected';
    },
    (error: Error & { data?: { code: string } }) => error.data?.code ?? error.message,
  );
}

const getFrom = (started: StartedApp, address: string) =>
  fetch(`${started.url}/api/v1/sessions/current`, { headers: { 'x-forwarded-for': address } }).then((r) => r.status);

describe('TRUST_PROXY', () => {
  let started: StartedApp | undefined;
  beforeAll(() => assertRedisReachable());
  afterEach(async () => {
    disconnectAll();
    await started?.close();
    started = undefined;
  });

  it('counts socket handshakes per forwarded address when the proxy is trusted', async () => {
    started = await start('loopback', { connectionsPerIp: TWO_PER_MINUTE });
    expect(await connectFrom(started, '198.51.100.1')).toBe('connected');
    expect(await connectFrom(started, '198.51.100.1')).toBe('connected');
    expect(await connectFrom(started, '198.51.100.1')).toBe('RATE_LIMITED');
    // Another visitor behind the same proxy is not locked out by the first.
    expect(await connectFrom(started, '198.51.100.2')).toBe('connected');
  });

  it('counts REST requests per forwarded address too, so both agree on who the client is', async () => {
    started = await start('127.0.0.1/32', { restRequestsPerIp: TWO_PER_MINUTE });
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push(await getFrom(started, '203.0.113.9'));
    expect(statuses.slice(0, 2)).not.toContain(429);
    expect(statuses[2]).toBe(429);
    expect(await getFrom(started, '203.0.113.10')).not.toBe(429);
  });

  it('ignores X-Forwarded-For from a peer it does not trust (unset TRUST_PROXY)', async () => {
    started = await start(undefined, { connectionsPerIp: TWO_PER_MINUTE });
    expect(await connectFrom(started, '198.51.100.1')).toBe('connected');
    expect(await connectFrom(started, '198.51.100.2')).toBe('connected');
    // A forged header does not buy a fresh budget: all three came from 127.0.0.1.
    expect(await connectFrom(started, '198.51.100.3')).toBe('RATE_LIMITED');
  });
});
