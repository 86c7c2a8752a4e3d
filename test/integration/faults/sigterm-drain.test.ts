/**
 * SIGTERM while conversations run (issue 17): the process closes its connections, its jobs and
 * Redis, and exits 0 by itself, which it only does within server/main.ts's 10 s bound (past it,
 * it exits 1); and nothing it logs on the way out is a warning or an error, even right after a
 * burst of disconnects, with messages still in flight.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { io } from 'socket.io-client';
import { createRedisStore, type RedisStore } from '../../../server/store/redis/redis-store';
import { emitWithTimeout } from '../../../shared/emit-with-timeout';
import { expectOk } from '../../helpers/acks';
import { connectAgent, disconnectAll, type VisitorClient } from '../../helpers/clients';
import { FAULT_SESSION_SECRET, seedFaultSite, type FaultSite } from '../../helpers/fault-scene';
import { assertRedisReachable, deletePrefix, testPrefix, TEST_REDIS_URL } from '../../helpers/redis';
import { startServerProcess, type ServerProcess } from '../../helpers/server-process';
import { SHOP_ORIGIN } from '../../helpers/start-app';
import { sourceAddress } from '../../../scripts/bench-load-clients';

const VISITORS = 300;
/** Ten visitors a loopback address: well inside the real per-address limits the process enforces. */
const VISITORS_PER_ADDRESS = 10;
/** pino's numeric levels: 40 warn, 50 error, 60 fatal. */
const WARN_OR_WORSE = /"level":(4|5|6)0/;

describe('SIGTERM', () => {
  const prefix = testPrefix();
  let store: RedisStore;
  let site: FaultSite;
  let server: ServerProcess;

  beforeAll(async () => {
    await assertRedisReachable();
    store = createRedisStore({ url: TEST_REDIS_URL, prefix });
    site = await seedFaultSite(store, { assignment: 'auto', agents: 20 });
    server = await startServerProcess(
      { REDIS_URL: TEST_REDIS_URL, REDIS_PREFIX: prefix, SESSION_SECRET: FAULT_SESSION_SECRET, LOG_LEVEL: 'info' },
      60_000,
      { keepLogChars: 2_000_000 },
    );
  }, 90_000);

  afterAll(async () => {
    disconnectAll();
    await server?.stop();
    await store?.close();
    await deletePrefix(prefix);
  });

  it('drains within its bound, exits 0 and logs no warning or error', { timeout: 120_000 }, async () => {
    await Promise.all(site.agentCookies.map((cookie) => connectAgent(server.url, cookie)));
    const visitors: VisitorClient[] = [];
    for (let i = 0; i < VISITORS; i += 50) {
      visitors.push(
        ...(await Promise.all(
          Array.from({ length: 50 }, (_, j) => {
            const socket: VisitorClient = io(`${server.url}/visitor`, {
              auth: { siteKey: site.siteKey },
              transports: ['websocket'],
              reconnection: false,
              forceNew: true,
              extraHeaders: { origin: SHOP_ORIGIN },
              localAddress: sourceAddress(Math.floor((i + j) / VISITORS_PER_ADDRESS)),
            } as Parameters<typeof io>[1]);
            return new Promise<VisitorClient>((resolve, reject) => {
              socket.once('connect', () => resolve(socket));
              socket.once('connect_error', reject);
            });
          }),
        )),
      );
    }
    // Every visitor in a conversation (auto assignment hands them to the 20 agents).
    await Promise.all(visitors.map(async (v) => expectOk(await emitWithTimeout(v, 20_000, 'message:send', { clientId: randomUUID(), text: 'Where is my order?', topic: 'service' }))));

    // A burst of disconnects, messages in flight, then SIGTERM; what is logged from here on counts.
    const logged = server.output().length;
    for (const v of visitors.slice(0, VISITORS / 2)) v.disconnect();
    for (const v of visitors.slice(VISITORS / 2)) v.emit('message:send', { clientId: randomUUID(), text: 'Still there?' }, () => undefined);
    await server.stop(15_000);

    expect(server.child.exitCode).toBe(0);
    const bad = server.output().slice(logged).split('\n').filter((line) => WARN_OR_WORSE.test(line) || /Unhandled|ECONNREFUSED|Connection is closed/.test(line));
    expect(bad).toEqual([]);
    for (const v of visitors) v.disconnect();
  });
});
