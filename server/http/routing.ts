/** A site's routing, for its admins: settings, rules, and the corrections transfers recorded. */
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { agentActor } from '../domain/audit';
import {
  ErrorReplySchema,
  NewRoutingRuleSchema,
  QueueNameSchema,
  RoutingTryBodySchema,
  RoutingTryResultSchema,
  SiteKeySchema,
  SiteSettingsPatchSchema,
  SiteSettingsSchema,
} from '../../shared/schemas';

const SiteParams = Type.Object({ siteKey: SiteKeySchema }, { additionalProperties: false });
const RuleParams = Type.Object({ siteKey: SiteKeySchema, id: Type.String({ minLength: 1, maxLength: 64 }) }, { additionalProperties: false });
const RuleSchema = Type.Object({ id: Type.String(), phrase: Type.String(), queue: QueueNameSchema, createdAt: Type.Number() });
const CorrectionsQuery = Type.Object(
  { format: Type.Optional(Type.Union([Type.Literal('json'), Type.Literal('jsonl')])) },
  { additionalProperties: false },
);

export default async function routingRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const errors = { 400: ErrorReplySchema, 401: ErrorReplySchema, 403: ErrorReplySchema, 404: ErrorReplySchema };

  app.get(
    '/sites/:siteKey/routing',
    {
      config: { auth: 'agent' },
      schema: { params: SiteParams, response: { 200: Type.Object({ settings: SiteSettingsSchema, rules: Type.Array(RuleSchema) }), ...errors } },
    },
    async (request) => app.siteRouting.describe(request.params.siteKey),
  );

  app.patch(
    '/sites/:siteKey/routing/settings',
    { config: { auth: 'admin' }, schema: { params: SiteParams, body: SiteSettingsPatchSchema, response: { 200: SiteSettingsSchema, ...errors } } },
    async (request) => app.siteRouting.updateSettings(request.params.siteKey, request.body, agentActor(request.agent!)),
  );

  app.post(
    '/sites/:siteKey/routing/rules',
    { config: { auth: 'admin' }, schema: { params: SiteParams, body: NewRoutingRuleSchema, response: { 201: RuleSchema, ...errors } } },
    async (request, reply) => reply.code(201).send(await app.siteRouting.addRule(request.params.siteKey, request.body, agentActor(request.agent!))),
  );

  app.post(
    '/sites/:siteKey/routing/try',
    { config: { auth: 'admin' }, schema: { params: SiteParams, body: RoutingTryBodySchema, response: { 200: RoutingTryResultSchema, ...errors } } },
    async (request) => app.siteRouting.tryMessage(request.params.siteKey, request.body),
  );

  app.delete(
    '/sites/:siteKey/routing/rules/:id',
    { config: { auth: 'admin' }, schema: { params: RuleParams, response: { 204: Type.Null(), ...errors } } },
    async (request, reply) => {
      await app.siteRouting.removeRule(request.params.siteKey, request.params.id, agentActor(request.agent!));
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/sites/:siteKey/routing/corrections',
    { config: { auth: 'admin' }, schema: { params: SiteParams, querystring: CorrectionsQuery } },
    async (request, reply) => {
      const rows = await app.siteRouting.exportCorrections(request.params.siteKey, agentActor(request.agent!));
      if (request.query.format === 'jsonl') {
        return reply.type('application/x-ndjson').send(rows.map((row) => JSON.stringify(row)).join('\n') + (rows.length ? '\n' : ''));
      }
      return { corrections: rows };
    },
  );
}
