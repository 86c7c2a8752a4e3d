/** A site admin manages agents: capacity, and disabling someone who left the team. */
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { AgentPatchSchema, AgentViewSchema, ErrorReplySchema, IdSchema, SiteKeySchema } from '../../shared/schemas';
import { agentActor } from '../domain/audit';
import { announceSweep, disconnectAgentSockets } from '../realtime/agent-namespace';

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
      const agent = await app.agentAccounts.updateAgent(siteKey, agentId, request.body);
      await app.audit.record(siteKey, agentActor(request.agent!), 'agent.update', agentId, { ...request.body });
      if (request.body.disabled) {
        // Their consoles go now, and so do their conversations: back to the front of the queue.
        await disconnectAgentSockets(app, siteKey, agentId);
        await announceSweep(app, siteKey, await app.assignment.sweep(siteKey));
      } else {
        await app.announce.assignWaiting(siteKey, agent.skills);
      }
      return agent;
    },
  );
}
