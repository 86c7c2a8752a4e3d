/**
 * Applies each site's retention period on a schedule. With several server processes, a shared
 * counter lets only the first one in each period do the work.
 */
import fp from 'fastify-plugin';

export default fp(
  async (app) => {
    const everyMs = app.config.retentionIntervalMs;
    if (everyMs === 0) return;
    const run = async () => {
      const { count } = await app.store.hitCounter('retention-run', everyMs);
      if (count > 1) return;
      for (const siteKey of await app.store.listSiteKeys()) {
        const { deleted } = await app.privacy.applyRetention(siteKey);
        if (deleted > 0) app.log.info({ siteKey, deleted }, 'retention applied');
      }
    };
    const timer = setInterval(() => run().catch((error: unknown) => app.log.error({ err: error }, 'retention failed')), everyMs);
    timer.unref();
    app.addHook('onClose', async () => clearInterval(timer));
  },
  { name: 'switchboard-retention', dependencies: ['switchboard-domain'] },
);
