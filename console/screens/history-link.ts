/**
 * Links into History: `#history?visitor=…` opens it filtered to one visitor's conversations (the
 * visitor panel's "previous conversations"), `#history?email=…` to one email's, `#history?q=…` to a
 * search. The History screen reads the same hash back, so a link and a reload show the same list.
 */
export interface HistoryFilters {
  q?: string;
  /** YYYY-MM-DD, the first day included. */
  from?: string;
  /** YYYY-MM-DD, the last day included. */
  to?: string;
  queue?: 'service' | 'support';
  category?: string;
  agent?: string;
  visitor?: string;
  email?: string;
  status?: 'resolved' | 'abandoned';
}

const KEYS = ['q', 'from', 'to', 'queue', 'category', 'agent', 'visitor', 'email', 'status'] as const;

/** @example historyHref({ visitor: 'v_123' }) // "#history?visitor=v_123" */
export function historyHref(filters: HistoryFilters): string {
  const params = new URLSearchParams();
  for (const key of KEYS) {
    const value = filters[key];
    if (value) params.set(key, value);
  }
  const query = params.toString();
  return query ? `#history?${query}` : '#history';
}

export function isHistoryHash(hash: string): boolean {
  return hash === '#history' || hash.startsWith('#history?');
}

/** The filters of a `#history?…` hash; unknown keys are ignored. */
export function parseHistoryHash(hash: string): HistoryFilters {
  const params = new URLSearchParams(hash.replace(/^#history\??/, ''));
  const filters: Record<string, string> = {};
  for (const key of KEYS) {
    const value = params.get(key);
    if (value) filters[key] = value;
  }
  return filters as HistoryFilters;
}
