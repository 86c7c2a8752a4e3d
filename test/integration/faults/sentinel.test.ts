/**
 * Redis Sentinel (issue 17): a server process given REDIS_SENTINELS and REDIS_SENTINEL_NAME (and a
 * REDIS_URL whose host names nothing) finds the master through a real sentinel and carries a
 * conversation; then the sentinel fails the master over to its replica, and the same server, without
 * a restart, is ready again, writes to the new master, and its adapter subscribes there again.
 */
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RedisSentinelConfig } from '../../../server/config';
import { createKeys } from '../../../server/store/redis/keys';
import { createRedisStore, type RedisStore } from '../../../server/store/redis/redis-store';
import { emitWithTimeout } from '../../../shared/emit-with-timeout';
import type { MessageView, TakenConversation } from '../../../shared/protocol';
import { expectOk } from '../../helpers/acks';
import { connectAgent, connectVisitor, disconnectAll, type AgentClient, type VisitorClient } from '../../helpers/clients';
import { FAULT_SESSION_SECRET, seedFaultSite, startOwnRedis, type FaultSite, type OwnRedis } from '../../helpers/fault-scene';
import { startOwnSentinel, type OwnSentinel } from '../../helpers/own-sentinel';
import { testPrefix } from '../../helpers/redis';
import { startServerProcess, type ServerProcess } from '../../helpers/server-process';
import { eventually, waitFor } from '../../helpers/wait-for';

// The host is a name nothing resolves: only the sentinel can say where the master is.
const REDIS_URL = 'redis://sentinel-named-master/0';

describe('Redis Sentinel', () => {
  const prefix = testPrefix();
  let master: OwnRedis;
  let replica: OwnRedis;
  let sentinel: OwnSentinel;
  let store: RedisStore;
  let site: FaultSite;
  let server: ServerProcess;
  let agent: AgentClient;
  let visitor: VisitorClient;
  let conversationId: string;

  beforeAll(async () => {
    master = await startOwnRedis();
    replica = await startOwnRedis(['--replicaof', '127.0.0.1', String(master.port)]);
    sentinel = await startOwnSentinel(master.port);
    const config: RedisSentinelConfig = { sentinels: [{ host: '127.0.0.1', port: sentinel.port }], name: sentinel.name, password: undefined };
    // The test's own connection goes through the sentinel too, and must live through the failover.
    store = createRedisStore({ url: REDIS_URL, sentinel: config, prefix });
    store.redis.on('error', () => undefined);
    site = await seedFaultSite(store, { assignment: 'auto' });
    server = await startServerProcess(
      { REDIS_URL, REDIS_SENTINELS: `127.0.0.1:${sentinel.port}`, REDIS_SENTINEL_NAME: sentinel.name, REDIS_PREFIX: prefix, SESSION_SECRET: FAULT_SESSION_SECRET },
      60_000,
    );
  }, 90_000);

  afterAll(async () => {
    disconnectAll();
    await server?.stop();
    await store?.close().catch(() => undefined);
    await sentinel?.remove();
    await Promise.all([replica?.remove(), master?.remove()]);
  });

  const ready = async () => (await fetch(`${server.url}/readyz`)).status;

  it('finds the master through the sentinel and carries a visitor\'s message to the agent', { timeout: 30_000 }, async () => {
    expect(await ready()).toBe(200);
    agent = await connectAgent(server.url, site.agentCookies[0]!);
    visitor = await connectVisitor(server.url, { siteKey: site.siteKey });
    const assigned = waitFor<[TakenConversation]>(agent, 'conversation:assigned');
    const sent = expectOk(await emitWithTimeout(visitor, 5_000, 'message:send', { clientId: randomUUID(), text: 'Where is my parcel?', topic: 'service' }));
    conversationId = sent.conversation.id;
    expect((await assigned)[0].conversation.id).toBe(conversationId);

    const delivered = waitFor<[MessageView]>(agent, 'message:new');
    const next = expectOk(await emitWithTimeout(visitor, 5_000, 'message:send', { clientId: randomUUID(), text: 'It said Tuesday' }));
    expect((await delivered)[0]).toMatchObject({ id: next.message.id, text: 'It said Tuesday' });

    // Written where the sentinel says the master is.
    const direct = new Redis(master.url);
    try {
      expect(await direct.exists(createKeys(prefix).conversationMessages(site.siteKey, conversationId))).toBe(1);
    } finally {
      direct.disconnect();
    }
  });

  it('keeps working after SENTINEL FAILOVER: ready again, writing to the new master, the adapter subscribed there', { timeout: 60_000 }, async () => {
    // The sentinel fails over only to a replica it knows and sees in sync.
    await eventually(async () => {
      const replicas = (await sentinel.admin.call('SENTINEL', 'REPLICAS', sentinel.name)) as string[][];
      const fields = replicas.map((r) => Object.fromEntries(r.flatMap((v, i, all) => (i % 2 === 0 ? [[v, all[i + 1]]] : []))));
      expect(fields).toContainEqual(expect.objectContaining({ port: String(replica.port), 'master-link-status': 'ok' }));
    }, 30_000);

    await sentinel.admin.call('SENTINEL', 'FAILOVER', sentinel.name);
    await eventually(async () => expect(await sentinel.masterPort()).toBe(replica.port), 30_000);
    // Until the sentinel turns the old master into a replica it still takes writes, and loses them
    // when it then copies the new master (docs/deploy.md, "During a failover"): wait for that.
    const old = new Redis(master.url);
    try {
      await eventually(async () => expect(await old.info('replication')).toMatch(new RegExp(`role:slave[\\s\\S]*master_port:${replica.port}[\\s\\S]*master_link_status:up`)), 30_000);
    } finally {
      old.disconnect();
    }

    await eventually(async () => expect(await ready()).toBe(200), 30_000);
    // Sent again with the same client id until acked, as a widget's outbox does: stored once.
    const clientId = randomUUID();
    const delivered = waitFor<[MessageView]>(agent, 'message:new', 30_000);
    let acked: MessageView | undefined;
    await eventually(async () => {
      acked = expectOk(await emitWithTimeout(visitor, 2_000, 'message:send', { clientId, text: 'Still there?' })).message;
    }, 30_000);
    expect((await delivered)[0]).toMatchObject({ id: acked!.id, text: 'Still there?' });

    const promoted = new Redis(replica.url);
    try {
      const keys = createKeys(prefix);
      const stored = (await promoted.xrange(keys.conversationMessages(site.siteKey, conversationId), '-', '+')) as [string, string[]][];
      expect(stored.map(([id]) => id)).toContain(acked!.id);
      expect(stored.filter(([, fields]) => fields.includes(clientId))).toHaveLength(1);
      // The Socket.IO adapter's subscriber followed the master (other processes' broadcasts reach this one).
      await eventually(async () => {
        const [, subscribers] = (await promoted.pubsub('NUMSUB', `${keys.socketIoChannels()}-request#/visitor#`)) as [string, number];
        expect(Number(subscribers)).toBeGreaterThanOrEqual(1);
      }, 30_000);
    } finally {
      promoted.disconnect();
    }
    // The test's own connection, built by the same factory, followed too.
    expect(await store.getConversation(site.siteKey, conversationId)).toMatchObject({ status: 'active', assignedAgentId: site.agentIds[0] });
  });
});
