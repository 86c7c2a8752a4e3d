/**
 * Sites for their admins: list those you administer, create one (you administer it from then on),
 * rename it, replace its allowed origins, read its snippet, rotate its identity secret (docs/api.md).
 */
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import {
  ErrorReplySchema,
  IdentitySecretSchema,
  NewSiteSchema,
  SiteCreatedSchema,
  SiteListSchema,
  SiteParamsSchema,
  SitePatchSchema,
  SiteViewSchema,
} from '../../shared/schemas';
import { agentActor } from '../domain/audit';

const errors = { 400: ErrorReplySchema, 401: ErrorReplySchema, 403: ErrorReplySchema, 404: ErrorReplySchema, 409: ErrorReplySchema };

export default async function siteRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  // Any agent may ask; the list holds only the sites they administer (empty for a plain agent).
  app.get('/sites', { config: { auth: 'agent' }, schema: { response: { 200: SiteListSchema, ...errors } } }, async (request) => ({
    sites: await app.siteAdmin.listFor(request.agent!),
  }));

  app.post(
    '/sites',
    { config: { auth: 'admin' }, schema: { body: NewSiteSchema, response: { 201: SiteCreatedSchema, ...errors } } },
    async (request, reply) => reply.code(201).send(await app.siteAdmin.create(request.body, agentActor(request.agent!), request.agent!)),
  );

  app.get('/sites/:siteKey', { config: { auth: 'admin' }, schema: { params: SiteParamsSchema, response: { 200: SiteViewSchema, ...errors } } }, async (request) =>
    app.siteAdmin.get(request.params.siteKey),
  );

  app.patch(
    '/sites/:siteKey',
    { config: { auth: 'admin' }, schema: { params: SiteParamsSchema, body: SitePatchSchema, response: { 200: SiteViewSchema, ...errors } } },
    async (request) => app.siteAdmin.update(request.params.siteKey, request.body, agentActor(request.agent!)),
  );

  app.post(
    '/sites/:siteKey/identity-secret',
    { config: { auth: 'admin' }, schema: { params: SiteParamsSchema, response: { 200: IdentitySecretSchema, ...errors } } },
    async (request) => app.siteAdmin.rotateIdentitySecret(request.params.siteKey, agentActor(request.agent!)),
  );
}
