/**
 * What a new site starts with. Runtime values beside the schema (`shared/schemas.ts`), apart from
 * it so that code needing only the defaults (the CLI, the stores) does not pull TypeBox in.
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
});
