import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { buildApp, type AppOverrides } from '../../server/app';
import type { RateLimits } from '../../server/domain/rate-limiter';
import { MAX_AGENT_CAPACITY, RATE_LIMITS } from '../../shared/limits';
import { loadConfig } from '../../server/config';
import { toAgentView } from '../../server/domain/agents';
import { addSite } from '../../server/domain/sites';
import type { AgentView } from '../../shared/schemas';
import { postgresArchive } from './postgres';
import { deletePrefix, TEST_REDIS_URL, testPrefix } from './redis';

export const SHOP_ORIGIN = 'https://shop.example';

/** Every abuse limit lifted: tests connect many times from 127.0.0.1. Spread and tighten the one a test is about. */
export const RELAXED_LIMITS = Object.fromEntries(
  Object.entries(RATE_LIMITS).map(([name, rule]) => [name, { ...rule, limit: 1_000_000 }]),
) as unknown as RateLimits;

export interface TestAgent {
  email: string;
  password: string;
  view: AgentView;
}

export interface StartedApp {
  app: FastifyInstance;
  url: string;
  siteKey: string;
  serviceAgent: TestAgent;
  supportAgent: TestAgent;
  /** Another agent with both skills, for races. */
  bothAgent: TestAgent;
  /** The site's admin (both skills): may change routing. */
  adminAgent: TestAgent;
  prefix: string;
  /** The PostgreSQL schema of the app's archive, when the helper made it (see startApp). */
  archiveSchema: string | undefined;
  close(): Promise<void>;
}

/**
 * Agents hold up to MAX_AGENT_CAPACITY conversations, so tests about other things never hit capacity.
 * The real app on a free port against the real Redis under a fresh key prefix, with one site
 * (origin https://shop.example) and three agents. `close()` stops it and deletes its keys.
 */
export async function startApp(
  options: { env?: Record<string, string>; overrides?: AppOverrides; prefix?: string; port?: number } = {},
): Promise<StartedApp> {
  const prefix = options.prefix ?? testPrefix();
  const config = loadConfig({
    PORT: '0',
    REDIS_URL: TEST_REDIS_URL,
    REDIS_PREFIX: prefix,
    SESSION_SECRET: 'test-secret-that-is-long-enough-for-the-check',
    LOG_LEVEL: 'silent',
    DEMO: 'false',
    ...options.env,
  });
  // The archive is the real PostgreSQL in a schema of its own, dropped at close, unless the test
  // gives one (or DATABASE_URL / ARCHIVE_DIR): PGlite's start costs seconds of CPU per app.
  const ownArchive = options.overrides?.archive || config.databaseUrl || config.archiveDir ? undefined : await postgresArchive();
  // Every test connects from 127.0.0.1, many times: abuse limits are lifted unless a test sets its own.
  const app = await buildApp(config, {
    rateLimits: RELAXED_LIMITS,
    sleep: async () => {},
    ...(ownArchive ? { archive: ownArchive.archive } : {}),
    ...options.overrides,
  });
  await app.listen({ port: options.port ?? 0, host: '127.0.0.1' });
  const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;

  const siteKey = `site_${prefix.slice(-8).replace(/[^A-Za-z0-9]/g, 'x')}`;
  if (!(await app.store.getSite(siteKey))) await addSite(app.store, { key: siteKey, name: 'Test shop', origins: [SHOP_ORIGIN] });
  const agent = async (name: string, skills: ('service' | 'support')[], role: 'agent' | 'admin' = 'agent'): Promise<TestAgent> => {
    const email = `${name}-${prefix.slice(-12)}@agents.example`;
    const password = `${name}-password`;
    const existing = await app.store.findAgentByEmail(email);
    const view = existing ? toAgentView(existing) : await app.agentAccounts.addAgent({ siteKey, email, name, password, skills, role, capacity: MAX_AGENT_CAPACITY });
    return { email, password, view };
  };

  return {
    app,
    url,
    siteKey,
    prefix,
    archiveSchema: ownArchive?.schema,
    serviceAgent: await agent('sam', ['service']),
    supportAgent: await agent('sasha', ['support']),
    bothAgent: await agent('bo', ['service', 'support']),
    adminAgent: await agent('ada', ['service', 'support'], 'admin'),
    async close() {
      await app.close();
      if (ownArchive) await ownArchive.cleanup();
      if (!options.prefix) await deletePrefix(prefix);
    },
  };
}
