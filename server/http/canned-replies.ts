/**
 * A site's canned replies over REST (docs/api.md): any agent of the site lists them, leads and
 * admins add, change and remove them.
 */
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import {
  CannedReplyListSchema,
  CannedReplyParamsSchema,
  CannedReplyPatchSchema,
  CannedReplySchema,
  CannedSiteParamsSchema,
  ErrorReplySchema,
  NewCannedReplySchema,
} from '../../shared/schemas';
import { agentActor } from '../domain/audit';

const errors = { 400: ErrorReplySchema, 401: ErrorReplySchema, 403: ErrorReplySchema, 404: ErrorReplySchema, 409: ErrorReplySchema, 413: ErrorReplySchema };

export default async function cannedReplyRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  app.get(
    '/sites/:siteKey/canned-replies',
    { config: { auth: 'agent' }, schema: { params: CannedSiteParamsSchema, response: { 200: CannedReplyListSchema, ...errors } } },
    async (request) => app.cannedReplies.list(request.params.siteKey),
  );

  app.post(
    '/sites/:siteKey/canned-replies',
    { config: { auth: 'lead' }, schema: { params: CannedSiteParamsSchema, body: NewCannedReplySchema, response: { 201: CannedReplySchema, ...errors } } },
    async (request, reply) => reply.code(201).send(await app.cannedReplies.create(request.params.siteKey, request.body, agentActor(request.agent!))),
  );

  app.patch(
    '/sites/:siteKey/canned-replies/:id',
    { config: { auth: 'lead' }, schema: { params: CannedReplyParamsSchema, body: CannedReplyPatchSchema, response: { 200: CannedReplySchema, ...errors } } },
    async (request) => app.cannedReplies.update(request.params.siteKey, request.params.id, request.body, agentActor(request.agent!)),
  );

  app.delete(
    '/sites/:siteKey/canned-replies/:id',
    { config: { auth: 'lead' }, schema: { params: CannedReplyParamsSchema, response: { 204: Type.Null(), ...errors } } },
    async (request, reply) => {
      await app.cannedReplies.remove(request.params.siteKey, request.params.id, agentActor(request.agent!));
      return reply.code(204).send(null);
    },
  );
}
