/**
 * Applies each site's retention period on a schedule, once per cluster (a repeating job).
 */
import fp from 'fastify-plugin';

export default fp(
  async (app) => {
    const everyMs = app.config.retentionIntervalMs;
    if (everyMs === 0) return;
    await app.jobs.every('retention', everyMs, async () => {
      for (const siteKey of await app.store.listSiteKeys()) {
        const { deleted } = await app.privacy.applyRetention(siteKey);
        if (deleted > 0) app.log.info({ siteKey, deleted }, 'retention applied');
      }
    });
  },
  { name: 'switchboard-retention', dependencies: ['switchboard-domain', 'switchboard-jobs'] },
);
