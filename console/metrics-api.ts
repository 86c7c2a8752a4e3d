/** The dashboard's REST calls: `GET /api/v1/metrics` (docs/api.md). */
import type { WireError } from '../shared/protocol';
import type { MetricsReport } from '../shared/schemas';

export async function fetchMetrics(query: Record<string, string>): Promise<MetricsReport> {
  const response = await fetch(`/api/v1/metrics?${new URLSearchParams(query)}`, { credentials: 'same-origin' });
  const json = (await response.json()) as MetricsReport | { error: WireError };
  if (!response.ok) throw Object.assign(new Error((json as { error: WireError }).error.message), json);
  return json as MetricsReport;
}
