/** A site admin's privacy tools: export or delete everything about one visitor, and the audit trail. */
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { AuditListSchema, AuditQuerySchema, ErrorReplySchema, IdSchema, SiteKeySchema } from '../../shared/schemas';
import { createError } from '../../shared/errors';
import { agentActor } from '../domain/audit';
import { parseTime } from '../domain/kpis';

const VisitorParams = Type.Object({ siteKey: SiteKeySchema, visitorId: IdSchema }, { additionalProperties: false });
const SiteParams = Type.Object({ siteKey: SiteKeySchema }, { additionalProperties: false });
/** A query time as /metrics reads it; one the pattern lets through but no calendar has (2026-13-45) is refused. */
function timeOf(text: string, path: string): number {
  const at = parseTime(text);
  if (Number.isNaN(at)) throw createError('PAYLOAD_INVALID', { path, problem: `"${text}" is not a time` });
  return at;
}

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
    { config: { auth: 'admin' }, schema: { params: SiteParams, querystring: AuditQuerySchema, response: { 200: AuditListSchema, ...errors } } },
    async (request) => {
      const { limit, actor, action, from, to } = request.query;
      const filter = {
        ...(actor !== undefined ? { actor } : {}),
        ...(action !== undefined ? { action } : {}),
        ...(from !== undefined ? { from: timeOf(from, '/from') } : {}),
        ...(to !== undefined ? { to: timeOf(to, '/to') } : {}),
      };
      return { entries: await app.audit.list(request.params.siteKey, Number(limit ?? '100'), filter) };
    },
  );
}
