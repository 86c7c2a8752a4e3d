/** Agent log-in and log-out for the console: an httpOnly, SameSite=Strict session cookie. */
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { createError } from '../../shared/errors';
import { SESSION_COOKIE } from '../domain/agent-session';
import { AgentViewSchema, ErrorReplySchema, LoginBodySchema } from '../../shared/schemas';

const AgentReplySchema = Type.Object({ agent: AgentViewSchema });

export default async function sessionRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const secure = app.config.publicUrl.startsWith('https:');

  app.post(
    '/sessions',
    {
      // Guessing passwords is also throttled per account and per IP in the domain; this caps the raw request rate.
      config: { rateLimit: { max: app.limiter.rules.logInRequestsPerIp.limit, timeWindow: app.limiter.rules.logInRequestsPerIp.windowMs } },
      schema: { body: LoginBodySchema, response: { 200: AgentReplySchema, 401: ErrorReplySchema, 429: ErrorReplySchema } },
    },
    async (request, reply) => {
      const { token, agent, expiresAt } = await app.agentAccounts.logIn(request.body.email, request.body.password, { ip: request.ip });
      // Rotated on every log-in: an old cookie planted before it is worthless.
      const old = request.cookies[SESSION_COOKIE];
      if (old) await app.agentAccounts.logOut(old);
      reply.setCookie(SESSION_COOKIE, token, {
        httpOnly: true,
        sameSite: 'strict',
        secure,
        path: '/',
        expires: new Date(expiresAt),
      });
      return { agent };
    },
  );

  app.get('/sessions/current', { schema: { response: { 200: AgentReplySchema, 401: ErrorReplySchema } } }, async (request) => {
    const agent = await app.agentAccounts.authenticate(request.cookies[SESSION_COOKIE]);
    if (!agent) throw createError('AUTH_REQUIRED');
    return { agent };
  });

  app.delete('/sessions', { config: { auth: 'agent' } }, async (request, reply) => {
    // Its consoles close too (agent.logged_out).
    await app.agentAccounts.logOutEverywhere(request.agent!);
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return reply.code(204).send();
  });

  app.delete('/sessions/current', async (request, reply) => {
    const token = request.cookies[SESSION_COOKIE];
    if (token) await app.agentAccounts.logOut(token);
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return reply.code(204).send();
  });
}
