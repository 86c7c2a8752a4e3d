/** A site's routing, for its admins: settings, rules, and the corrections transfers recorded. */
import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import { agentActor } from '../domain/audit';
import { WEEKDAYS } from '../domain/business-hours';
import { MAX_CATEGORIES, MAX_REOPEN_WITHIN_MINUTES } from '../../shared/limits';
import { CategorySchema, ErrorReplySchema, QueueNameSchema, SiteKeySchema } from '../../shared/schemas';

const SiteParams = Type.Object({ siteKey: SiteKeySchema }, { additionalProperties: false });
const RuleParams = Type.Object({ siteKey: SiteKeySchema, id: Type.String({ minLength: 1, maxLength: 64 }) }, { additionalProperties: false });
const SettingsSchema = Type.Object(
  {
    topicQuestion: Type.Boolean(),
    fallbackQueue: QueueNameSchema,
    retentionDays: Type.Union([Type.Integer({ minimum: 1, maximum: 3650 }), Type.Null()]),
    storeVisitorIp: Type.Boolean(),
    assignment: Type.Union([Type.Literal('manual'), Type.Literal('auto')]),
    abandonAfterSeconds: Type.Integer({ minimum: 1, maximum: 86_400 }),
    businessHours: Type.Union([
      Type.Object(
        {
          timeZone: Type.String({ minLength: 1, maxLength: 64 }),
          weekly: Type.Object(
            Object.fromEntries(WEEKDAYS.map((day) => [day, Type.Optional(Type.Array(Type.String({ maxLength: 11 }), { maxItems: 6 }))])),
            { additionalProperties: false },
          ),
        },
        { additionalProperties: false },
      ),
      Type.Null(),
    ]),
    verifiedPriorityMinutes: Type.Integer({ minimum: 0, maximum: 1440 }),
    npsSurvey: Type.Boolean(),
    categories: Type.Object(
      {
        service: Type.Array(CategorySchema, { maxItems: MAX_CATEGORIES, uniqueItems: true }),
        support: Type.Array(CategorySchema, { maxItems: MAX_CATEGORIES, uniqueItems: true }),
      },
      { additionalProperties: false },
    ),
    reopenWithinMinutes: Type.Integer({ minimum: 0, maximum: MAX_REOPEN_WITHIN_MINUTES }),
  },
  { additionalProperties: false },
);
const SettingsPatchSchema = Type.Partial(SettingsSchema, { additionalProperties: false, minProperties: 1 });
const RuleSchema = Type.Object({ id: Type.String(), phrase: Type.String(), queue: QueueNameSchema, createdAt: Type.Number() });
const NewRuleSchema = Type.Object(
  { phrase: Type.String({ minLength: 1, maxLength: 100 }), queue: QueueNameSchema },
  { additionalProperties: false },
);
const CorrectionsQuery = Type.Object(
  { format: Type.Optional(Type.Union([Type.Literal('json'), Type.Literal('jsonl')])) },
  { additionalProperties: false },
);

type SiteParams = Static<typeof SiteParams>;

export default async function routingRoutes(app: FastifyInstance) {
  const errors = { 400: ErrorReplySchema, 401: ErrorReplySchema, 403: ErrorReplySchema, 404: ErrorReplySchema };

  app.get<{ Params: SiteParams }>(
    '/sites/:siteKey/routing',
    {
      config: { auth: 'agent' },
      schema: { params: SiteParams, response: { 200: Type.Object({ settings: SettingsSchema, rules: Type.Array(RuleSchema) }), ...errors } },
    },
    async (request) => app.siteRouting.describe(request.params.siteKey),
  );

  app.patch<{ Params: SiteParams; Body: Static<typeof SettingsPatchSchema> }>(
    '/sites/:siteKey/routing/settings',
    { config: { auth: 'admin' }, schema: { params: SiteParams, body: SettingsPatchSchema, response: { 200: SettingsSchema, ...errors } } },
    async (request) => app.siteRouting.updateSettings(request.params.siteKey, request.body, agentActor(request.agent!)),
  );

  app.post<{ Params: SiteParams; Body: Static<typeof NewRuleSchema> }>(
    '/sites/:siteKey/routing/rules',
    { config: { auth: 'admin' }, schema: { params: SiteParams, body: NewRuleSchema, response: { 201: RuleSchema, ...errors } } },
    async (request, reply) => reply.code(201).send(await app.siteRouting.addRule(request.params.siteKey, request.body, agentActor(request.agent!))),
  );

  app.delete<{ Params: Static<typeof RuleParams> }>(
    '/sites/:siteKey/routing/rules/:id',
    { config: { auth: 'admin' }, schema: { params: RuleParams, response: errors } },
    async (request, reply) => {
      await app.siteRouting.removeRule(request.params.siteKey, request.params.id, agentActor(request.agent!));
      return reply.code(204).send();
    },
  );

  app.get<{ Params: SiteParams; Querystring: Static<typeof CorrectionsQuery> }>(
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
