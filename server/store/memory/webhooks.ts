/** Webhook endpoints, outboxes and deliveries in memory, as server/store/redis/webhooks.ts keeps them in Redis. */
import { createError } from '../../../shared/errors';
import type { WebhookDelivery } from '../../../shared/schemas';
import { WEBHOOK_DELIVERIES_KEPT, type Store, type WebhookEndpoint, type WebhookOutboxRef } from '../store';

type WebhookOps = Pick<
  Store,
  | 'addWebhook'
  | 'listWebhooks'
  | 'getWebhook'
  | 'removeWebhook'
  | 'pushWebhookOutbox'
  | 'peekWebhookOutbox'
  | 'ackWebhookOutbox'
  | 'listWebhookOutboxes'
  | 'recordWebhookDelivery'
  | 'listWebhookDeliveries'
  | 'forgetConversationDeliveries'
>;

const clone = <T>(value: T): T => structuredClone(value);

export function createMemoryWebhookOps(): WebhookOps {
  /** siteKey → endpoint id → endpoint. */
  const endpoints = new Map<string, Map<string, WebhookEndpoint>>();
  /** `${siteKey}\n${endpointId}` → conversation id ('' for none) → pending bodies, oldest first. */
  const outboxes = new Map<string, Map<string, string[]>>();
  /** `${siteKey}\n${endpointId}` → attempts, newest first. */
  const deliveries = new Map<string, WebhookDelivery[]>();
  const siteEndpoints = (siteKey: string) => {
    let map = endpoints.get(siteKey);
    if (!map) endpoints.set(siteKey, (map = new Map()));
    return map;
  };
  const endpointKey = (siteKey: string, endpointId: string) => `${siteKey}\n${endpointId}`;
  const outboxesOf = (siteKey: string, endpointId: string) => {
    const key = endpointKey(siteKey, endpointId);
    let map = outboxes.get(key);
    if (!map) outboxes.set(key, (map = new Map()));
    return map;
  };
  const list = (outbox: WebhookOutboxRef) => outboxesOf(outbox.siteKey, outbox.endpointId).get(outbox.conversationId ?? '');

  return {
    async addWebhook(siteKey, endpoint, max) {
      const site = siteEndpoints(siteKey);
      if (site.size >= max) throw createError('WEBHOOK_LIMIT', { max });
      site.set(endpoint.id, clone(endpoint));
    },

    async listWebhooks(siteKey) {
      return [...siteEndpoints(siteKey).values()].sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1)).map(clone);
    },

    async getWebhook(siteKey, id) {
      const endpoint = siteEndpoints(siteKey).get(id);
      return endpoint ? clone(endpoint) : null;
    },

    async removeWebhook(siteKey, id) {
      if (!siteEndpoints(siteKey).delete(id)) return false;
      outboxes.delete(endpointKey(siteKey, id));
      deliveries.delete(endpointKey(siteKey, id));
      return true;
    },

    async pushWebhookOutbox(outbox, body) {
      if (!siteEndpoints(outbox.siteKey).has(outbox.endpointId)) return null;
      const boxes = outboxesOf(outbox.siteKey, outbox.endpointId);
      const bodies = boxes.get(outbox.conversationId ?? '') ?? [];
      bodies.push(body);
      boxes.set(outbox.conversationId ?? '', bodies);
      return bodies[0]!;
    },

    async peekWebhookOutbox(outbox) {
      return list(outbox)?.[0] ?? null;
    },

    async ackWebhookOutbox(outbox, body) {
      const bodies = list(outbox);
      if (!bodies) return null;
      if (bodies[0] === body) bodies.shift();
      if (bodies.length === 0) outboxesOf(outbox.siteKey, outbox.endpointId).delete(outbox.conversationId ?? '');
      return bodies[0] ?? null;
    },

    async listWebhookOutboxes(siteKey, endpointId) {
      return [...outboxesOf(siteKey, endpointId).entries()].filter(([, bodies]) => bodies.length > 0).map(([id]) => (id === '' ? null : id));
    },

    async recordWebhookDelivery(siteKey, endpointId, delivery) {
      const key = endpointKey(siteKey, endpointId);
      deliveries.set(key, [clone(delivery), ...(deliveries.get(key) ?? [])].slice(0, WEBHOOK_DELIVERIES_KEPT));
    },

    async listWebhookDeliveries(siteKey, endpointId, limit) {
      return clone((deliveries.get(endpointKey(siteKey, endpointId)) ?? []).slice(0, limit));
    },

    async forgetConversationDeliveries(siteKey, conversationIds) {
      let dropped = 0;
      for (const endpointId of siteEndpoints(siteKey).keys()) {
        const boxes = outboxesOf(siteKey, endpointId);
        for (const id of conversationIds) {
          dropped += boxes.get(id)?.length ?? 0;
          boxes.delete(id);
        }
      }
      return dropped;
    },
  };
}
