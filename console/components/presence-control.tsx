/**
 * Two signals that must not be read as one: "Connected" (this page's socket to the server) and the
 * agent's Status (available to visitors or not), which shows what the server has, never an assumption.
 */
import type { AgentPresence, ConsoleState } from '../workspace-store';

const CONNECTION = { online: 'Connected', connecting: 'Connecting…', offline: 'Disconnected, reconnecting…' } as const;

export function PresenceControl({
  connection,
  presence,
  onChange,
}: {
  connection: ConsoleState['connection'];
  presence: AgentPresence | null;
  onChange(status: AgentPresence): void;
}) {
  return (
    <div class="presence-control">
      <span class={`conn ${connection}`} role="status" title="This page's connection to the server">
        {CONNECTION[connection]}
      </span>
      <label class={`presence ${presence ?? 'unknown'}`}>
        Status
        <select
          value={presence ?? ''}
          disabled={presence === null || connection !== 'online'}
          title="Whether visitors can reach you, as the server has it"
          onChange={(e) => onChange((e.target as HTMLSelectElement).value as AgentPresence)}
        >
          {presence === null && <option value="">…</option>}
          <option value="online">Available</option>
          <option value="away">Away</option>
          <option value="offline">Offline</option>
        </select>
      </label>
    </div>
  );
}
