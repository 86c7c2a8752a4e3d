/**
 * Applies each site's retention period on a schedule, once per cluster (a repeating job): to the
 * live store and to the archive.
 */
import fp from 'fastify-plugin';

export default fp(
  async (app) => {
    const everyMs = app.config.retentionIntervalMs;
    if (everyMs === 0) return;
    await app.jobs.every('retention', everyMs, async () => {
      for (const siteKey of await app.store.listSiteKeys()) {
        const { deleted, archived } = await app.privacy.applyRetention(siteKey);
        if (deleted + archived > 0) app.log.info({ siteKey, deleted, archived }, 'retention applied');
      }
    });
  },
  { name: 'switchboard-retention', dependencies: ['switchboard-domain', 'switchboard-jobs'] },
);
