/**
 * The lead's view (roles `lead` and `admin`): every agent's presence, open chats and capacity, and
 * every waiting conversation, live (`team:updated`), with a reassign control on each conversation
 * (waiting or held) that lists the agents who could take it now.
 */
import { useEffect, useState } from 'preact/hooks';
import type { QueueEntry, TeamConversation, TeamMember, TeamSnapshot } from '../../shared/protocol';
import type { QueueName } from '../../shared/queues';
import { unavailableBecause } from '../components/transfer-dialog';
import { CannedRepliesManager } from '../components/canned-replies-manager';
import type { CannedReply } from '../../shared/schemas';

export interface TeamViewProps {
  team: TeamSnapshot | null;
  loadTeam(): Promise<TeamSnapshot | null>;
  reassign(conversationId: string, agentId: string): Promise<boolean>;
  siteKey: string;
  /** The canned replies changed in the manager: the composer offers them at once. */
  onCannedChanged?(replies: CannedReply[]): void;
}

const since = (at: number | undefined, now: number) => {
  if (at === undefined) return '';
  const minutes = Math.max(0, Math.round((now - at) / 60_000));
  return minutes < 1 ? 'just now' : `${minutes} min`;
};
const who = (c: { visitor?: { name?: string; email?: string } | undefined }) => c.visitor?.name ?? c.visitor?.email ?? 'Visitor';

function Reassign({ conversationId, queue, members, holderId, reassign }: { conversationId: string; queue: QueueName; members: TeamMember[]; holderId?: string; reassign: TeamViewProps['reassign'] }) {
  const [to, setTo] = useState('');
  const able = members.filter((m) => m.id !== holderId && unavailableBecause(m, queue) === null);
  return (
    <form
      class="reassign"
      onSubmit={(e) => {
        e.preventDefault();
        if (to) void reassign(conversationId, to).then((ok) => ok && setTo(''));
      }}
    >
      <select aria-label="Reassign to" value={to} onChange={(e) => setTo((e.target as HTMLSelectElement).value)}>
        <option value="">Reassign to…</option>
        {able.map((m) => (
          <option key={m.id} value={m.id}>
            {m.name} ({m.load}/{m.capacity})
          </option>
        ))}
      </select>
      <button type="submit" disabled={!to}>
        Reassign
      </button>
    </form>
  );
}

export function TeamView({ team, loadTeam, reassign, siteKey, onCannedChanged }: TeamViewProps) {
  useEffect(() => {
    void loadTeam();
  }, []);
  if (!team) return <p class="placeholder">Loading the team…</p>;
  const now = Date.now();
  const members = team.members;
  return (
    <section class="team-view" aria-label="Team">
      <h2>Team</h2>
      <table class="team">
        <caption class="muted">Every agent of the site, live</caption>
        <thead>
          <tr>
            <th scope="col">Agent</th>
            <th scope="col">Status</th>
            <th scope="col">Load</th>
            <th scope="col">Skills</th>
            <th scope="col">Conversations</th>
          </tr>
        </thead>
        <tbody>
          {members.map((m) => (
            <tr key={m.id} data-agent={m.name}>
              <th scope="row">
                {m.name}
                {m.role !== 'agent' && <span class="muted"> · {m.role}</span>}
              </th>
              <td>
                <span class={`presence-dot ${m.presence}`}>{m.presence}</span>
              </td>
              <td class="load">
                {m.load}/{m.capacity}
              </td>
              <td>{m.skills.join(' & ')}</td>
              <td>
                {(m.conversations ?? []).length === 0 ? (
                  <span class="muted">none</span>
                ) : (
                  <ul class="held">
                    {(m.conversations ?? []).map((c: TeamConversation) => (
                      <li key={c.id}>
                        <span>
                          {who(c)}: {c.preview} <span class="muted">({c.queue}, {since(c.assignedAt, now)})</span>
                        </span>
                        <Reassign conversationId={c.id} queue={c.queue} members={members} holderId={m.id} reassign={reassign} />
                      </li>
                    ))}
                  </ul>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <h2>
        Waiting <span class="count">{team.waiting?.length ?? 0}</span>
      </h2>
      {(team.waiting ?? []).length === 0 ? (
        <p class="empty">Nobody is waiting.</p>
      ) : (
        <ul class="waiting-all" aria-label="Waiting conversations">
          {(team.waiting ?? []).map((w: QueueEntry) => (
            <li key={w.conversationId} class="waiting">
              <p class="preview">{w.preview}</p>
              <p class="meta">
                {who(w)} · {w.queue} · waiting {since(w.queuedAt, now)}
              </p>
              <Reassign conversationId={w.conversationId} queue={w.queue} members={members} reassign={reassign} />
            </li>
          ))}
        </ul>
      )}
      <CannedRepliesManager siteKey={siteKey} {...(onCannedChanged ? { onChanged: onCannedChanged } : {})} />
    </section>
  );
}
