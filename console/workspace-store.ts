/**
 * The console's state and how each server event changes it. Pure functions of (state, event),
 * so the same rules apply whether an event comes live or from a reload of the workspace.
 */
import { mergeMessages } from '../shared/message-list';
import type { AgentWorkspace, ConversationView, LastSeen, MessageSeen, MessageView, QueueEntry, QueueSnapshot, TeamSnapshot, WireError } from '../shared/protocol';
import type { QueueName } from '../shared/queues';
import type { AgentView, CannedReply } from '../shared/schemas';

export interface PendingReply {
  conversationId: string;
  clientId: string;
  text: string;
}

export type AgentPresence = 'online' | 'away' | 'offline';

export interface ConsoleState {
  /** Whether the socket to the server is up: "Connected", never to be read as the agent's availability. */
  connection: 'connecting' | 'online' | 'offline';
  /**
   * The agent's status as the server has it (online gets new conversations, away keeps theirs,
   * offline gives them back); null until the workspace has said it.
   */
  presence: AgentPresence | null;
  agent: AgentView;
  queues: QueueSnapshot[];
  /** This agent's conversations: open ones, and those resolved during this visit. */
  conversations: ConversationView[];
  messages: Record<string, MessageView[]>;
  pending: PendingReply[];
  selectedId: string | null;
  /** What a conversation of each queue can be resolved under, from the site's settings. */
  categories: Record<QueueName, string[]>;
  /** Whether the server emails answers to visitors who left; the console warns on left messages when not. */
  emailEnabled: boolean;
  /** The last refusal, shown until the next action. */
  error: WireError | null;
  /** Conversations whose visitor is writing now (never what). */
  typing: Record<string, boolean>;
  /** How far each side has read each conversation: "Seen" goes under the visitor's mark. */
  lastSeen: Record<string, LastSeen>;
  /** The site's canned replies (`/shortcut` in the composer) and its name for `{{site.name}}`. */
  cannedReplies: CannedReply[];
  siteName: string;
  /** Leads and admins: the team now, live (`team:updated`); null until loaded. */
  team: TeamSnapshot | null;
}

export function initialState(agent: AgentView): ConsoleState {
  return {
    connection: 'connecting',
    presence: null,
    agent,
    queues: agent.skills.map((queue) => ({ queue, count: 0, entries: [] })),
    conversations: [],
    messages: {},
    pending: [],
    selectedId: null,
    categories: { service: [], support: [] },
    // Until the workspace says otherwise: no warning flashes on a server that does send email.
    emailEnabled: true,
    error: null,
    typing: {},
    lastSeen: {},
    cannedReplies: [],
    siteName: '',
    team: null,
  };
}

const upsert = (list: ConversationView[], c: ConversationView) =>
  list.some((x) => x.id === c.id) ? list.map((x) => (x.id === c.id ? c : x)) : [...list, c];

export function applyWorkspace(state: ConsoleState, ws: AgentWorkspace): Partial<ConsoleState> {
  const open = new Set(ws.conversations.map((c) => c.id));
  const endedHere = state.conversations.filter((c) => !open.has(c.id) && c.status === 'resolved');
  return {
    agent: ws.agent,
    queues: ws.queues,
    conversations: [...ws.conversations, ...endedHere],
    categories: ws.categories,
    emailEnabled: ws.email.enabled,
    selectedId: state.selectedId ?? ws.conversations[0]?.id ?? null,
    lastSeen: { ...state.lastSeen, ...ws.lastSeen },
    presence: ws.presence,
  };
}

const updateQueue = (state: ConsoleState, queue: QueueName, change: (q: QueueSnapshot) => QueueSnapshot) =>
  state.queues.map((q) => (q.queue === queue ? change(q) : q));

const orderOf = (entry: QueueEntry) => entry.queueOrder ?? entry.queuedAt;

export function applyQueueEntered(state: ConsoleState, entry: QueueEntry, count: number): Partial<ConsoleState> {
  return {
    queues: updateQueue(state, entry.queue, (q) => ({
      ...q,
      count,
      // In the order the queue serves them: a priority customer, a reopened or handed-back chat goes ahead of older ones.
      entries: [...q.entries.filter((e) => e.conversationId !== entry.conversationId), entry].sort((a, b) => orderOf(a) - orderOf(b)),
    })),
  };
}

export function applyQueueLeft(state: ConsoleState, left: { conversationId: string; queue: QueueName }, count: number): Partial<ConsoleState> {
  return {
    queues: updateQueue(state, left.queue, (q) => ({ ...q, count, entries: q.entries.filter((e) => e.conversationId !== left.conversationId) })),
  };
}

export function applyTaken(state: ConsoleState, conversation: ConversationView, messages: MessageView[], lastSeen?: LastSeen): Partial<ConsoleState> {
  return {
    ...(lastSeen ? { lastSeen: { ...state.lastSeen, [conversation.id]: lastSeen } } : {}),
    // The exact count follows in the `queue:left` broadcast; the entry goes at once.
    queues: updateQueue(state, conversation.queue, (q) => ({ ...q, entries: q.entries.filter((e) => e.conversationId !== conversation.id) })),
    conversations: upsert(state.conversations, conversation),
    messages: { ...state.messages, [conversation.id]: mergeMessages(state.messages[conversation.id] ?? [], messages) },
    selectedId: conversation.id,
    error: null,
  };
}

export function applyMessages(state: ConsoleState, conversationId: string, messages: MessageView[]): Partial<ConsoleState> {
  return { messages: { ...state.messages, [conversationId]: mergeMessages(state.messages[conversationId] ?? [], messages) } };
}

/** The agent handed it to the other queue: it is no longer theirs. */
export function applyHandedOver(state: ConsoleState, conversationId: string): Partial<ConsoleState> {
  return {
    conversations: state.conversations.filter((c) => c.id !== conversationId),
    selectedId: state.selectedId === conversationId ? null : state.selectedId,
    error: null,
  };
}

export function applyConversation(state: ConsoleState, conversation: ConversationView): Partial<ConsoleState> {
  if (conversation.assignedAgentId === state.agent.id || (conversation.status === 'resolved' && state.conversations.some((c) => c.id === conversation.id))) {
    return { conversations: upsert(state.conversations, conversation) };
  }
  // Given back (handed back, transferred, swept while away): no longer this agent's.
  if (state.conversations.some((c) => c.id === conversation.id)) return applyHandedOver(state, conversation.id);
  return {};
}

/** Open conversations held, for the "2 / 3" the header shows. */
export function openCount(state: ConsoleState): number {
  return state.conversations.filter((c) => c.status === 'active').length;
}

/** The visitor started or stopped writing in a conversation. */
export function applyTyping(state: ConsoleState, conversationId: string, typing: boolean): Partial<ConsoleState> {
  return { typing: { ...state.typing, [conversationId]: typing } };
}

/** One side has read a conversation further. */
export function applySeen(state: ConsoleState, { conversationId, by, lastSeenId }: MessageSeen): Partial<ConsoleState> {
  return { lastSeen: { ...state.lastSeen, [conversationId]: { ...state.lastSeen[conversationId], [by]: lastSeenId } } };
}
