/** A site's API tokens for its admins: make one (its secret shown once), list them, revoke one. */
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import {
  ApiTokenBodySchema,
  ApiTokenCreatedSchema,
  ApiTokenListSchema,
  ErrorReplySchema,
  SiteItemParamsSchema,
  SiteParamsSchema,
} from '../../shared/schemas';
import { agentActor } from '../domain/audit';

const errors = { 400: ErrorReplySchema, 401: ErrorReplySchema, 403: ErrorReplySchema, 404: ErrorReplySchema };

export default async function apiTokenRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  app.post(
    '/sites/:siteKey/api-tokens',
    { config: { auth: 'admin' }, schema: { params: SiteParamsSchema, body: ApiTokenBodySchema, response: { 201: ApiTokenCreatedSchema, ...errors } } },
    async (request, reply) => reply.code(201).send(await app.apiTokens.create(request.params.siteKey, request.body.name, agentActor(request.agent!))),
  );

  app.get(
    '/sites/:siteKey/api-tokens',
    { config: { auth: 'admin' }, schema: { params: SiteParamsSchema, response: { 200: ApiTokenListSchema, ...errors } } },
    async (request) => ({ tokens: await app.apiTokens.list(request.params.siteKey) }),
  );

  app.delete(
    '/sites/:siteKey/api-tokens/:id',
    { config: { auth: 'admin' }, schema: { params: SiteItemParamsSchema, response: { 204: Type.Null(), ...errors } } },
    async (request, reply) => {
      // The feeds open with it close before this answers (api-token.revoked).
      await app.apiTokens.revoke(request.params.siteKey, request.params.id, agentActor(request.agent!));
      return reply.code(204).send(null);
    },
  );
}
