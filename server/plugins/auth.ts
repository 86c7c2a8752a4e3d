/**
 * Route-level authentication, declared in route `config.auth` and applied by an onRoute hook
 * (as @fastify/rate-limit applies `config.rateLimit`): `agent` needs a valid session cookie,
 * `lead` the lead or admin role, `admin` the admin role. Routes with a `:siteKey` parameter are limited to the agent's site
 * and the sites they administer besides it (`administers`: those they created), where they count as admin.
 */
import fp from 'fastify-plugin';
import type { FastifyRequest } from 'fastify';
import { createError } from '../../shared/errors';
import { isFromConsole } from '../domain/console-origin';
import { SESSION_COOKIE } from '../domain/agent-session';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export default fp(
  async (app) => {
    app.decorateRequest('agent', null);

    const authenticate = async (request: FastifyRequest, needs: 'agent' | 'lead' | 'admin') => {
      const agent = await app.agentAccounts.authenticate(request.cookies[SESSION_COOKIE]);
      if (!agent) throw createError('AUTH_REQUIRED');
      const { siteKey } = (request.params ?? {}) as { siteKey?: string };
      if (siteKey !== undefined && siteKey !== agent.siteKey) {
        // A site the agent created through the API: they are its admin (docs/api.md, "Who administers a site").
        // Any other site's resources answer as if they did not exist: no probing of site keys.
        if (!agent.administers?.includes(siteKey)) throw createError('SITE_NOT_FOUND', { siteKey });
        request.agent = agent;
        return;
      }
      if (needs === 'admin' && agent.role !== 'admin') throw createError('FORBIDDEN');
      if (needs === 'lead' && agent.role === 'agent') throw createError('FORBIDDEN');
      request.agent = agent;
    };

    // Cross-site request forgery: a state-changing call must come from the console's own pages.
    // (The SameSite=Strict cookie already stays home; this also covers browsers that ignore it.)
    // Every unsafe method, whatever its path: the raw URL can spell '/api/' with escapes the router
    // decodes (Socket.IO's own requests never reach Fastify).
    app.addHook('onRequest', async (request) => {
      if (SAFE_METHODS.has(request.method)) return;
      // A visitor's token rides in a header a page must set on purpose, not in a cookie: such a
      // route checks the site's allowed origins itself (server/http/files.ts).
      if (request.routeOptions.config?.visitorToken && request.headers.authorization?.startsWith('Bearer ')) return;
      if (!isFromConsole(request.headers.origin, app.config.publicUrl, request.headers.host)) {
        throw createError('ORIGIN_NOT_ALLOWED', { origin: request.headers.origin ?? null });
      }
    });

    app.addHook('onRoute', (route) => {
      const needs = route.config?.auth;
      if (!needs) return;
      const existing = route.preHandler ? [route.preHandler].flat() : [];
      route.preHandler = [async (request: FastifyRequest) => authenticate(request, needs), ...existing];
    });
  },
  { name: 'switchboard-auth', dependencies: ['switchboard-domain', '@fastify/cookie'] },
);
