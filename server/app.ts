/**
 * The composition root: `buildApp(config, overrides?)` wires every plugin. Used by `main.ts` and
 * by every test, so tests run exactly what production runs.
 */
import fastifyCookie from '@fastify/cookie';
import Fastify, { LogController, type FastifyInstance, type FastifyReply } from 'fastify';
import type { Config } from './config';
import accountRoutes from './http/account';
import { createError, toWireError } from '../shared/errors';
import { createProxyTrust } from './proxy-trust';
import agentRoutes from './http/agents';
import apiTokenRoutes from './http/api-tokens';
import healthRoutes from './http/health';
import historyRoutes from './http/history';
import metricsRoutes from './http/metrics';
import metricsLiveRoutes from './http/metrics-live';
import privacyRoutes from './http/privacy';
import routingRoutes from './http/routing';
import sessionRoutes from './http/sessions';
import siteRoutes from './http/sites';
import webhookRoutes from './http/webhooks';
import cannedReplyRoutes from './http/canned-replies';
import archivePlugin, { createArchive } from './plugins/archive';
import authPlugin from './plugins/auth';
import configPlugin from './plugins/config';
import domainPlugin from './plugins/domain';
import emailPlugin from './plugins/email';
import errorsPlugin from './plugins/errors';
import filesPlugin from './plugins/files';
import fileRoutes from './http/files';
import type { FileStorage } from './store/files/file-storage';
import jobsPlugin from './plugins/jobs';
import openApiPlugin from './plugins/openapi';
import httpHeadersPlugin from './plugins/http-headers';
import prometheusPlugin from './plugins/prometheus';
import rateLimitPlugin from './plugins/rate-limit';
import shutdownPlugin from './plugins/shutdown';
import realtimePlugin from './plugins/realtime';
import retentionPlugin from './plugins/retention';
import routerLearningPlugin from './plugins/router-learning';
import routerLearningRoutes from './http/router-learning';
import staticPlugin from './plugins/static';
import sweepPlugin from './plugins/sweep';
import webhooksPlugin from './plugins/webhooks';
import type { Jobs } from './jobs/jobs';
import type { RateLimits } from './domain/rate-limiter';
import type { Classifier } from './domain/routing/classification';
import { loadClassifier } from './domain/routing/load-classifier';
import { SCHEMA_FORMATS } from './domain/validate';
import { createMemoryStore } from './store/memory/memory-store';
import { createRedisStore, type RedisStore } from './store/redis/redis-store';
import type { Archive } from './store/archive/archive';
import type { Store } from './store/store';

export interface AppOverrides {
  /** Use this store instead of the one the config names. */
  store?: Store;
  /** Use this archive instead of the one the config names (tests on their own PostgreSQL schema); closed with the app. */
  archive?: Archive;
  classifier?: Classifier;
  /** @default Date.now */
  now?: () => number;
  /** Replaces the wait before answering a failed log-in, so tests need not wait. */
  sleep?: (ms: number) => Promise<void>;
  /** Replaces some abuse limits of shared/limits.ts (tests that make many connections from one IP). */
  rateLimits?: Partial<RateLimits>;
  /**
   * Test hook: called with the job's name and the run's id each time a job or a tick of a
   * repeating job starts on this process (counts sweeps across several servers).
   */
  onJobRun?: (name: string, runId: string) => void;
  /** Runs background jobs on these instead of the app's own (tests that step through retries). */
  jobs?: Jobs;
  /** Replies within one window of this many ms make one answer email. @default 60_000 */
  emailAnswerWindowMs?: number;
  /** First retry of a failed email after this. @default 30_000 */
  emailRetryDelayMs?: number;
  /** Keeps attachments here instead of where the config says. */
  files?: FileStorage;
}

