/** A site's agents for its admins: list, add, change (name, skills, capacity, role, password), disable. */
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import {
  AgentAdminViewSchema,
  AgentListSchema,
  AgentPatchSchema,
  AgentViewSchema,
  ErrorReplySchema,
  NewSiteAgentSchema,
  SiteAgentParamsSchema,
  SiteParamsSchema,
} from '../../shared/schemas';
import { agentActor } from '../domain/audit';
import { toAgentAdminView } from '../domain/agents';

const errors = { 400: ErrorReplySchema, 401: ErrorReplySchema, 403: ErrorReplySchema, 404: ErrorReplySchema, 409: ErrorReplySchema };

export default async function agentRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  app.get(
    '/sites/:siteKey/agents',
    { config: { auth: 'admin' }, schema: { params: SiteParamsSchema, response: { 200: AgentListSchema, ...errors } } },
    async (request) => ({ agents: await app.agentAccounts.listAgents(request.params.siteKey) }),
  );

  app.post(
    '/sites/:siteKey/agents',
    { config: { auth: 'admin' }, schema: { params: SiteParamsSchema, body: NewSiteAgentSchema, response: { 201: AgentAdminViewSchema, ...errors } } },
    async (request, reply) => {
      const { siteKey } = request.params;
      const agent = await app.agentAccounts.addAgent({ ...request.body, siteKey });
      await app.audit.record(siteKey, agentActor(request.agent!), 'agent.add', agent.id, { email: agent.email, skills: agent.skills, role: agent.role });
      const stored = await app.store.getAgent(siteKey, agent.id);
      return reply.code(201).send(toAgentAdminView(stored!));
    },
  );

  app.patch(
    '/sites/:siteKey/agents/:agentId',
    {
      config: { auth: 'admin' },
      schema: { params: SiteAgentParamsSchema, body: AgentPatchSchema, response: { 200: AgentViewSchema, ...errors } },
    },
    async (request) => {
      const { siteKey, agentId } = request.params;
      // Disabled: their consoles close and their conversations go back to the front of the queue
      // (agent.updated's subscribers), before this answers.
      return app.agentAccounts.updateAgent(siteKey, agentId, request.body, agentActor(request.agent!));
    },
  );
}
