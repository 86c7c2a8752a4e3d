/**
 * The dashboard's narrowing: a custom date range (UTC days), queue, agent (leads and admins only: a
 * plain agent's figures are their own, the server sees to it) and category; and the CSV of what is shown.
 */
import type { DashboardFilters } from '../dashboard-queries';

export interface DashboardFilterBarProps {
  filters: DashboardFilters;
  onChange(filters: DashboardFilters): void;
  /** The agents to filter by (id, name); empty for a plain agent, who sees only their own figures. */
  agents: { key: string; label: string }[];
  categories: string[];
  /** `/api/v1/metrics?…&format=csv` for the figures as filtered. */
  csvHref: string;
}

const without = <K extends keyof DashboardFilters>(filters: DashboardFilters, key: K, value: DashboardFilters[K] | '') => {
  const next = { ...filters };
  if (value) next[key] = value as DashboardFilters[K];
  else delete next[key];
  return next;
};

export function DashboardFilterBar({ filters, onChange, agents, categories, csvHref }: DashboardFilterBarProps) {
  const input = (e: Event) => (e.target as HTMLInputElement | HTMLSelectElement).value;
  return (
    <div class="dashboard-bar filters" role="group" aria-label="Filters">
      <label>
        From <input type="date" value={filters.fromDay ?? ''} onChange={(e) => onChange(without(filters, 'fromDay', input(e)))} />
      </label>
      <label>
        To <input type="date" value={filters.toDay ?? ''} onChange={(e) => onChange(without(filters, 'toDay', input(e)))} />
      </label>
      <label>
        Queue{' '}
        <select value={filters.queue ?? ''} onChange={(e) => onChange(without(filters, 'queue', input(e) as DashboardFilters['queue'] | ''))}>
          <option value="">Both</option>
          <option value="service">Service</option>
          <option value="support">Support</option>
        </select>
      </label>
      {agents.length > 0 && (
        <label>
          Agent{' '}
          <select value={filters.agent ?? ''} onChange={(e) => onChange(without(filters, 'agent', input(e)))}>
            <option value="">Everyone</option>
            {agents.map((a) => (
              <option key={a.key} value={a.key}>
                {a.label}
              </option>
            ))}
          </select>
        </label>
      )}
      <label>
        Category{' '}
        <select value={filters.category ?? ''} onChange={(e) => onChange(without(filters, 'category', input(e)))}>
          <option value="">All</option>
          {categories.map((c) => (
            <option key={c} value={c}>
              {c}
            </option>
          ))}
        </select>
      </label>
      {filters.fromDay && filters.toDay && <span class="muted">Custom range (whole UTC days) in place of the Range above</span>}
      <a class="csv" href={csvHref} download>
        Download CSV
      </a>
    </div>
  );
}
