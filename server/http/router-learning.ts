/** A site's router learning, for its admins: what it learnt, retrain now, roll back (docs/api.md). */
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { agentActor } from '../domain/audit';
import { ErrorReplySchema, RouterLearningViewSchema, RouterRetrainResultSchema, SiteKeySchema } from '../../shared/schemas';

const SiteParams = Type.Object({ siteKey: SiteKeySchema }, { additionalProperties: false });

export default async function routerLearningRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const errors = { 400: ErrorReplySchema, 401: ErrorReplySchema, 403: ErrorReplySchema, 404: ErrorReplySchema, 409: ErrorReplySchema };

  app.get(
    '/sites/:siteKey/routing/learning',
    { config: { auth: 'admin' }, schema: { params: SiteParams, response: { 200: RouterLearningViewSchema, ...errors } } },
    async (request) => app.siteLearning.describe(request.params.siteKey),
  );

  app.post(
    '/sites/:siteKey/routing/learning/retrain',
    { config: { auth: 'admin' }, schema: { params: SiteParams, response: { 200: RouterRetrainResultSchema, ...errors } } },
    async (request) => app.siteLearning.retrain(request.params.siteKey, agentActor(request.agent!)),
  );

  app.post(
    '/sites/:siteKey/routing/learning/rollback',
    { config: { auth: 'admin' }, schema: { params: SiteParams, response: { 200: RouterLearningViewSchema, ...errors } } },
    async (request) => app.siteLearning.rollBack(request.params.siteKey, agentActor(request.agent!)),
  );
}
