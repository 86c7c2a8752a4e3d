/** The widget's state, read by screens through `useStore(store, selector)`. */
import type { LastSeen, MessageView, QueuePosition, SiteInfo, VisitorConversationView, WireError } from '../../shared/protocol';
import type { QueueName } from '../../shared/queues';
import type { SystemLine } from './signals';
import type { PendingMessage } from './storage';

export interface WidgetState {
  /** 'refused': the server will not take this page's visitors (origin not allowed, unknown site), for good. */
  connection: 'connecting' | 'online' | 'offline' | 'refused';
  /** Why the connection was refused: the only thing the window shows then. */
  refusal?: WireError;
  /** Known after the first session answer. */
  site: SiteInfo | null;
  /** The visitor's answer to the topic question, before the first message. */
  topic: QueueName | null;
  conversation: VisitorConversationView | null;
  /** Stored messages, oldest first, each once. */
  messages: MessageView[];
  /** Sent but not yet acked. */
  pending: PendingMessage[];
  /** Where the visitor stands while waiting. */
  position: QueuePosition | null;
  /** The conversation whose end-of-chat survey the visitor skipped or answered. */
  surveyDone: string | null;
  /** Refused by the server, shown with the reason. */
  refused: { message: PendingMessage; error: WireError }[];
  /** The agent is writing: shown until they stop, or TYPING_SHOWN_FOR_MS without a new signal. */
  agentTyping: boolean;
  /** How far each side has read the conversation: "Seen" goes under the agent's mark. */
  lastSeen: LastSeen;
  /** What happened to the conversation (joined, transferred, back in the queue), between the messages. */
  lines: SystemLine[];
  /** The visitor answered or skipped the pre-chat form, or the page identified them: it shows no more. */
  prechatDone?: boolean;
  /** Files on their way to the server, with how much of each has gone (0–1). */
  uploads?: { id: string; name: string; done: number }[];
}

/**
 * The ended conversation a reply would continue (the server reopens it within the site's window;
 * past it, the reply starts a new conversation anyway), or null.
 */
export function reopenable(state: Pick<WidgetState, 'conversation' | 'site'>, now = Date.now()): VisitorConversationView | null {
  const { conversation, site } = state;
  if (conversation?.status !== 'resolved' || conversation.resolvedAt === undefined || !site?.reopenWithinMinutes) return null;
  return now - conversation.resolvedAt < site.reopenWithinMinutes * 60_000 ? conversation : null;
}
