/**
 * Webhooks: decorates `webhooks` (a site's endpoints) and delivers every public domain event to
 * the endpoints that want it, as jobs (server/domain/webhook-delivery.ts), so that with several
 * server processes each delivery happens once.
 */
import fp from 'fastify-plugin';
import { createWebhookDelivery, WEBHOOK_OUTBOX_SWEEP_MS } from '../domain/webhook-delivery';
import { createWebhooks } from '../domain/webhooks';

export default fp(
  async (app) => {
    const { jobs } = app;
    const delivery = createWebhookDelivery({
      store: app.store,
      jobs,
      retryBaseMs: app.config.webhookRetryBaseMs,
      now: app.kpiNow,
      onGiveUp: (job, outcome) => app.log.warn({ ...job, outcome }, 'webhook delivery given up after its last attempt'),
    });
    app.decorate(
      'webhooks',
      createWebhooks({ store: app.store, audit: app.audit, now: app.kpiNow, endpointsChanged: (siteKey) => delivery.forgetEndpoints(siteKey) }),
    );
    // A failure here is logged, not passed back to the use case: the change it reports is made,
    // and failing the client's call would not bring the event back (a retried message is a
    // duplicate, which emits nothing).
    const unsubscribe = app.events.onAny((event) =>
      delivery.enqueue(event).catch((error: unknown) => app.log.error({ err: error, eventId: event.id, type: event.type, siteKey: event.siteKey }, 'webhook events not queued')),
    );
    app.addHook('onClose', async () => unsubscribe());
    // Events still waiting to go out carry the visitor's words: an erasure drops them.
    app.privacy.addForgetter({
      name: 'webhook-deliveries',
      forget: ({ siteKey, conversationIds }) => app.store.forgetConversationDeliveries(siteKey, conversationIds),
    });
    await jobs.every('webhook-outbox-sweep', WEBHOOK_OUTBOX_SWEEP_MS, async () => {
      await delivery.sweepOutboxes();
    });
  },
  { name: 'switchboard-webhooks', dependencies: ['switchboard-domain', 'switchboard-jobs'] },
);
