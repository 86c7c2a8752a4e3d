/**
 * The dashboard's ranges and the reports it asks for at once, pure: the console fetches them and
 * `npm run bench:metrics` times them, so the benchmark measures what a team lead's page asks.
 */
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

export const DASHBOARD_RANGES = {
  today: { label: 'Today', span: 0, unit: 'hour' },
  '24h': { label: 'Last 24 hours', span: DAY, unit: 'hour' },
  '7d': { label: 'Last 7 days', span: 7 * DAY, unit: 'day' },
  '30d': { label: 'Last 30 days', span: 30 * DAY, unit: 'day' },
} as const;
export type DashboardRange = keyof typeof DASHBOARD_RANGES;

/** A range ends at the next whole hour; ranges in days start at a UTC midnight, so they read whole days. */
export function rangeOf(key: DashboardRange, now: number) {
  const { span, unit } = DASHBOARD_RANGES[key];
  const to = Math.ceil(now / HOUR) * HOUR;
  const from = span === 0 ? Math.floor(now / DAY) * DAY : unit === 'day' ? Math.floor((now - span) / DAY + 1) * DAY : to - span;
  return { from, to, unit };
}

/** The queries of `GET /api/v1/metrics` behind one view of the dashboard. */
export function dashboardQueries(siteKey: string, key: DashboardRange, now: number) {
  const { from, to, unit } = rangeOf(key, now);
  const base = { site: siteKey, from: String(from), to: String(to) };
  return {
    byQueue: { ...base, groupBy: 'queue' },
    service: { ...base, queue: 'service', groupBy: unit },
    support: { ...base, queue: 'support', groupBy: unit },
    byAgent: { ...base, groupBy: 'agent' },
    byCategory: { ...base, groupBy: 'category' },
  } satisfies Record<string, Record<string, string>>;
}
