/**
 * Settings › Audit log: who changed what and when, newest first, filtered by actor, action and date.
 * The REST filters by `limit` only today: the page asks for the newest 1000 and filters those here
 * (a server-side filter, when the REST gains one, can be passed through `settingsApi().audit`).
 */
import { useEffect, useMemo, useState } from 'preact/hooks';
import type { WireError } from '../../shared/protocol';
import type { SettingsPageProps } from './sections';
import { settingsApi, wireErrorOf, type AuditEntryView } from './settings-api';

const LIMIT = '1000';

/** `agent:ag_1 ada@shop.example` → `ada@shop.example`; `operator` and `system` as they are. */
const actorName = (actor: string) => actor.replace(/^agent:\S+\s/, '');

export default function AuditPage({ agent }: SettingsPageProps) {
  const api = settingsApi(agent.siteKey);
  const [entries, setEntries] = useState<AuditEntryView[] | null>(null);
  const [error, setError] = useState<WireError | null>(null);
  const [actor, setActor] = useState('');
  const [action, setAction] = useState('');
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');

  useEffect(() => {
    api.audit({ limit: LIMIT }).then((r) => setEntries(r.entries), (e) => setError(wireErrorOf(e)));
  }, [agent.siteKey]);

  const actions = useMemo(() => [...new Set((entries ?? []).map((e) => e.action))].sort(), [entries]);
  const shown = useMemo(() => {
    const fromMs = from ? new Date(`${from}T00:00:00`).getTime() : -Infinity;
    const toMs = to ? new Date(`${to}T00:00:00`).getTime() + 86_400_000 : Infinity;
    const who = actor.trim().toLowerCase();
    return (entries ?? []).filter((e) => (!who || e.actor.toLowerCase().includes(who)) && (!action || e.action === action) && e.at >= fromMs && e.at < toMs);
  }, [entries, actor, action, from, to]);

  if (error) return <p class="error" role="alert">{error.message}</p>;
  if (!entries) return <p class="loading">Loading…</p>;
  return (
    <div>
      <form class="filters" aria-label="Filter the audit log" onSubmit={(e) => e.preventDefault()}>
        <label>
          Who
          <input type="text" value={actor} placeholder="email, operator, system" onInput={(e) => setActor((e.target as HTMLInputElement).value)} />
        </label>
        <label>
          Action
          <select value={action} onChange={(e) => setAction((e.target as HTMLSelectElement).value)}>
            <option value="">Any</option>
            {actions.map((a) => (
              <option key={a} value={a}>
                {a}
              </option>
            ))}
          </select>
        </label>
        <label>
          From
          <input type="date" value={from} onInput={(e) => setFrom((e.target as HTMLInputElement).value)} />
        </label>
        <label>
          To
          <input type="date" value={to} onInput={(e) => setTo((e.target as HTMLInputElement).value)} />
        </label>
      </form>
      <p role="status" class="hint">
        {shown.length} of the newest {entries.length} entries
      </p>
      <table class="data-table">
        <thead>
          <tr>
            <th scope="col">When</th>
            <th scope="col">Who</th>
            <th scope="col">Action</th>
            <th scope="col">On</th>
            <th scope="col">Details</th>
          </tr>
        </thead>
        <tbody>
          {shown.map((e, i) => (
            <tr key={`${e.at}-${i}`}>
              <td>{new Date(e.at).toLocaleString()}</td>
              <td title={e.actor}>{actorName(e.actor)}</td>
              <td>
                <code>{e.action}</code>
              </td>
              <td>{e.target}</td>
              <td>
                <code class="details">{e.details ? JSON.stringify(e.details) : ''}</code>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
