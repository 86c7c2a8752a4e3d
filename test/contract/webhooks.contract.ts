/**
 * The webhook part of the store contract (endpoints, ordered outboxes, delivery log), run by
 * store.contract.ts against each store.
 */
import { describe, expect, it } from 'vitest';
import type { WebhookDelivery } from '../../shared/schemas';
import { WEBHOOK_DELIVERIES_KEPT, type Store, type WebhookEndpoint } from '../../server/store/store';

export function describeWebhookContract(getStore: () => Store, siteKey: string): void {
  describe('webhooks', () => {
    let n = 0;
    const endpoint = (overrides: Partial<WebhookEndpoint> = {}): WebhookEndpoint => ({
      id: `wh_${++n}`,
      url: 'https://hooks.example/in',
      events: null,
      secret: 'whsec_test',
      createdAt: 1_700_000_000_000 + n,
      ...overrides,
    });
    const delivery = (eventId: string, attempt = 1): WebhookDelivery => ({ eventId, type: 'message.created', attempt, at: 1, ok: false, status: 500 });

    it('keeps endpoints per site, lists them oldest first, and removes them once', async () => {
      const store = getStore();
      const later = endpoint({ createdAt: 2_000, events: ['message.created'] });
      const earlier = endpoint({ createdAt: 1_000 });
      await store.addWebhook(siteKey, later, 20);
      await store.addWebhook(siteKey, earlier, 20);
      expect(await store.listWebhooks(siteKey)).toEqual([earlier, later]);
      expect(await store.getWebhook(siteKey, later.id)).toEqual(later);
      expect(await store.getWebhook('other_site', later.id)).toBeNull();
      expect(await store.listWebhooks('other_site')).toEqual([]);
      expect(await store.removeWebhook(siteKey, later.id)).toBe(true);
      expect(await store.removeWebhook(siteKey, later.id)).toBe(false);
      expect(await store.listWebhooks(siteKey)).toEqual([earlier]);
    });

    it('refuses an endpoint beyond the most a site may have, and keeps what it had', async () => {
      const store = getStore();
      await store.addWebhook(siteKey, endpoint(), 2);
      await store.addWebhook(siteKey, endpoint(), 2);
      const third = endpoint();
      await expect(store.addWebhook(siteKey, third, 2)).rejects.toMatchObject({ code: 'WEBHOOK_LIMIT' });
      expect(await store.listWebhooks(siteKey)).toHaveLength(2);
      expect(await store.getWebhook(siteKey, third.id)).toBeNull();
    });

    it('keeps each outbox in order: the head stays until it is acknowledged, and the ack answers the next', async () => {
      const store = getStore();
      const e = endpoint();
      await store.addWebhook(siteKey, e, 20);
      const outbox = { siteKey, endpointId: e.id, conversationId: 'c_1' };
      expect(await store.pushWebhookOutbox(outbox, '{"id":"ev_1"}')).toBe('{"id":"ev_1"}');
      expect(await store.pushWebhookOutbox(outbox, '{"id":"ev_2"}')).toBe('{"id":"ev_1"}');
      expect(await store.pushWebhookOutbox(outbox, '{"id":"ev_3"}')).toBe('{"id":"ev_1"}');
      expect(await store.peekWebhookOutbox(outbox)).toBe('{"id":"ev_1"}');
      // An ack of what is no longer the head (a job run twice) removes nothing.
      expect(await store.ackWebhookOutbox(outbox, '{"id":"ev_2"}')).toBe('{"id":"ev_1"}');
      expect(await store.ackWebhookOutbox(outbox, '{"id":"ev_1"}')).toBe('{"id":"ev_2"}');
      expect(await store.ackWebhookOutbox(outbox, '{"id":"ev_2"}')).toBe('{"id":"ev_3"}');
      expect(await store.ackWebhookOutbox(outbox, '{"id":"ev_3"}')).toBeNull();
      expect(await store.peekWebhookOutbox(outbox)).toBeNull();
      expect(await store.ackWebhookOutbox(outbox, '{"id":"ev_3"}')).toBeNull();
      // Empty again: the next event is its own head.
      expect(await store.pushWebhookOutbox(outbox, '{"id":"ev_4"}')).toBe('{"id":"ev_4"}');
    });

    it('keeps the outboxes of each conversation and the one without a conversation apart', async () => {
      const store = getStore();
      const e = endpoint();
      await store.addWebhook(siteKey, e, 20);
      const first = { siteKey, endpointId: e.id, conversationId: 'c_1' };
      const second = { siteKey, endpointId: e.id, conversationId: 'c_2' };
      const none = { siteKey, endpointId: e.id, conversationId: null };
      await store.pushWebhookOutbox(first, 'a1');
      expect(await store.pushWebhookOutbox(second, 'b1')).toBe('b1');
      expect(await store.pushWebhookOutbox(none, 'n1')).toBe('n1');
      const sorted = (list: (string | null)[]) => [...list].sort((a, b) => String(a).localeCompare(String(b)));
      expect(sorted(await store.listWebhookOutboxes(siteKey, e.id))).toEqual(sorted(['c_1', 'c_2', null]));
      expect(await store.ackWebhookOutbox(second, 'b1')).toBeNull();
      expect(await store.peekWebhookOutbox(first)).toBe('a1');
      expect(await store.peekWebhookOutbox(none)).toBe('n1');
      // An emptied outbox is no longer listed.
      expect(sorted(await store.listWebhookOutboxes(siteKey, e.id))).toEqual(sorted(['c_1', null]));
    });

    it('refuses events for an endpoint that does not exist, and forgets a removed one’s outboxes and deliveries', async () => {
      const store = getStore();
      const e = endpoint();
      expect(await store.pushWebhookOutbox({ siteKey, endpointId: e.id, conversationId: 'c_1' }, 'x')).toBeNull();
      await store.addWebhook(siteKey, e, 20);
      await store.pushWebhookOutbox({ siteKey, endpointId: e.id, conversationId: 'c_1' }, 'x');
      await store.pushWebhookOutbox({ siteKey, endpointId: e.id, conversationId: null }, 'y');
      await store.recordWebhookDelivery(siteKey, e.id, delivery('ev_1'));
      expect(await store.removeWebhook(siteKey, e.id)).toBe(true);
      await store.addWebhook(siteKey, e, 20);
      expect(await store.peekWebhookOutbox({ siteKey, endpointId: e.id, conversationId: 'c_1' })).toBeNull();
      expect(await store.peekWebhookOutbox({ siteKey, endpointId: e.id, conversationId: null })).toBeNull();
      expect(await store.listWebhookDeliveries(siteKey, e.id, 50)).toEqual([]);
    });

    it(`keeps the last ${WEBHOOK_DELIVERIES_KEPT} delivery attempts of an endpoint, newest first`, async () => {
      const store = getStore();
      const e = endpoint();
      await store.addWebhook(siteKey, e, 20);
      for (let i = 1; i <= WEBHOOK_DELIVERIES_KEPT + 5; i++) await store.recordWebhookDelivery(siteKey, e.id, delivery(`ev_${i}`, i));
      const all = await store.listWebhookDeliveries(siteKey, e.id, 1_000);
      expect(all).toHaveLength(WEBHOOK_DELIVERIES_KEPT);
      expect(all[0]).toEqual(delivery(`ev_${WEBHOOK_DELIVERIES_KEPT + 5}`, WEBHOOK_DELIVERIES_KEPT + 5));
      expect(all.at(-1)!.eventId).toBe('ev_6');
      expect((await store.listWebhookDeliveries(siteKey, e.id, 2)).map((d) => d.eventId)).toEqual([`ev_${WEBHOOK_DELIVERIES_KEPT + 5}`, `ev_${WEBHOOK_DELIVERIES_KEPT + 4}`]);
    });

    it('forgets the pending events of given conversations on every endpoint, and only theirs', async () => {
      const store = getStore();
      const [a, b] = [endpoint(), endpoint()];
      await store.addWebhook(siteKey, a, 20);
      await store.addWebhook(siteKey, b, 20);
      for (const e of [a, b]) {
        await store.pushWebhookOutbox({ siteKey, endpointId: e.id, conversationId: 'c_gone' }, `${e.id}-1`);
        await store.pushWebhookOutbox({ siteKey, endpointId: e.id, conversationId: 'c_gone' }, `${e.id}-2`);
        await store.pushWebhookOutbox({ siteKey, endpointId: e.id, conversationId: 'c_kept' }, `${e.id}-3`);
      }
      expect(await store.forgetConversationDeliveries(siteKey, ['c_gone', 'c_unknown'])).toBe(4);
      expect(await store.forgetConversationDeliveries(siteKey, [])).toBe(0);
      for (const e of [a, b]) {
        expect(await store.peekWebhookOutbox({ siteKey, endpointId: e.id, conversationId: 'c_gone' })).toBeNull();
        expect(await store.listWebhookOutboxes(siteKey, e.id)).toEqual(['c_kept']);
        expect(await store.peekWebhookOutbox({ siteKey, endpointId: e.id, conversationId: 'c_kept' })).toBe(`${e.id}-3`);
        // A forgotten outbox starts again from empty.
        expect(await store.pushWebhookOutbox({ siteKey, endpointId: e.id, conversationId: 'c_gone' }, 'new')).toBe('new');
      }
    });
  });
}
