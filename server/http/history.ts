/**
 * History (docs/api.md): search the site's ended conversations, read one whole, download its
 * transcript. Any agent of the site; another site's conversation answers as if it did not exist.
 */
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { ErrorReplySchema, HistoryConversationSchema, HistoryPageSchema, HistoryQuerySchema, IdSchema, SiteKeySchema } from '../../shared/schemas';

const SiteParams = Type.Object({ siteKey: SiteKeySchema }, { additionalProperties: false });
const ConversationParams = Type.Object({ siteKey: SiteKeySchema, conversationId: IdSchema }, { additionalProperties: false });
const errors = { 400: ErrorReplySchema, 401: ErrorReplySchema, 403: ErrorReplySchema, 404: ErrorReplySchema };

export default async function historyRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  app.get(
    '/sites/:siteKey/conversations',
    { config: { auth: 'agent' }, schema: { params: SiteParams, querystring: HistoryQuerySchema, response: { 200: HistoryPageSchema, ...errors } } },
    async (request) => app.history.search(request.params.siteKey, request.query),
  );

  app.get(
    '/sites/:siteKey/conversations/:conversationId',
    { config: { auth: 'agent' }, schema: { params: ConversationParams, response: { 200: HistoryConversationSchema, ...errors } } },
    async (request) => app.history.get(request.params.siteKey, request.params.conversationId),
  );

  app.get(
    '/sites/:siteKey/conversations/:conversationId/transcript',
    { config: { auth: 'agent' }, schema: { params: ConversationParams, response: { 200: Type.String(), ...errors } } },
    async (request, reply) => {
      const text = await app.history.transcript(request.params.siteKey, request.params.conversationId);
      return reply
        .type('text/plain; charset=utf-8')
        .header('content-disposition', `attachment; filename="conversation-${request.params.conversationId}.txt"`)
        .send(text);
    },
  );
}
