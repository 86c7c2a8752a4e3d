/**
 * One view per audience (STYLE.md rule 17). The stored record carries everything the team needs;
 * what leaves the server is projected here, by allow-list, so a field added to the record reaches
 * nobody until it is added to a view on purpose.
 */
import type { ConversationView, MessageView, VisitorConversationView } from '../../shared/protocol';

/** The fields of a conversation a visitor may see: nothing about routing, transfers, notes, agents' ids or their IP. */
export const VISITOR_CONVERSATION_FIELDS = [
  'id',
  'status',
  'queue',
  'createdAt',
  'queuedAt',
  'leftMessage',
  'assignedAgentName',
  'assignedAt',
  'resolvedAt',
  'reopenedAt',
  'abandonedAt',
  'rating',
] as const satisfies readonly (keyof VisitorConversationView)[];

/** What the visitor's widget is told about their conversation. */
export function toVisitorConversation(conversation: ConversationView): VisitorConversationView {
  const view: Record<string, unknown> = {};
  for (const field of VISITOR_CONVERSATION_FIELDS) if (conversation[field] !== undefined) view[field] = conversation[field];
  return view as unknown as VisitorConversationView;
}

/**
 * What agents, the console and webhooks are told: today the whole record, kept as its own seam so
 * that a field meant for the store alone never leaves it.
 */
export function toAgentConversation(conversation: ConversationView): ConversationView {
  return conversation;
}

/**
 * The messages a visitor may be shown (their widget, transcript and answer emails), in order:
 * every one but the agents' internal notes (`kind: 'note'`, server/domain/notes.ts).
 */
export function visitorMessages<T extends Pick<MessageView, 'kind'>>(messages: T[]): T[] {
  return messages.filter((m) => m.kind !== 'note');
}
