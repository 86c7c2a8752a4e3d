/**
 * The team now, for the console: every agent's presence, load and skills (the candidates of a
 * hand-over), and for leads and admins each one's conversations and every waiting conversation
 * (the lead's view). Read from the live store only: presence, assignments and queues.
 *
 * Who is "every agent": each one with a presence record (anyone who has connected once) and anyone
 * holding a conversation. An agent who never connected cannot be given a conversation anyway.
 */
import type { AgentId, ConversationId } from '../../shared/ids';
import { QUEUE_SNAPSHOT_LIMIT } from '../../shared/limits';
import type { ConversationView, TeamConversation, TeamMember, TeamSnapshot } from '../../shared/protocol';
import { QUEUES } from '../../shared/queues';
import type { AgentView } from '../../shared/schemas';
import type { Store } from '../store/store';
import { agentActor, type AuditLog } from './audit';
import type { DomainEvents, EventOrigin } from './events';
import { reassignConversation } from './hand-over';
import { mayOversee } from './notes';

export type TeamService = ReturnType<typeof createTeamService>;

const toTeamConversation = (c: ConversationView): TeamConversation => ({
  id: c.id,
  queue: c.queue,
  preview: c.preview,
  ...(c.assignedAt !== undefined ? { assignedAt: c.assignedAt } : {}),
  ...(c.visitor ? { visitor: c.visitor } : {}),
});

export function createTeamService({ store, events, audit, now = Date.now }: { store: Store; events: DomainEvents; audit: AuditLog; now?: () => number }) {
  return {
    /** What `viewer` may see of the team: a plain agent the roster, a lead or admin everything. */
    async snapshot(viewer: AgentView): Promise<TeamSnapshot> {
      const { siteKey } = viewer;
      const full = mayOversee(viewer);
      const [presence, loads, assignments] = await Promise.all([store.listPresence(siteKey), store.agentLoads(siteKey), store.listAssignments(siteKey)]);
      const ids = [...new Set<AgentId>([...Object.keys(presence), ...Object.values(assignments)])];
      const at = now();
      const agents = (await Promise.all(ids.map((id) => store.getAgent(siteKey, id)))).filter((a) => a !== null && !a.disabled);
      const members: TeamMember[] = await Promise.all(
        agents.map(async (agent) => {
          const p = presence[agent!.id];
          const member: TeamMember = {
            id: agent!.id,
            name: agent!.name,
            role: agent!.role,
            skills: agent!.skills,
            capacity: agent!.capacity,
            load: loads[agent!.id] ?? 0,
            presence: p && p.deadline >= at ? p.status : 'offline',
          };
          if (full) member.conversations = (await store.listAgentConversations(siteKey, agent!.id)).map(toTeamConversation);
          return member;
        }),
      );
      members.sort((a, b) => a.name.localeCompare(b.name));
      const waiting = full
        ? (await Promise.all(QUEUES.map((queue) => store.listQueue(siteKey, queue, QUEUE_SNAPSHOT_LIMIT))))
            .flatMap((q) => q.entries)
            .sort((a, b) => (a.queueOrder ?? a.queuedAt) - (b.queueOrder ?? b.queuedAt))
        : null;
      return { members, waiting, at };
    },

    /** A lead or admin gives a waiting or held conversation to a named agent (hand-over.ts checks it); the note goes to the audit log. */
    async reassign(lead: AgentView, input: { conversationId: ConversationId; agentId: AgentId; note: string }, origin: EventOrigin = {}) {
      const conversation = await reassignConversation({ store, events }, lead, input, now(), origin);
      await audit.record(lead.siteKey, agentActor(lead), 'conversation.reassign', conversation.id, { to: input.agentId, note: input.note.trim() });
      return conversation;
    },
  };
}
