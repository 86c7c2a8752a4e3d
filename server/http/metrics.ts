/**
 * KPIs over REST: `GET /api/v1/metrics?site=&from=&to=&queue=&agent=&category=&groupBy=&format=` as JSON or
 * CSV, for the agents, leads and admins of the site. The figures come from server/domain/kpis.ts.
 * A plain agent (role `agent`) sees their own figures only: the report is scoped to them, and asking
 * for another agent's or the team's is FORBIDDEN; leads and admins see the whole site.
 */
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { createError } from '../../shared/errors';
import { metricsToCsv } from '../../shared/metrics-csv';
import { ErrorReplySchema, MetricsQuerySchema, MetricsReportSchema } from '../../shared/schemas';
import { parseTime } from '../domain/kpis';

export default async function metricsRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  app.get(
    '/metrics',
    {
      config: { auth: 'agent' },
      schema: {
        querystring: MetricsQuerySchema,
        response: { 200: MetricsReportSchema, 400: ErrorReplySchema, 401: ErrorReplySchema, 403: ErrorReplySchema, 404: ErrorReplySchema },
      },
    },
    async (request, reply) => {
      const { site, from, to, queue, agent, category, groupBy, format } = request.query;
      // Another site's figures answer as if it did not exist, as every other site route does.
      const me = request.agent!;
      if (site !== me.siteKey) throw createError('SITE_NOT_FOUND', { siteKey: site });
      const scopedAgent = me.role === 'agent' ? me.id : agent;
      if (me.role === 'agent' && agent !== undefined && agent !== me.id) {
        throw createError('FORBIDDEN', { agent, allowed: me.id }, "A plain agent sees their own figures only: leave out `agent` or give your own id.");
      }
      const report = await app.kpis.report({
        siteKey: site,
        from: parseTime(from),
        to: parseTime(to),
        ...(queue ? { queue } : {}),
        ...(scopedAgent ? { agent: scopedAgent } : {}),
        ...(category ? { category } : {}),
        ...(groupBy !== undefined ? { groupBy } : {}),
      });
      if (format === 'csv') {
        return reply
          .type('text/csv; charset=utf-8')
          .header('content-disposition', `attachment; filename="metrics-${site}.csv"`)
          .serializer((payload: unknown) => payload as string)
          // CSV leaves through its own serializer, past the JSON schema the reply's type follows.
          .send(metricsToCsv(report) as never);
      }
      return report;
    },
  );
}
