/**
 * Internal notes: an agent's words about a conversation for the team, kept in the conversation's
 * message stream (so history, hand-overs and the archive carry them) with `kind: 'note'`, and
 * told by their own event, `note.created`, never `message.created`: nothing that serves the
 * visitor (their sockets, transcripts, answer emails), the KPIs or webhooks listens to it.
 */
import { createError } from '../../shared/errors';
import type { ConversationId } from '../../shared/ids';
import type { NoteAdded } from '../../shared/protocol';
import type { AgentView } from '../../shared/schemas';
import type { Store } from '../store/store';
import type { DomainEvents, EventOrigin } from './events';
import { checkMessageText } from './message-text';

/** Leads and admins oversee every conversation of their site; a plain agent notes only what they hold. */
export const mayOversee = (agent: AgentView) => agent.role === 'lead' || agent.role === 'admin';

export type NoteService = ReturnType<typeof createNoteService>;

export function createNoteService({ store, events, now = Date.now }: { store: Store; events: DomainEvents; now?: () => number }) {
  return {
    async addNote(agent: AgentView, input: { conversationId: ConversationId; clientId: string; text: string }, origin: EventOrigin = {}): Promise<NoteAdded> {
      const text = checkMessageText(input.text);
      const conversation = await store.getConversation(agent.siteKey, input.conversationId);
      if (!conversation) throw createError('CONVERSATION_NOT_FOUND', { conversationId: input.conversationId });
      // Checked before the store's duplicate lookup, as for messages: a client id read back is no way in.
      if (conversation.assignedAgentId !== agent.id && !mayOversee(agent)) {
        throw createError('CONVERSATION_NOT_ASSIGNED_TO_YOU', { conversationId: input.conversationId });
      }
      const { message, duplicate } = await store.appendMessage({
        siteKey: agent.siteKey,
        conversationId: conversation.id,
        clientId: input.clientId,
        author: 'agent',
        agentId: agent.id,
        agentName: agent.name,
        kind: 'note',
        text,
        now: now(),
      });
      if (!duplicate) await events.emit('note.created', agent.siteKey, { conversation, message, byAgentId: agent.id }, origin);
      return { message, duplicate };
    },
  };
}
