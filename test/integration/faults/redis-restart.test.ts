/**
 * Redis dies and comes back (issue 17), on a redis-server of the test's own with the append-only
 * file on (the shared one on 6379 serves everyone): a server process says it is not ready
 * meanwhile, does not crash, and afterwards every message it acknowledged is there, the waiting
 * conversations keep their places in line, and the conversation going on goes on.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedisStore, type RedisStore } from '../../../server/store/redis/redis-store';
import { emitWithTimeout } from '../../../shared/emit-with-timeout';
import { expectOk } from '../../helpers/acks';
import { connectAgent, connectVisitor, disconnectAll, type VisitorClient } from '../../helpers/clients';
import { FAULT_SESSION_SECRET, seedFaultSite, startOwnRedis, type FaultSite, type OwnRedis } from '../../helpers/fault-scene';
import { testPrefix } from '../../helpers/redis';
import { startServerProcess, type ServerProcess } from '../../helpers/server-process';
import { eventually } from '../../helpers/wait-for';

describe('Redis restarted under a running server', () => {
  const prefix = testPrefix();
  let redis: OwnRedis;
  let store: RedisStore;
  let site: FaultSite;
  let server: ServerProcess;

  beforeAll(async () => {
    redis = await startOwnRedis();
    store = createRedisStore({ url: redis.url, prefix });
    // The test's own connection sees the outage too; the server's is what is under test.
    store.redis.on('error', () => undefined);
    site = await seedFaultSite(store, { assignment: 'manual' });
    server = await startServerProcess({ REDIS_URL: redis.url, REDIS_PREFIX: prefix, SESSION_SECRET: FAULT_SESSION_SECRET }, 60_000);
  }, 90_000);

  afterAll(async () => {
    disconnectAll();
    await server?.stop();
    await store?.close().catch(() => undefined);
    await redis?.remove();
  });

  const ready = async () => (await fetch(`${server.url}/readyz`)).status;

  it('is not ready while Redis is down, loses nothing acknowledged, and keeps the line', { timeout: 90_000 }, async () => {
    // One conversation going on (taken by the agent), three waiting behind it in line.
    const agent = await connectAgent(server.url, site.agentCookies[0]!);
    const visitors: VisitorClient[] = [];
    const conversationIds: string[] = [];
    for (let i = 0; i < 4; i++) {
      const visitor = await connectVisitor(server.url, { siteKey: site.siteKey });
      const sent = expectOk(await emitWithTimeout(visitor, 5_000, 'message:send', { clientId: randomUUID(), text: `Visitor ${i} needs help`, topic: 'service' }));
      visitors.push(visitor);
      conversationIds.push(sent.conversation.id);
    }
    const [talking] = conversationIds;
    expectOk(await emitWithTimeout(agent, 5_000, 'conversation:take', { conversationId: talking! }));
    const line = await store.listQueueIds(site.siteKey, 'service');
    expect(line).toEqual(conversationIds.slice(1));

    // Messages both ways, some acked before the crash, some sent while Redis is gone.
    const acked = new Set<string>();
    /** The codes of the refusals: while Redis is gone, UNAVAILABLE (which outboxes retry), never INTERNAL. */
    const refusals: string[] = [];
    const outbox = new Map<string, { from: 'visitor' | 'agent'; text: string }>();
    const send = async (clientId: string, from: 'visitor' | 'agent', text: string) => {
      outbox.set(clientId, { from, text });
      const ack = await (from === 'visitor'
        ? emitWithTimeout(visitors[0]!, 2_000, 'message:send', { clientId, text })
        : emitWithTimeout(agent, 2_000, 'message:send', { conversationId: talking!, clientId, text })
      ).catch(() => undefined);
      if (ack?.ok) {
        acked.add(clientId);
        outbox.delete(clientId);
      } else if (ack) refusals.push(ack.error.code);
    };
    for (let i = 0; i < 5; i++) await Promise.all([send(randomUUID(), 'visitor', `before ${i}`), send(randomUUID(), 'agent', `reply before ${i}`)]);
    expect(acked.size).toBe(10);

    await redis.crash();
    await eventually(async () => expect(await ready()).toBe(503), 10_000);
    for (let i = 0; i < 3; i++) await send(randomUUID(), 'visitor', `during ${i}`);
    expect(await ready()).toBe(503);
    expect(refusals.filter((code) => code !== 'UNAVAILABLE')).toEqual([]);

    await redis.start();
    await eventually(async () => expect(await ready()).toBe(200), 30_000);
    // What was not acked is sent again, with its client id, as a widget's outbox does.
    await eventually(async () => {
      for (const [clientId, { from, text }] of [...outbox]) await send(clientId, from, text);
      expect(outbox.size).toBe(0);
    }, 30_000);

    expect(refusals.filter((code) => code !== 'UNAVAILABLE')).toEqual([]);
    const stored = await store.messagesAfter(site.siteKey, talking!, undefined, 200);
    const storedIds = stored.map((m) => m.clientId);
    for (const clientId of acked) expect(storedIds).toContain(clientId);
    expect(new Set(storedIds).size).toBe(storedIds.length);
    expect(await store.listQueueIds(site.siteKey, 'service')).toEqual(line);
    expect(await store.getConversation(site.siteKey, talking!)).toMatchObject({ status: 'active', assignedAgentId: site.agentIds[0] });
  });
});
