/**
 * Transfer a conversation: to the other queue, or to a named agent who is online with room and the
 * skill (each candidate shown with skills, load "2/5" and presence; the others greyed with why), with
 * a note for whoever gets it. The server checks again and refuses with a code (shown by the console).
 */
import { useEffect, useState } from 'preact/hooks';
import type { ConversationView, TeamMember, TeamSnapshot } from '../../shared/protocol';
import type { QueueName } from '../../shared/queues';

export interface TransferDialogProps {
  conversation: ConversationView;
  /** Who is transferring: left out of the candidates. */
  meId: string;
  loadTeam(): Promise<TeamSnapshot | null>;
  onTransferQueue(queue: QueueName, note: string): void;
  onHandOver(agentId: string, note: string): void;
  onClose(): void;
}

const OTHER_QUEUE: Record<QueueName, QueueName> = { service: 'support', support: 'service' };

/** Why this member cannot take the conversation now, or null when they can. */
export function unavailableBecause(member: TeamMember, queue: QueueName): string | null {
  if (member.presence !== 'online') return member.presence;
  if (!member.skills.includes(queue)) return `no ${queue} skill`;
  if (member.load >= member.capacity) return 'full';
  return null;
}

export function TransferDialog({ conversation, meId, loadTeam, onTransferQueue, onHandOver, onClose }: TransferDialogProps) {
  const [note, setNote] = useState('');
  const [team, setTeam] = useState<TeamSnapshot | null>(null);
  useEffect(() => {
    void loadTeam().then(setTeam);
  }, [conversation.id]);
  const other = OTHER_QUEUE[conversation.queue];
  const members = (team?.members ?? []).filter((m) => m.id !== meId);
  return (
    <section class="transfer-form" role="dialog" aria-label="Transfer the conversation" onKeyDown={(e) => e.key === 'Escape' && onClose()}>
      <label>
        Transfer note
        <input type="text" maxLength={500} value={note} autoFocus data-shortcut-field="transfer" placeholder="What the next agent should know" onInput={(e) => setNote((e.target as HTMLInputElement).value)}
          // Enter sends it to the other queue, the first choice, so the keyboard alone can transfer.
          onKeyDown={(e) => {
            if (e.key === 'Enter' && !e.isComposing) {
              e.preventDefault();
              onTransferQueue(other, note);
            }
          }}
        />
      </label>
      <div class="transfer-targets">
        <button type="button" onClick={() => onTransferQueue(other, note)}>
          To the {other} queue
        </button>
        {team === null ? (
          <p class="muted">Loading the team…</p>
        ) : members.length === 0 ? (
          <p class="muted">No colleague has connected yet.</p>
        ) : (
          <ul class="candidates" aria-label="Agents">
            {members.map((m) => {
              const why = unavailableBecause(m, conversation.queue);
              return (
                <li key={m.id} class={why ? 'unavailable' : ''}>
                  <button type="button" disabled={why !== null} onClick={() => onHandOver(m.id, note)}>
                    <span class="name">
                      <span class="sr-only">Transfer to </span>
                      {m.name}
                    </span>
                    <span class={`presence-dot ${m.presence}`}>{m.presence}</span>
                    <span class="load" title="open conversations / capacity">
                      {m.load}/{m.capacity}
                    </span>
                    <span class="skills">{m.skills.join(' & ')}</span>
                    {why && <span class="why">{why}</span>}
                  </button>
                </li>
              );
            })}
          </ul>
        )}
      </div>
      <button type="button" class="secondary" onClick={onClose}>
        Cancel
      </button>
    </section>
  );
}
