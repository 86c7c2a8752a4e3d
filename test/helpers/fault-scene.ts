/**
 * What the fault tests (test/integration/faults/) share: a site and logged-in agents written
 * straight to Redis (the servers under test are separate processes), a free port, a Redis server
 * of the test's own (for killing it: the shared one on 6379 serves everyone), and the outbox a
 * widget keeps (messages resent with their client ids until acked).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { SESSION_COOKIE } from '../../server/domain/agent-session';
import { hashPassword } from '../../server/domain/passwords';
import { addSite } from '../../server/domain/sites';
import { createRedisStore, type RedisStore } from '../../server/store/redis/redis-store';
import { MAX_AGENT_CAPACITY } from '../../shared/limits';
import { SHOP_ORIGIN } from './start-app';

export const FAULT_SESSION_SECRET = 'fault-tests-secret-long-enough-for-the-check';

export interface FaultSite {
  siteKey: string;
  /** Session cookies (`sb_session=…`) of service agents, in order. */
  agentCookies: string[];
  agentIds: string[];
}

/** A site (origin SHOP_ORIGIN) and `agents` service agents with open sessions, written through `store`. */
export async function seedFaultSite(store: RedisStore, options: { assignment: 'auto' | 'manual'; agents?: number }): Promise<FaultSite> {
  const siteKey = `site_${randomUUID().slice(0, 8)}`;
  await addSite(store, { key: siteKey, name: 'Fault shop', origins: [SHOP_ORIGIN], settings: { assignment: options.assignment } });
  const passwordHash = await hashPassword(randomUUID());
  const site: FaultSite = { siteKey, agentCookies: [], agentIds: [] };
  for (let i = 0; i < (options.agents ?? 1); i++) {
    const id = `a_fault_${i}_${randomUUID().slice(0, 6)}`;
    await store.createAgent({ id, siteKey, email: `${id}@agents.example`, name: `Agent ${i}`, skills: ['service'], role: 'agent', capacity: MAX_AGENT_CAPACITY, disabled: false, passwordHash, createdAt: Date.now() });
    const token = randomUUID();
    await store.createSession({ token, agentId: id, siteKey, expiresAt: Date.now() + 3_600_000 });
    site.agentIds.push(id);
    site.agentCookies.push(`${SESSION_COOKIE}=${token}`);
  }
  return site;
}

export async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  await once(server, 'close');
  return port;
}

export interface OwnRedis {
  url: string;
  port: number;
  /** kill -9: no chance to write anything more. */
  crash(): Promise<void>;
  /** Starts again on the same port and data directory (the AOF is replayed). */
  start(): Promise<void>;
  /** Stops it for good and removes its files. */
  remove(): Promise<void>;
}

/**
 * A redis-server of the test's own on a free port, with the append-only file on and fsynced
 * before each write is acknowledged (`appendfsync always`), so a crash loses nothing acknowledged.
 * `args` are more redis-server options (`['--replicaof', '127.0.0.1', '6380']`).
 */
export async function startOwnRedis(args: readonly string[] = []): Promise<OwnRedis> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'sb-redis-'));
  const url = `redis://127.0.0.1:${port}`;
  let child: ChildProcess | undefined;
  const start = async () => {
    child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--appendonly', 'yes', '--appendfsync', 'always', '--save', '', ...args], { stdio: 'ignore' });
    const probe = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    try {
      for (let tries = 0; ; tries++) {
        try {
          await probe.connect();
          if ((await probe.ping()) === 'PONG') return;
        } catch (error) {
          if (tries > 100) throw error;
          probe.disconnect();
          await new Promise((r) => setTimeout(r, 100));
        }
      }
    } finally {
      probe.disconnect();
    }
  };
  const stop = async (signal: NodeJS.Signals) => {
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = once(child, 'exit');
      child.kill(signal);
      await exited;
    }
  };
  await start();
  const killOnExit = () => child?.kill('SIGKILL');
  process.once('exit', killOnExit);
  return {
    url,
    port,
    crash: () => stop('SIGKILL'),
    start,
    async remove() {
      await stop('SIGKILL');
      process.off('exit', killOnExit);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
