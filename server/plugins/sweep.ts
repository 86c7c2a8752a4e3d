/**
 * Gives back the conversations of agents gone past their grace and abandons those of visitors who
 * left, on a schedule, once per cluster (a repeating job). What each sweep changes is told as domain
 * events, so it is registered after the subscribers that tell the consoles and widgets.
 */
import fp from 'fastify-plugin';

export default fp(
  async (app) => {
    await app.jobs.every('sweep', app.config.sweepIntervalMs, async () => {
      for (const siteKey of await app.store.listSiteKeys()) {
        // One site's trouble (a broken key, a failing subscriber) leaves the others swept.
        await app.assignment.sweep(siteKey).catch((error: unknown) => app.log.error({ err: error, siteKey }, 'sweep of a site failed'));
      }
    });
  },
  { name: 'switchboard-sweep', dependencies: ['switchboard-domain', 'switchboard-jobs', 'switchboard-realtime'] },
);
