/**
 * The store speaks the domain: one interface, implemented by RedisStore (production) and
 * MemoryStore (the embedded default), both held to `test/contract/store.contract.ts`.
 * Every method that changes more than one record does so atomically.
 */
import type { AgentId, ClientMessageId, ConversationId, MessageId, SiteKey, VisitorId } from '../../shared/ids';
import type { ConversationView, MessageAuthor, MessageView, QueueEntry, RoutingDecision } from '../../shared/protocol';
import type { QueueName } from '../../shared/queues';

export interface Site {
  key: SiteKey;
  name: string;
  /** Exact origins (`https://shop.example`) whose pages may embed the widget. */
  origins: string[];
  createdAt: number;
}

export interface Agent {
  id: AgentId;
  siteKey: SiteKey;
  email: string;
  name: string;
  skills: QueueName[];
  /** `scrypt$N$r$p$salt$hash`, from `server/domain/passwords.ts`. */
  passwordHash: string;
  createdAt: number;
}

export interface AgentSession {
  token: string;
  agentId: AgentId;
  siteKey: SiteKey;
  expiresAt: number;
}

export type Conversation = ConversationView;

export interface NewConversation {
  id: ConversationId;
  siteKey: SiteKey;
  visitorId: VisitorId;
  routing: RoutingDecision;
  preview: string;
  now: number;
  firstMessage: { clientId: ClientMessageId; text: string };
}

export interface NewMessage {
  siteKey: SiteKey;
  conversationId: ConversationId;
  clientId: ClientMessageId;
  author: MessageAuthor;
  /** For agent messages: only the assigned agent may write. */
  agentId?: AgentId;
  agentName?: string;
  text: string;
  now: number;
}

export interface AppendResult {
  message: MessageView;
  /** The client id was already stored; `message` is the earlier one and nothing changed. */
  duplicate: boolean;
}

export interface Store {
  /** Answers when the backing service is reachable; throws otherwise. */
  ping(): Promise<void>;
  close(): Promise<void>;

  createSite(site: Site): Promise<Site>;
  getSite(key: SiteKey): Promise<Site | null>;

  /** Fails with AGENT_EMAIL_TAKEN when the email is in use (emails are unique across sites). */
  createAgent(agent: Agent): Promise<Agent>;
  getAgent(siteKey: SiteKey, id: AgentId): Promise<Agent | null>;
  findAgentByEmail(email: string): Promise<Agent | null>;

  createSession(session: AgentSession): Promise<void>;
  /** Null when unknown or past `expiresAt`. */
  getSession(token: string, now: number): Promise<AgentSession | null>;
  deleteSession(token: string): Promise<void>;

  /**
   * Creates a waiting conversation with its first message and puts it at the back of its queue,
   * atomically. Fails with CONVERSATION_ALREADY_OPEN (details.conversationId) when the visitor
   * already has an open conversation on the site.
   */
  createConversation(input: NewConversation): Promise<{ conversation: Conversation; message: MessageView }>;
  getConversation(siteKey: SiteKey, id: ConversationId): Promise<Conversation | null>;
  /** The visitor's waiting or active conversation on this site, if any. */
  getOpenConversation(siteKey: SiteKey, visitorId: VisitorId): Promise<Conversation | null>;

  /**
   * Appends a message unless its client id is already stored in this conversation, in which case
   * the stored one is returned with `duplicate: true`. Fails with CONVERSATION_NOT_FOUND,
   * CONVERSATION_NOT_ACTIVE (resolved), or CONVERSATION_NOT_ASSIGNED_TO_YOU for an agent who
   * does not hold it.
   */
  appendMessage(input: NewMessage): Promise<AppendResult>;
  /** Messages stored after `afterId` (from the start when absent), oldest first, at most `limit`. */
  messagesAfter(siteKey: SiteKey, id: ConversationId, afterId: MessageId | undefined, limit: number): Promise<MessageView[]>;

  /**
   * Takes a waiting conversation for an agent, atomically: exactly one of several agents racing
   * wins; the others get CONVERSATION_NOT_WAITING. CONVERSATION_NOT_FOUND when it does not exist.
   */
  claimConversation(input: {
    siteKey: SiteKey;
    conversationId: ConversationId;
    agentId: AgentId;
    agentName: string;
    /** The agent's skills; a conversation in a queue outside them fails with SKILL_REQUIRED. */
    skills: QueueName[];
    now: number;
  }): Promise<Conversation>;
  /** Ends an active conversation held by this agent. */
  resolveConversation(input: {
    siteKey: SiteKey;
    conversationId: ConversationId;
    agentId: AgentId;
    now: number;
  }): Promise<Conversation>;

  /** Waiting conversations of one queue, oldest first, at most `limit`, with the exact count. */
  listQueue(siteKey: SiteKey, queue: QueueName, limit: number): Promise<{ count: number; entries: QueueEntry[] }>;
  /** Active conversations assigned to the agent, oldest first. */
  listAgentConversations(siteKey: SiteKey, agentId: AgentId): Promise<Conversation[]>;
}
