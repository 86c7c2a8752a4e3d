/**
 * Issue 17: a server stopped right after a burst of disconnects logged thousands of "Connection is
 * closed" warnings (the disconnects' store writes met a closed Redis connection). The shutdown is
 * ordered now: stop accepting, let work in flight finish, stop jobs, then close Redis. A real
 * process on the real Redis, 500 visitors (from 100 addresses through TRUST_PROXY, within the
 * shipped limits), half with a conversation; they all leave at once and SIGTERM follows.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addSite } from '../../server/domain/sites';
import { emitWithTimeout } from '../../shared/emit-with-timeout';
import { connectVisitor, disconnectAll, type VisitorClient } from '../helpers/clients';
import { assertRedisReachable, TEST_REDIS_URL } from '../helpers/redis';
import { startServerProcess, type ServerProcess } from '../helpers/server-process';
import { SHOP_ORIGIN, startApp, type StartedApp } from '../helpers/start-app';

const SESSION_SECRET = 'shutdown-burst-secret-long-enough-for-the-check';
const VISITORS = 500;
const ADDRESSES = 100;

describe('closing right after a burst of disconnects', () => {
  let seeded: StartedApp;
  let server: ServerProcess | undefined;

  beforeAll(async () => {
    await assertRedisReachable();
    seeded = await startApp({ env: { SESSION_SECRET } });
    await addSite(seeded.app.store, { key: 'site_burst', name: 'Burst shop', origins: [SHOP_ORIGIN] }).catch(() => undefined);
    server = await startServerProcess({
      REDIS_URL: TEST_REDIS_URL,
      REDIS_PREFIX: seeded.prefix,
      SESSION_SECRET,
      TRUST_PROXY: 'loopback',
      LOG_LEVEL: 'info',
    }, 60_000);
  }, 90_000);
  afterAll(async () => {
    disconnectAll();
    await server?.stop();
    await seeded?.close();
  });

  it('logs no warning or error, and exits 0', async () => {
    const url = server!.url;
    const visitors: VisitorClient[] = [];
    for (let batch = 0; batch < VISITORS / ADDRESSES; batch++) {
      visitors.push(
        ...(await Promise.all(
          Array.from({ length: ADDRESSES }, (_, i) => connectVisitor(url, { siteKey: 'site_burst' }, { forwardedFor: `10.77.${batch}.${i + 1}` })),
        )),
      );
    }
    const withConversation = visitors.filter((_, i) => i % 2 === 0);
    const sent = await Promise.all(
      withConversation.map((v) => emitWithTimeout(v, 15_000, 'message:send', { clientId: randomUUID(), text: 'Where is my parcel?' })),
    );
    expect(sent.filter((a) => !a.ok)).toEqual([]);

    for (const visitor of visitors) visitor.disconnect();
    await server!.stop(15_000);

    // pino lines; warn is level 40, error 50 (the helper keeps the first 20 KB of output).
    const loud = server!.output().split('\n').filter((line) => /"level":(?:[4-9]\d)/.test(line));
    expect(loud.slice(0, 3)).toEqual([]);
    expect(server!.output()).not.toContain('Connection is closed');
    expect(server!.exitCode()).toBe(0);
  }, 120_000);
});
