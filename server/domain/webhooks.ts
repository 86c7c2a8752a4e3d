/**
 * A site's webhook endpoints: where its events are POSTed, signed (docs/webhooks.md). Added,
 * listed and removed by the REST API and the operators' CLI alike; every change is audited.
 */
import { randomBytes } from 'node:crypto';
import { createError } from '../../shared/errors';
import type { SiteKey } from '../../shared/ids';
import { WEBHOOK_EVENT_TYPES, type WebhookCreated, type WebhookDelivery, type WebhookEventType, type WebhookView } from '../../shared/schemas';
import { WEBHOOK_DELIVERIES_KEPT, type Store, type WebhookEndpoint } from '../store/store';
import type { AuditLog } from './audit';
import { randomId } from './random-id';

/** Each event is delivered to every endpoint that wants it: a few per site keep that cheap. */
export const MAX_WEBHOOKS_PER_SITE = 20;

const MAX_URL_LENGTH = 2048;

/** An endpoint as admins see it once made: everything but the secret. */
export function toWebhookView(endpoint: WebhookEndpoint): WebhookView {
  return { id: endpoint.id, url: endpoint.url, events: endpoint.events, createdAt: endpoint.createdAt };
}

/** The URL as it will be called; PAYLOAD_INVALID unless it is an absolute http(s) URL. The REST schema checks less; the CLI comes through here only. */
function checkUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw createError('PAYLOAD_INVALID', { path: '/url', problem: `not a URL: ${value.slice(0, 100)}` });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw createError('PAYLOAD_INVALID', { path: '/url', problem: 'must be an http:// or https:// URL' });
  // A secret in the URL would be printed by every listing; the signature is the way to authenticate.
  if (url.username || url.password) throw createError('PAYLOAD_INVALID', { path: '/url', problem: 'must not carry a user name or password' });
  if (url.href.length > MAX_URL_LENGTH) throw createError('PAYLOAD_INVALID', { path: '/url', problem: `at most ${MAX_URL_LENGTH} characters` });
  return url.href;
}

function checkEvents(events: readonly string[] | null | undefined): WebhookEventType[] | null {
  if (events === undefined || events === null) return null;
  if (!Array.isArray(events) || events.length === 0) throw createError('PAYLOAD_INVALID', { path: '/events', problem: 'list at least one event type, or none for all' });
  const unknown = events.filter((type) => !(WEBHOOK_EVENT_TYPES as readonly string[]).includes(type));
  if (unknown.length > 0) throw createError('PAYLOAD_INVALID', { path: '/events', problem: `unknown event types: ${unknown.join(', ')}`, known: WEBHOOK_EVENT_TYPES });
  return [...new Set(events as WebhookEventType[])];
}

export function createWebhooks({
  store,
  audit,
  now = Date.now,
  endpointsChanged = () => {},
}: {
  store: Store;
  audit: AuditLog;
  now?: () => number;
  /** Told after a site's endpoints changed: the delivery reads them afresh (see WEBHOOK_ENDPOINTS_CACHE_MS). */
  endpointsChanged?: (siteKey: SiteKey) => void;
}) {
  const requireSite = async (siteKey: SiteKey) => {
    if (!(await store.getSite(siteKey))) throw createError('SITE_NOT_FOUND', { siteKey });
  };
  const requireEndpoint = async (siteKey: SiteKey, id: string) => {
    const endpoint = await store.getWebhook(siteKey, id);
    if (!endpoint) throw createError('WEBHOOK_NOT_FOUND', { id });
    return endpoint;
  };

  return {
    /** @returns the endpoint with its signing secret, which is never shown again */
    async add(siteKey: SiteKey, input: { url: string; events?: readonly string[] | null }, actor: string): Promise<WebhookCreated> {
      const url = checkUrl(input.url);
      const events = checkEvents(input.events);
      await requireSite(siteKey);
      // 32 random bytes, as the session tokens; the prefix tells a leaked one apart in a scan.
      const endpoint: WebhookEndpoint = { id: randomId('wh'), url, events, secret: `whsec_${randomBytes(32).toString('base64url')}`, createdAt: now() };
      await store.addWebhook(siteKey, endpoint, MAX_WEBHOOKS_PER_SITE);
      endpointsChanged(siteKey);
      await audit.record(siteKey, actor, 'webhook.add', endpoint.id, { url, events });
      return { ...toWebhookView(endpoint), secret: endpoint.secret };
    },

    async list(siteKey: SiteKey): Promise<WebhookView[]> {
      await requireSite(siteKey);
      return (await store.listWebhooks(siteKey)).map(toWebhookView);
    },

    /** Also drops its pending events: nothing more is sent to it. */
    async remove(siteKey: SiteKey, id: string, actor: string): Promise<void> {
      await requireSite(siteKey);
      const endpoint = await requireEndpoint(siteKey, id);
      if (!(await store.removeWebhook(siteKey, id))) throw createError('WEBHOOK_NOT_FOUND', { id });
      endpointsChanged(siteKey);
      await audit.record(siteKey, actor, 'webhook.remove', id, { url: endpoint.url });
    },

    /** The endpoint's latest delivery attempts, newest first. */
    async deliveries(siteKey: SiteKey, id: string, limit = WEBHOOK_DELIVERIES_KEPT): Promise<WebhookDelivery[]> {
      await requireSite(siteKey);
      await requireEndpoint(siteKey, id);
      return store.listWebhookDeliveries(siteKey, id, limit);
    },
  };
}

export type Webhooks = ReturnType<typeof createWebhooks>;
