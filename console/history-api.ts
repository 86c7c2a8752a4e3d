/** History's REST calls (docs/api.md, "History"): search the archive, read one conversation. */
import type { WireError } from '../shared/protocol';
import type { HistoryConversation, HistoryPage } from '../shared/schemas';
import type { HistoryFilters } from './screens/history-link';

async function get<T>(path: string): Promise<T> {
  const response = await fetch(path, { credentials: 'same-origin' });
  const json = (await response.json()) as T | { error: WireError };
  if (!response.ok) throw Object.assign(new Error((json as { error: WireError }).error.message), json);
  return json as T;
}

const DAY_MS = 86_400_000;

/** The REST query of the screen's filters: days are the agent's local days, sent as instants. */
export function historyQuery(filters: HistoryFilters, next?: string): URLSearchParams {
  const params = new URLSearchParams();
  const q = filters.q?.trim();
  if (q) params.set('q', q);
  if (filters.from) params.set('from', String(new Date(`${filters.from}T00:00`).getTime()));
  // `to` is the last day shown: everything before the next midnight.
  if (filters.to) params.set('to', String(new Date(`${filters.to}T00:00`).getTime() + DAY_MS));
  for (const key of ['queue', 'category', 'agent', 'visitor', 'email', 'status'] as const) {
    const value = filters[key]?.trim();
    if (value) params.set(key, value);
  }
  if (next) params.set('next', next);
  return params;
}

export const historyApi = {
  search: (siteKey: string, filters: HistoryFilters, next?: string) =>
    get<HistoryPage>(`/api/v1/sites/${encodeURIComponent(siteKey)}/conversations?${historyQuery(filters, next).toString()}`),
  conversation: (siteKey: string, id: string) => get<HistoryConversation>(`/api/v1/sites/${encodeURIComponent(siteKey)}/conversations/${encodeURIComponent(id)}`),
  transcriptUrl: (siteKey: string, id: string) => `/api/v1/sites/${encodeURIComponent(siteKey)}/conversations/${encodeURIComponent(id)}/transcript`,
};
