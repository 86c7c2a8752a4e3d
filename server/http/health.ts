import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';

/** `/healthz`: the process answers. `/readyz`: it can also reach its store, so it may take traffic. */
export default async function healthRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_request, reply) => {
    try {
      await app.store.ping();
      return { status: 'ready' };
    } catch (error) {
      app.log.warn({ err: error }, 'store not reachable');
      return reply.code(503).send({ status: 'unavailable' });
    }
  });
}
