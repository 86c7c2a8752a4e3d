/**
 * One view per audience (STYLE.md rule 17). The stored record carries everything the team needs;
 * what leaves the server is projected here, by allow-list, so a field added to the record reaches
 * nobody until it is added to a view on purpose.
 */
import type { Attachment, ConversationView, MessageView, VisitorConversationView } from '../../shared/protocol';

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

/** The fields of a message a visitor may see (an agent's internal note, when there are some, is never one). */
export const VISITOR_MESSAGE_FIELDS = ['id', 'conversationId', 'clientId', 'author', 'agentName', 'text', 'createdAt', 'attachment'] as const satisfies readonly (keyof MessageView)[];

/** The fields of an attachment a visitor may see: all it has, and the link minted for them. */
export const VISITOR_ATTACHMENT_FIELDS = ['id', 'name', 'size', 'type', 'width', 'height', 'url'] as const satisfies readonly (keyof Attachment)[];

/** Mints the signed link a visitor opens one file of one of their conversations with. */
export type VisitorFileLink = (conversationId: string, fileId: string) => string;

/** A message as a visitor is sent it; an attachment gets a link minted for the visitor when `linkFor` is given. */
export function toVisitorMessage(message: MessageView, linkFor?: VisitorFileLink): MessageView {
  const view: Record<string, unknown> = {};
  for (const field of VISITOR_MESSAGE_FIELDS) if (message[field] !== undefined && field !== 'attachment') view[field] = message[field];
  if (message.attachment) {
    const attachment: Record<string, unknown> = {};
    for (const field of VISITOR_ATTACHMENT_FIELDS) if (message.attachment[field] !== undefined && field !== 'url') attachment[field] = message.attachment[field];
    if (linkFor) attachment.url = linkFor(message.conversationId, message.attachment.id);
    view.attachment = attachment;
  }
  return view as unknown as MessageView;
}
