/** A site admin manages agents: capacity, and disabling someone who left the team. */
import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import { MAX_AGENT_CAPACITY } from '../../shared/limits';
import { AgentViewSchema, ErrorReplySchema, IdSchema, SiteKeySchema } from '../../shared/schemas';
import { agentActor } from '../domain/audit';

const AgentParams = Type.Object({ siteKey: SiteKeySchema, agentId: IdSchema }, { additionalProperties: false });
const AgentPatch = Type.Object(
  { capacity: Type.Optional(Type.Integer({ minimum: 0, maximum: MAX_AGENT_CAPACITY })), disabled: Type.Optional(Type.Boolean()) },
  { additionalProperties: false, minProperties: 1 },
);

export default async function agentRoutes(app: FastifyInstance) {
  app.patch<{ Params: Static<typeof AgentParams>; Body: Static<typeof AgentPatch> }>(
    '/sites/:siteKey/agents/:agentId',
    {
      config: { auth: 'admin' },
      schema: {
        params: AgentParams,
        body: AgentPatch,
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
