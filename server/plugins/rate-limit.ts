/**
 * REST rate limits with @fastify/rate-limit: per IP, counted in Redis when there is one (so every
 * server process shares the count), answered as RATE_LIMITED with a retry time like every other
 * limit. Routes tighten it in `config.rateLimit`.
 */
import fastifyRateLimit from '@fastify/rate-limit';
import fp from 'fastify-plugin';
import type { Redis } from 'ioredis';
import { createError } from '../../shared/errors';

export interface RateLimitPluginOptions {
  redis?: Redis;
}

export default fp<RateLimitPluginOptions>(
  async (app, { redis }) => {
    await app.register(fastifyRateLimit, {
      global: true,
      max: app.limiter.rules.restRequestsPerIp.limit,
      timeWindow: app.limiter.rules.restRequestsPerIp.windowMs,
      ...(redis ? { redis, nameSpace: `${app.config.redisPrefix}:rest-rate:` } : {}),
      // Health checks come from the orchestrator, many times a minute.
      allowList: (request) => request.url === '/healthz' || request.url === '/readyz',
      errorResponseBuilder: (_request, context) => createError('RATE_LIMITED', { retryAfterMs: context.ttl, limit: context.max }),
    });
  },
  { name: 'switchboard-rate-limit', dependencies: ['switchboard-config', 'switchboard-domain'] },
);
