/**
 * Webhooks: decorates `webhooks` (a site's endpoints) and delivers every public domain event to
 * the endpoints that want it, as jobs (server/domain/webhook-delivery.ts), so that with several
 * server processes each delivery happens once.
 */
import fp from 'fastify-plugin';
import type { Jobs } from '../jobs/jobs';
import { createWebhookDelivery, WEBHOOK_OUTBOX_SWEEP_MS } from '../domain/webhook-delivery';
import { createWebhooks } from '../domain/webhooks';

export interface WebhooksPluginOptions {
  /** The jobs deliveries run as. @default app.jobs, when a plugin decorated it */
  jobs?: Jobs;
}

export default fp<WebhooksPluginOptions>(
  async (app, options) => {
    app.decorate('webhooks', createWebhooks({ store: app.store, audit: app.audit, now: app.kpiNow }));

    const jobs = options.jobs ?? (app.hasDecorator('jobs') ? (app as unknown as { jobs: Jobs }).jobs : undefined);
    if (!jobs) {
      app.log.warn('webhooks: no job runner, so events are not delivered (endpoints can still be managed)');
      return;
    }
    const delivery = createWebhookDelivery({
      store: app.store,
      jobs,
      retryBaseMs: app.config.webhookRetryBaseMs,
      now: app.kpiNow,
      onGiveUp: (job, outcome) => app.log.warn({ ...job, outcome }, 'webhook delivery given up after its last attempt'),
    });
    // A failure here is logged, not passed back to the use case: the change it reports is made,
    // and failing the client's call would not bring the event back (a retried message is a
    // duplicate, which emits nothing).
    const unsubscribe = app.events.onAny((event) =>
      delivery.enqueue(event).catch((error: unknown) => app.log.error({ err: error, eventId: event.id, type: event.type, siteKey: event.siteKey }, 'webhook events not queued')),
    );
    app.addHook('onClose', async () => unsubscribe());
    await jobs.every('webhook-outbox-sweep', WEBHOOK_OUTBOX_SWEEP_MS, async () => {
      await delivery.sweepOutboxes();
    });
  },
  { name: 'switchboard-webhooks', dependencies: ['switchboard-domain'] },
);
