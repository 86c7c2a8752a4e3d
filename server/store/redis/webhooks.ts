/** Webhook endpoints, their ordered outboxes of pending events and their recent deliveries, in Redis. */
import type { Redis } from 'ioredis';
import type { WebhookDelivery } from '../../../shared/schemas';
import { WEBHOOK_DELIVERIES_KEPT, type Store, type WebhookEndpoint, type WebhookOutboxRef } from '../store';
import type { RedisKeys } from './keys';
import { checkScriptResult } from './scripts';

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

/** The member naming an outbox in the endpoint's set of outboxes; conversation ids never are `-`. */
export const SITE_OUTBOX_MEMBER = '-';

export function createWebhookOps(redis: Redis, keys: RedisKeys): WebhookOps {
  const outboxKey = ({ siteKey, endpointId, conversationId }: WebhookOutboxRef) =>
    keys.webhookOutbox(siteKey, endpointId, conversationId ?? undefined);
  const member = (outbox: WebhookOutboxRef) => outbox.conversationId ?? SITE_OUTBOX_MEMBER;

  return {
    async addWebhook(siteKey, endpoint, max) {
      const code = await redis.sbAddWebhookV1(keys.webhooks(siteKey), endpoint.id, JSON.stringify(endpoint), max);
      checkScriptResult('addWebhook', code, { max });
    },

    async listWebhooks(siteKey) {
      const endpoints = Object.values(await redis.hgetall(keys.webhooks(siteKey))).map((raw) => JSON.parse(raw) as WebhookEndpoint);
      return endpoints.sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1));
    },

    async getWebhook(siteKey, id) {
      const raw = await redis.hget(keys.webhooks(siteKey), id);
      return raw ? (JSON.parse(raw) as WebhookEndpoint) : null;
    },

    async removeWebhook(siteKey, id) {
      // The endpoint goes first: from then on pushWebhookOutbox refuses it, so the outboxes read
      // next are all there will ever be.
      if ((await redis.hdel(keys.webhooks(siteKey), id)) === 0) return false;
      const members = await redis.smembers(keys.webhookOutboxes(siteKey, id));
      const outboxes = members.map((m) => keys.webhookOutbox(siteKey, id, m === SITE_OUTBOX_MEMBER ? undefined : m));
      await redis.del(keys.webhookOutboxes(siteKey, id), keys.webhookDeliveries(siteKey, id), ...outboxes);
      return true;
    },

    async pushWebhookOutbox(outbox, body) {
      const head = await redis.sbPushWebhookOutboxV1(
        keys.webhooks(outbox.siteKey),
        outboxKey(outbox),
        keys.webhookOutboxes(outbox.siteKey, outbox.endpointId),
        outbox.endpointId,
        body,
        member(outbox),
      );
      return head ?? null;
    },

    async peekWebhookOutbox(outbox) {
      return redis.lindex(outboxKey(outbox), 0);
    },

    async ackWebhookOutbox(outbox, body) {
      const head = await redis.sbAckWebhookOutboxV1(outboxKey(outbox), keys.webhookOutboxes(outbox.siteKey, outbox.endpointId), body, member(outbox));
      return head ?? null;
    },

    async listWebhookOutboxes(siteKey, endpointId) {
      const members = await redis.smembers(keys.webhookOutboxes(siteKey, endpointId));
      return members.map((m) => (m === SITE_OUTBOX_MEMBER ? null : m));
    },

    async recordWebhookDelivery(siteKey, endpointId, delivery) {
      const key = keys.webhookDeliveries(siteKey, endpointId);
      await redis
        .multi()
        .lpush(key, JSON.stringify(delivery))
        .ltrim(key, 0, WEBHOOK_DELIVERIES_KEPT - 1)
        .exec();
    },

    async listWebhookDeliveries(siteKey, endpointId, limit) {
      const raw = await redis.lrange(keys.webhookDeliveries(siteKey, endpointId), 0, Math.min(limit, WEBHOOK_DELIVERIES_KEPT) - 1);
      return raw.map((entry) => JSON.parse(entry) as WebhookDelivery);
    },

    async forgetConversationDeliveries(siteKey, conversationIds) {
      if (conversationIds.length === 0) return 0;
      const endpointIds = await redis.hkeys(keys.webhooks(siteKey));
      if (endpointIds.length === 0) return 0;
      const multi = redis.multi();
      for (const endpointId of endpointIds) {
        for (const conversationId of conversationIds) {
          const outbox = keys.webhookOutbox(siteKey, endpointId, conversationId);
          multi.llen(outbox).del(outbox).srem(keys.webhookOutboxes(siteKey, endpointId), conversationId);
        }
      }
      const replies = (await multi.exec()) ?? [];
      // Every third reply is an LLEN: the events the outbox held.
      return replies.reduce((sum, [, value], index) => sum + (index % 3 === 0 ? Number(value) : 0), 0);
    },
  };
}
