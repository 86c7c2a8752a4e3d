/** A site's webhook endpoints, for its admins: add, list, remove, and each one's recent deliveries (docs/webhooks.md). */
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import {
  ErrorReplySchema,
  WebhookBodySchema,
  WebhookCreatedSchema,
  WebhookDeliveryListSchema,
  WebhookListSchema,
  WebhookParamsSchema,
  WebhookSiteParamsSchema,
} from '../../shared/schemas';
import { agentActor } from '../domain/audit';

const errors = { 400: ErrorReplySchema, 401: ErrorReplySchema, 403: ErrorReplySchema, 404: ErrorReplySchema, 409: ErrorReplySchema };

export default async function webhookRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  app.get(
    '/sites/:siteKey/webhooks',
    { config: { auth: 'admin' }, schema: { params: WebhookSiteParamsSchema, response: { 200: WebhookListSchema, ...errors } } },
    async (request) => ({ webhooks: await app.webhooks.list(request.params.siteKey) }),
  );

  app.post(
    '/sites/:siteKey/webhooks',
    { config: { auth: 'admin' }, schema: { params: WebhookSiteParamsSchema, body: WebhookBodySchema, response: { 201: WebhookCreatedSchema, ...errors } } },
    async (request, reply) => reply.code(201).send(await app.webhooks.add(request.params.siteKey, request.body, agentActor(request.agent!))),
  );

  app.delete(
    '/sites/:siteKey/webhooks/:id',
    { config: { auth: 'admin' }, schema: { params: WebhookParamsSchema, response: { 204: Type.Null(), ...errors } } },
    async (request, reply) => {
      await app.webhooks.remove(request.params.siteKey, request.params.id, agentActor(request.agent!));
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/sites/:siteKey/webhooks/:id/deliveries',
    { config: { auth: 'admin' }, schema: { params: WebhookParamsSchema, response: { 200: WebhookDeliveryListSchema, ...errors } } },
    async (request) => ({ deliveries: await app.webhooks.deliveries(request.params.siteKey, request.params.id) }),
  );
}
