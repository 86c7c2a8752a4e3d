/**
 * An agent's own account: change the password (the current one required), and "forgot password"
 * by email when this server sends email (SMTP_URL); without it an admin sets a new one (docs/api.md).
 */
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { createError } from '../../shared/errors';
import { ErrorReplySchema, PasswordChangeSchema, PasswordResetConfirmSchema, PasswordResetRequestSchema } from '../../shared/schemas';
import { SESSION_COOKIE } from '../domain/agent-session';
import { plainTextAsHtml } from '../domain/outbound-email';

const errors = { 400: ErrorReplySchema, 401: ErrorReplySchema, 403: ErrorReplySchema, 429: ErrorReplySchema, 503: ErrorReplySchema };

export default async function accountRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const secure = app.config.publicUrl.startsWith('https:');

  app.put(
    '/account/password',
    { config: { auth: 'agent' }, schema: { body: PasswordChangeSchema, response: { 204: Type.Null(), ...errors } } },
    async (request, reply) => {
      // Every session ends, this one included; this browser goes on under a new cookie.
      const { token, expiresAt } = await app.agentAccounts.changePassword(request.agent!, request.body, { ip: request.ip });
      reply.setCookie(SESSION_COOKIE, token, { httpOnly: true, sameSite: 'strict', secure, path: '/', expires: new Date(expiresAt) });
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/password-resets',
    { schema: { body: PasswordResetRequestSchema, response: { 202: Type.Object({ requested: Type.Literal(true) }), ...errors } } },
    async (request, reply) => {
      const outbox = app.emailOutbox;
      if (!outbox) throw createError('EMAIL_DISABLED');
      const reset = await app.agentAccounts.requestPasswordReset(request.body.email, { ip: request.ip });
      if (reset) {
        const link = `${app.config.publicUrl.replace(/\/$/, '')}/console#reset=${reset.token}`;
        const text = [
          `Someone (we hope you) asked to set a new Switchboard password for ${reset.agent.email}.`,
          '',
          `Open this link within the hour to choose one (it works once): ${link}`,
          '',
          'If it was not you, ignore this email: your password stays as it is.',
        ].join('\n');
        await outbox.add({ to: reset.agent.email, subject: 'Set a new Switchboard password', text, html: plainTextAsHtml(text) });
      }
      // The same answer whether the email has an account or not.
      return reply.code(202).send({ requested: true });
    },
  );

  app.post(
    '/password-resets/confirm',
    { schema: { body: PasswordResetConfirmSchema, response: { 204: Type.Null(), ...errors } } },
    async (request, reply) => {
      await app.agentAccounts.resetPassword(request.body);
      return reply.code(204).send(null);
    },
  );
}
