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

/** What the dashboard narrows its figures to: a custom range (whole UTC days, `to` included) and filters. */
export interface DashboardFilters {
  /** `YYYY-MM-DD`, both set for a custom range. */
  fromDay?: string;
  toDay?: string;
  queue?: 'service' | 'support';
  agent?: string;
  category?: string;
}

/** A custom range: from the start of `fromDay` to the end of `toDay` (UTC), by day; null when not a valid range. */
export function customRange(fromDay: string, toDay: string): { from: number; to: number; unit: 'day' | 'hour' } | null {
  const from = Date.parse(`${fromDay}T00:00:00Z`);
  const to = Date.parse(`${toDay}T00:00:00Z`) + DAY;
  if (!Number.isFinite(from) || !Number.isFinite(to) || from >= to) return null;
  return { from, to, unit: to - from <= 2 * DAY ? 'hour' : 'day' };
}

/** The custom range when one is set and valid, else the named one. */
const resolveRange = (key: DashboardRange, now: number, filters: DashboardFilters) =>
  (filters.fromDay && filters.toDay && customRange(filters.fromDay, filters.toDay)) || rangeOf(key, now);

/** The filters as query parameters of `GET /api/v1/metrics`. */
function filterParams(filters: DashboardFilters): Record<string, string> {
  return {
    ...(filters.agent ? { agent: filters.agent } : {}),
    ...(filters.category ? { category: filters.category } : {}),
  };
}

/** The CSV the dashboard's download button fetches: the filtered figures, a row per day (or hour). */
export function dashboardCsvQuery(siteKey: string, key: DashboardRange, now: number, filters: DashboardFilters = {}): Record<string, string> {
  const { from, to, unit } = resolveRange(key, now, filters);
  return { site: siteKey, from: String(from), to: String(to), ...filterParams(filters), ...(filters.queue ? { queue: filters.queue } : {}), groupBy: unit, format: 'csv' };
}

/** The queries of `GET /api/v1/metrics` behind one view of the dashboard. */
export function dashboardQueries(siteKey: string, key: DashboardRange, now: number, filters: DashboardFilters = {}) {
  const { from, to, unit } = resolveRange(key, now, filters);
  const base = { site: siteKey, from: String(from), to: String(to), ...filterParams(filters) };
  const queue: Record<string, string> = filters.queue ? { queue: filters.queue } : {};
  return {
    byQueue: { ...base, groupBy: 'queue' },
    service: { ...base, queue: 'service', groupBy: unit },
    support: { ...base, queue: 'support', groupBy: unit },
    byAgent: { ...base, ...queue, groupBy: 'agent' },
    byCategory: { ...base, ...queue, groupBy: 'category' },
  } satisfies Record<string, Record<string, string>>;
}
