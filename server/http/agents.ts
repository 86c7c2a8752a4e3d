/** A site admin manages agents: capacity, and disabling someone who left the team. */
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { AgentPatchSchema, AgentViewSchema, ErrorReplySchema, IdSchema, SiteKeySchema } from '../../shared/schemas';
import { agentActor } from '../domain/audit';

const AgentParams = Type.Object({ siteKey: SiteKeySchema, agentId: IdSchema }, { additionalProperties: false });

export default async function agentRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  app.patch(
    '/sites/:siteKey/agents/:agentId',
    {
      config: { auth: 'admin' },
      schema: {
        params: AgentParams,
        body: AgentPatchSchema,
        response: { 200: AgentViewSchema, 400: ErrorReplySchema, 401: ErrorReplySchema, 403: ErrorReplySchema, 404: ErrorReplySchema },
      },
    },
    async (request) => {
      const { siteKey, agentId } = request.params;
      // Disabled: their consoles close and their conversations go back to the front of the queue
      // (agent.updated's subscribers), before this answers.
      return app.agentAccounts.updateAgent(siteKey, agentId, request.body, agentActor(request.agent!));
    },
  );
}
