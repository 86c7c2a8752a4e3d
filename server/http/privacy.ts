/** A site admin's privacy tools: export or delete everything about one visitor, and the audit trail. */
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { ErrorReplySchema, IdSchema, SiteKeySchema } from '../../shared/schemas';
import { agentActor } from '../domain/audit';

const VisitorParams = Type.Object({ siteKey: SiteKeySchema, visitorId: IdSchema }, { additionalProperties: false });
const SiteParams = Type.Object({ siteKey: SiteKeySchema }, { additionalProperties: false });
// Query strings are text and the server coerces no types, so the number is checked as text.
const AuditQuery = Type.Object({ limit: Type.Optional(Type.String({ pattern: '^([1-9][0-9]{0,2}|1000)$' })) }, { additionalProperties: false });
const AuditEntrySchema = Type.Object({
  at: Type.Number(),
  actor: Type.String(),
  action: Type.String(),
  target: Type.String(),
  details: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
});
const errors = { 400: ErrorReplySchema, 401: ErrorReplySchema, 403: ErrorReplySchema, 404: ErrorReplySchema };

export default async function privacyRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  app.get(
    '/sites/:siteKey/visitors/:visitorId/export',
    // The export is everything kept about the visitor, as kept (docs/protocol.md): no narrower schema applies.
    { config: { auth: 'admin' }, schema: { params: VisitorParams, response: { 200: Type.Unknown(), ...errors } } },
    async (request, reply) => {
      const data = await app.privacy.exportVisitor(request.params.siteKey, request.params.visitorId, agentActor(request.agent!));
      return reply
        .header('content-disposition', `attachment; filename="visitor-${request.params.visitorId}.json"`)
        .send(data);
    },
  );

  app.delete(
    '/sites/:siteKey/visitors/:visitorId',
    {
      config: { auth: 'admin' },
      schema: { params: VisitorParams, response: { 200: Type.Object({ deletedConversations: Type.Integer() }), ...errors } },
    },
    async (request) => app.privacy.deleteVisitor(request.params.siteKey, request.params.visitorId, agentActor(request.agent!)),
  );

  app.get(
    '/sites/:siteKey/audit',
    { config: { auth: 'admin' }, schema: { params: SiteParams, querystring: AuditQuery, response: { 200: Type.Object({ entries: Type.Array(AuditEntrySchema) }), ...errors } } },
    async (request) => ({ entries: await app.audit.list(request.params.siteKey, Number(request.query.limit ?? '100')) }),
  );
}
