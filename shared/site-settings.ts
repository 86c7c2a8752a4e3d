/**
 * What a new site starts with, typed by the schema (`shared/schemas.ts`). Here rather than in
 * `server/` because the server and the CLI both need them; free of imports that run, so nothing
 * follows it into a bundle that might import it.
 */
import type { QueueName } from './queues';
import type { SiteSettings } from './schemas';

/** Resolve categories a new site starts with, after DESIGN.md's line between service and support. */
export const DEFAULT_CATEGORIES: Readonly<Record<QueueName, readonly string[]>> = Object.freeze({
  service: Object.freeze(['Billing', 'Refund', 'Order', 'Delivery', 'Account', 'Pre-sales', 'Complaint', 'Other']),
  support: Object.freeze(['Bug', 'Setup', 'Integration', 'Log-in', 'Outage', 'How-to', 'Other']),
});

export const DEFAULT_SITE_SETTINGS: Readonly<SiteSettings> = Object.freeze({
  topicQuestion: false,
  fallbackQueue: 'service',
  retentionDays: null,
  storeVisitorIp: false,
  assignment: 'manual',
  abandonAfterSeconds: 300,
  businessHours: null,
  verifiedPriorityMinutes: 0,
  npsSurvey: false,
  categories: DEFAULT_CATEGORIES as SiteSettings['categories'],
  reopenWithinMinutes: 60,
  maxFileBytes: 10 * 1024 * 1024,
  widget: Object.freeze({
    accentColor: '#1d4ed8',
    position: 'right',
    teamNames: Object.freeze({ service: null, support: null }),
    greeting: null,
    agentInitials: true,
    avatarUrl: null,
    defaultLanguage: 'en',
    strings: Object.freeze({}),
    prechat: Object.freeze({ mode: 'off', fields: Object.freeze(['name', 'email']) }),
  }) as SiteSettings['widget'],
});
