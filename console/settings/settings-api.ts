/** The REST calls of the Settings pages, on the signed-in admin's site. Types only from the shared schemas. */
import type { WireError } from '../../shared/protocol';
import type { RoutingTryResult, SiteSettings, SiteSettingsPatch, WebhookCreated, WebhookDelivery, WebhookEventType, WebhookView } from '../../shared/schemas';
import { call } from '../api';

export interface RoutingRuleView {
  id: string;
  phrase: string;
  queue: 'service' | 'support';
  createdAt: number;
}

export interface AuditEntryView {
  at: number;
  actor: string;
  action: string;
  target: string;
  details?: Record<string, unknown>;
}

/** The reply's error of a refused call, or a stand-in for a network failure. */
export function wireErrorOf(error: unknown): WireError {
  const carried = (error as { error?: WireError }).error;
  if (carried && typeof carried.code === 'string') return carried;
  return { code: 'INTERNAL', message: error instanceof Error ? error.message : 'The server could not be reached.' };
}

export function settingsApi(siteKey: string) {
  const site = `/api/v1/sites/${encodeURIComponent(siteKey)}`;
  return {
    routing: () => call<{ settings: SiteSettings; rules: RoutingRuleView[] }>('GET', `${site}/routing`),
    saveSettings: (patch: SiteSettingsPatch) => call<SiteSettings>('PATCH', `${site}/routing/settings`, patch),
    addRule: (phrase: string, queue: RoutingRuleView['queue']) => call<RoutingRuleView>('POST', `${site}/routing/rules`, { phrase, queue }),
    removeRule: (id: string) => call<void>('DELETE', `${site}/routing/rules/${encodeURIComponent(id)}`),
    tryRouting: (text: string, topic?: RoutingRuleView['queue']) =>
      call<RoutingTryResult>('POST', `${site}/routing/try`, { text, ...(topic ? { topic } : {}) }),
    webhooks: () => call<{ webhooks: WebhookView[] }>('GET', `${site}/webhooks`),
    addWebhook: (url: string, events: WebhookEventType[] | null) => call<WebhookCreated>('POST', `${site}/webhooks`, { url, events }),
    removeWebhook: (id: string) => call<void>('DELETE', `${site}/webhooks/${encodeURIComponent(id)}`),
    deliveries: (id: string) => call<{ deliveries: WebhookDelivery[] }>('GET', `${site}/webhooks/${encodeURIComponent(id)}/deliveries`),
    /** `query`: what the REST filters by today (`limit`), and whatever it learns later (actor, action, from, to). */
    audit: (query: Record<string, string>) => call<{ entries: AuditEntryView[] }>('GET', `${site}/audit?${new URLSearchParams(query).toString()}`),
  };
}
