/**
 * Per-site learning's side effects (docs/router.md, "Each site's own corrections"): every resolved
 * conversation becomes an example, and once a site has `RETRAIN_AFTER_CORRECTIONS` new
 * corrections (transfers, "wrong queue" flags) its adaptation is retrained by a job, once per
 * cluster, off the message path.
 */
import fp from 'fastify-plugin';
import type { SiteKey } from '../../shared/ids';
import { RETRAIN_AFTER_CORRECTIONS } from '../domain/routing/site-learning';

/** Who the audit log names for a retraining the corrections started. */
const JOB_ACTOR = 'router-learning';

export default fp(
  async (app) => {
    const retraining = app.jobs.define<{ siteKey: SiteKey }>(
      'router-learning',
      async ({ data }) => {
        const result = await app.siteLearning.retrain(data.siteKey, JOB_ACTOR);
        app.log.info({ siteKey: data.siteKey, adopted: result.adopted, reason: result.reason }, 'site routing retrained');
      },
      { attempts: 3, backoff: { type: 'exponential', delayMs: 10_000 } },
    );
    // One job per site at a time: corrections arriving while it waits are trained on by it.
    const retrainWhenDue = async (siteKey: SiteKey, pending: number) => {
      if (pending >= RETRAIN_AFTER_CORRECTIONS) await retraining.add({ siteKey }, { jobId: `router-learning:${siteKey}` });
    };

    app.events.on('conversation.resolved', async ({ siteKey, data: { conversation } }) => {
      await retrainWhenDue(siteKey, await app.siteLearning.recordOutcome(conversation));
    });
    app.events.on('conversation.route_flagged', async ({ siteKey, data: { pendingCorrections } }) => {
      await retrainWhenDue(siteKey, pendingCorrections);
    });
  },
  { name: 'switchboard-router-learning', dependencies: ['switchboard-domain', 'switchboard-jobs'] },
);