export async function buildApp(config: Readonly<Config>, overrides: AppOverrides = {}): Promise<FastifyInstance> {
  const app = Fastify({
    logger: { level: config.logLevel },
    // One line per request drowns what matters; errors and our own events are still logged.
    logController: new LogController({ disableRequestLogging: true }),
    // Unknown fields are refused, never silently dropped (Fastify strips them by default).
    // The shared schemas' formats too, so REST refuses what the domain and the CLI refuse.
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false, formats: SCHEMA_FORMATS } },
    serializerOpts: { ajv: { formats: SCHEMA_FORMATS } },
    bodyLimit: 64 * 1024,
    // The router's own refusals, answered from the catalogue like every other error: a path that
    // cannot be decoded is a bad payload; a path segment longer than any id (100) names nothing.
    frameworkErrors: (error, _request, reply) => {
      const known = error.code === 'FST_ERR_MAX_PARAM_LENGTH' ? createError('NOT_FOUND') : createError('PAYLOAD_INVALID', { problem: error.message });
      void (reply as unknown as FastifyReply).code(known.statusCode).send({ error: toWireError(known) });
    },
    // request.ip (logs, REST limits, log-in limits) from X-Forwarded-For of trusted proxies only;
    // socket handshakes read it the same way (app.clientAddress).
    trustProxy: createProxyTrust(config.trustProxy),
  });

  const store =
    overrides.store ??
    (config.redisUrl ? createRedisStore({ url: config.redisUrl, sentinel: config.redisSentinel, prefix: config.redisPrefix }) : createMemoryStore());
  const adapterRedis = 'redis' in store ? (store as RedisStore).redis : undefined;
  const archive = overrides.archive ?? (await createArchive(config));

  await app.register(configPlugin, { config });
  // Before jobs and realtime: its preClose (stop accepting, drain) must run before theirs.
  await app.register(shutdownPlugin);
  // Before any route: it describes each one as it is added.
  await app.register(openApiPlugin);
  await app.register(errorsPlugin);
  await app.register(httpHeadersPlugin);
  await app.register(fastifyCookie);
  await app.register(domainPlugin, {
    store,
    archive,
    classifier: overrides.classifier ?? loadClassifier(config.routerModelPath),
    now: overrides.now ?? Date.now,
    ...(overrides.sleep ? { sleep: overrides.sleep } : {}),
    ...(overrides.rateLimits ? { rateLimits: overrides.rateLimits } : {}),
  });
  await app.register(filesPlugin, { now: overrides.now ?? Date.now, ...(overrides.files ? { files: overrides.files } : {}) });
  await app.register(jobsPlugin, {
    ...(overrides.onJobRun ? { onJobRun: overrides.onJobRun } : {}),
    ...(overrides.jobs ? { jobs: overrides.jobs } : {}),
  });
  await app.register(rateLimitPlugin, adapterRedis ? { redis: adapterRedis } : {});
  await app.register(realtimePlugin, adapterRedis ? { adapterRedis } : {});
  await app.register(sweepPlugin);
  await app.register(prometheusPlugin, adapterRedis ? { redis: adapterRedis } : {});
  await app.register(emailPlugin, {
    ...(overrides.emailAnswerWindowMs !== undefined ? { answerWindowMs: overrides.emailAnswerWindowMs } : {}),
    ...(overrides.emailRetryDelayMs !== undefined ? { retryDelayMs: overrides.emailRetryDelayMs } : {}),
  });
  await app.register(authPlugin);
  await app.register(healthRoutes);
  await app.register(sessionRoutes, { prefix: '/api/v1' });
  await app.register(routingRoutes, { prefix: '/api/v1' });
  await app.register(routerLearningRoutes, { prefix: '/api/v1' });
  await app.register(privacyRoutes, { prefix: '/api/v1' });
  await app.register(agentRoutes, { prefix: '/api/v1' });
  await app.register(siteRoutes, { prefix: '/api/v1' });
  await app.register(apiTokenRoutes, { prefix: '/api/v1' });
  await app.register(accountRoutes, { prefix: '/api/v1' });
  await app.register(metricsRoutes, { prefix: '/api/v1' });
  await app.register(metricsLiveRoutes, { prefix: '/api/v1' });
  await app.register(fileRoutes);
  await app.register(webhooksPlugin);
  await app.register(webhookRoutes, { prefix: '/api/v1' });
  await app.register(cannedReplyRoutes, { prefix: '/api/v1' });
  await app.register(retentionPlugin);
  await app.register(archivePlugin);
  await app.register(historyRoutes, { prefix: '/api/v1' });
  await app.register(routerLearningPlugin);
  await app.register(staticPlugin);
  return app;
}
