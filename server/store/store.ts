/**
 * The store speaks the domain: one interface, implemented by RedisStore (production) and
 * MemoryStore (the embedded default), both held to `test/contract/store.contract.ts`.
 * Every method that changes more than one record does so atomically.
 */
import type { AgentId, ClientMessageId, ConversationId, MessageId, SiteKey, VisitorId } from '../../shared/ids';
import type { Attachment, ConversationRating, ConversationView, MessageAuthor, MessageView, QueueEntry, RoutingDecision, VisitorContext, VisitorIdentity } from '../../shared/protocol';
import type { LastSeen, SeenBy } from '../../shared/protocol';
import type { QueueName } from '../../shared/queues';
import type { AgentRole, CannedReply, SiteSettings, WebhookDelivery, WebhookEventType } from '../../shared/schemas';

/** Transfers kept per site as routing corrections; older ones are dropped first. */
export const ROUTING_CORRECTIONS_KEPT = 10_000;

/** Raw KPI events kept per site (a capped stream); older ones are dropped first. */
export const KPI_EVENTS_KEPT = 200_000;
/** Hourly KPI aggregates are kept this long after their hour (ms): 93 days. */
export const KPI_HOURS_KEPT_MS = 93 * 86_400_000;
/** Daily and weekly KPI aggregates are kept this long after their day or week (ms): 400 days, so a one-year range is whole. */
export const KPI_DAYS_KEPT_MS = 400 * 86_400_000;

/**
 * Aggregates are split so that a report reads only the fields it sums: `site` holds the site and
 * queue dimensions (`*`, `q:`), `agent` each agent's (`a:`), `agentQueue` each agent's within one
 * queue (`qa:`), and the resolve categories the same way: alone (`c:`), within a queue (`qc:`), of
 * an agent (`ac:`), of an agent within a queue (`qac:`). Histograms make the category and agent
 * dimensions wide, so each gets its own hashes.
 */
export const KPI_SCOPES = ['site', 'agent', 'agentQueue', 'category', 'queueCategory', 'agentCategory', 'agentQueueCategory'] as const;
export type KpiScope = (typeof KPI_SCOPES)[number];

/**
 * The spans aggregates are kept for: UTC hours, UTC days, and UTC weeks from Monday, so that a
 * month's report reads four or five week buckets rather than thirty day buckets.
 */
export type KpiUnit = 'hour' | 'day' | 'week';

const UNIT_MS = { hour: 3_600_000, day: 86_400_000, week: 7 * 86_400_000 } as const;
/** 1970-01-01 was a Thursday: weeks are counted from Monday 1969-12-29. */
const WEEK_OFFSET_MS = 3 * 86_400_000;

/** The index of the bucket of `unit` that holds the time `at` (ms since the epoch). */
export function kpiBucketIndex(unit: KpiUnit, at: number): number {
  return Math.floor((unit === 'week' ? at + WEEK_OFFSET_MS : at) / UNIT_MS[unit]);
}

/** When bucket `index` of `unit` starts (ms since the epoch); its end is the start of `index + 1`. */
export function kpiBucketStart(unit: KpiUnit, index: number): number {
  return index * UNIT_MS[unit] - (unit === 'week' ? WEEK_OFFSET_MS : 0);
}

/** One counter to add to in the hour, the day and the week of an event: `field` is `<dimension>|<metric>`. */
export interface KpiIncrement {
  scope: KpiScope;
  field: string;
  by: number;
  /** Only when the event is the conversation's first of its kind (see `first` of recordKpiEvent). */
  firstOnly?: boolean;
}

/** One step of a conversation's life, as kept in the raw event stream. */
export type KpiEvent = { at: number; conversationId: ConversationId } & (
  | { type: 'created'; queue: QueueName; routedBy: RoutingDecision['by']; visitorId: VisitorId; repeat: boolean }
  | { type: 'rerouted'; from: QueueName; to: QueueName; routedBy: RoutingDecision['by'] }
  | { type: 'assigned'; queue: QueueName; agentId: AgentId; waitMs: number }
  | { type: 'first-reply'; queue: QueueName; agentId: AgentId; frtMs: number }
  | { type: 'transferred'; from: QueueName; to: QueueName; agentId: AgentId; routedQueue: QueueName }
  | {
      type: 'resolved';
      queue: QueueName;
      agentId: AgentId;
      handleMs: number;
      category?: string;
      /** With a category: what the conversation went through, for the category's figures. */
      summary?: { routedQueue: QueueName; repeat: boolean; waitMs?: number; frtMs?: number; transferredFrom?: QueueName };
    }
  | { type: 'reopened'; queue: QueueName; agentId: AgentId | null; afterMs: number; category?: string }
  | { type: 'abandoned'; queue: QueueName; waitedMs: number }
  | { type: 'rated'; queue: QueueName; agentId: AgentId | null; category?: string; csat?: number; ces?: number; nps?: number; comment?: string }
);

export interface KpiBucket {
  /** Its index in its unit (see kpiBucketIndex): hours, days or weeks since the epoch (UTC). */
  index: number;
  fields: Record<string, number>;
}

/** A per-site API token as kept: only its SHA-256, never the token. */
export interface ApiTokenRecord {
  hash: string;
  name: string;
  createdAt: number;
}

/** A token as its site's admins list it: the record with when it last opened the feed (null: never). */
export interface ApiTokenUse extends ApiTokenRecord {
  lastUsedAt: number | null;
}

/** Which audit entries to list; every given condition must hold. */
export interface AuditFilter {
  /** The whole actor (`agent:<id> <email>`, `operator`, `system`) or its agent id. */
  actor?: string;
  /** Exactly this action (`agent.update`), or every action under it with a trailing `.` (`agent.`). */
  action?: string;
  /** From this time (ms), inclusive. */
  from?: number;
  /** Before this time (ms). */
  to?: number;
}

/** A "forgot password" link as kept: only the SHA-256 of its token, for one use, until `expiresAt`. */
export interface PasswordReset {
  hash: string;
  siteKey: SiteKey;
  agentId: AgentId;
  expiresAt: number;
}

/** A site's webhook endpoint as kept: the secret signs every delivery (docs/webhooks.md). */
export interface WebhookEndpoint {
  id: string;
  url: string;
  /** The event types it receives; null for all. */
  events: WebhookEventType[] | null;
  secret: string;
  createdAt: number;
}

/** Delivery attempts kept per endpoint, newest first, for its admin page. */
export const WEBHOOK_DELIVERIES_KEPT = 50;

/**
 * Where an endpoint's pending events wait, in order: one outbox per conversation (events of one
 * conversation arrive in the order they happened), and one for events without a conversation.
 */
export interface WebhookOutboxRef {
  siteKey: SiteKey;
  endpointId: string;
  /** Null: the endpoint's outbox for events without a conversation. */
  conversationId: ConversationId | null;
}

/** Audit entries kept per site; older ones are dropped first. */
export const AUDIT_ENTRIES_KEPT = 100_000;

/** One administrative action: who did what to what, when. */
export interface AuditEntry {
  at: number;
  /** `agent:<id> <email>` for the console and REST, `operator` for the CLI, `system` for scheduled jobs. */
  actor: string;
  action: string;
  target: string;
  details?: Record<string, unknown>;
}

export interface Site {
  key: SiteKey;
  name: string;
  /** Exact origins (`https://shop.example`) whose pages may embed the widget. */
  origins: string[];
  settings: SiteSettings;
  /** Signs visitor identities on the site owner's server (`visitor:identify` hash); never sent to browsers. */
  identitySecret: string;
  createdAt: number;
}

/** A site owner's rule: a message containing `phrase` goes to `queue`, whatever the model says. */
export interface RoutingRule {
  id: string;
  /** Matched case-insensitively on word boundaries. */
  phrase: string;
  queue: QueueName;
  createdAt: number;
}

/** A transfer between queues, kept as a labelled example of a routing mistake. */
export interface RoutingCorrection {
  conversationId: ConversationId;
  /** The visitor's messages up to the transfer. */
  text: string;
  /** The queue the router chose. */
  predicted: QueueName;
  /** The queue an agent moved it to. */
  corrected: QueueName;
  routedBy: RoutingDecision['by'];
  note: string;
  agentId: AgentId;
  at: number;
}

/** A conversation's opener and the queue it belonged in: what per-site learning trains on. */
export interface RoutingExample {
  conversationId: ConversationId;
  visitorId: VisitorId;
  /** The visitor's opening text, cut at 1,000 characters. */
  text: string;
  /** The queue it belonged in: where it was resolved, or the other one when an agent flagged it. */
  label: QueueName;
  /** The queue the router chose. */
  predicted: QueueName;
  /** How the router chose; rule-routed conversations teach nothing and are not kept. */
  routedBy: 'model' | 'default' | 'visitor';
  /** An agent transferred it or flagged it "wrong queue". */
  corrected: boolean;
  /** Flagged "wrong queue" without a transfer: a later resolution does not replace it. */
  flagged?: boolean;
  at: number;
}

/** A site's adapted router model, as stored: its word weights and how it did when trained. */
export interface SiteModelVersion {
  version: number;
  trainedAt: number;
  /** Word feature → extra weight, in log-odds added after the shared model's temperature. */
  weights: Record<string, number>;
  trainedOn: { examples: number; corrections: number };
  /** Held-back examples, and the share the router placed right before this version and with it. */
  heldBack: { examples: number; corrections: number; accuracyBefore: number; accuracyAfter: number };
}

/** A site's learning state: its versions (newest first), the one in use, and corrections not yet trained on. */
export interface RouterLearning {
  active: number | null;
  versions: SiteModelVersion[];
  pendingCorrections: number;
}

export interface Agent {
  id: AgentId;
  siteKey: SiteKey;
  email: string;
  name: string;
  skills: QueueName[];
  role: AgentRole;
  /** Most conversations at once. @default 3 */
  capacity: number;
  /** A disabled agent cannot log in or take conversations; their open ones go back to the queue. */
  disabled: boolean;
  /** `scrypt$N$r$p$salt$hash`, from `server/domain/passwords.ts`. */
  passwordHash: string;
  createdAt: number;
  /** Other sites this account administers: those it created through the API (docs/api.md, "Who administers a site"). */
  administers?: SiteKey[];
}

/** What may change about an agent after it was made. */
export type AgentChanges = Partial<Pick<Agent, 'capacity' | 'disabled' | 'name' | 'skills' | 'role' | 'passwordHash' | 'administers'>>;

export interface AgentSession {
  token: string;
  agentId: AgentId;
  siteKey: SiteKey;
  expiresAt: number;
}

export type Conversation = ConversationView;

export type PresenceStatus = 'online' | 'away' | 'offline';

export interface Presence {
  status: PresenceStatus;
  /** Past this (ms) the agent counts as gone, whatever the status says: their connection stopped renewing it. */
  deadline: number;
}

/** The default most conversations an agent holds at once. */
export const DEFAULT_AGENT_CAPACITY = 3;

/** Wait and handle times kept per queue for estimates. */
export const RECENT_TIMES_KEPT = 50;

export interface NewConversation {
  id: ConversationId;
  siteKey: SiteKey;
  visitorId: VisitorId;
  visitor?: VisitorIdentity;
  /** The visitor's page context when it started (agents only). */
  context?: VisitorContext;
  /** Only when the site keeps visitor IPs. */
  visitorIp?: string;
  /** Left through the "leave a message" form: answered later, never abandoned. */
  leftMessage?: boolean;
  /** Its place in line is this much earlier than its arrival (verified customers' priority). */
  priorityMs?: number;
  routing: RoutingDecision;
  preview: string;
  now: number;
  firstMessage: { clientId: ClientMessageId; text: string };
}

/** How a caller of assignWaiting can get its first conversations out sooner. */
export interface AssignWaitingOptions {
  /**
   * Ids the caller believes head the line (a conversation it just created in an empty queue):
   * tried first without reading the line. A wrong guess assigns nothing wrong: a conversation
   * no longer at the head or no longer waiting stops the attempt, as a moved line does.
   */
  heads?: ConversationId[];
  /** Called with each batch, in line order, as soon as it is assigned and before looking for more. */
  onAssigned?: (batch: Conversation[]) => void;
}

/** What createConversation made, with what it read in the same atomic step. */
export interface CreatedConversation {
  conversation: Conversation;
  message: MessageView;
  /** How many conversations wait in its queue right after it joined, itself included. */
  queueCount: number;
  /** createdAt of the visitor's latest earlier conversation on the site; absent for their first. */
  previousCreatedAt?: number;
}

export interface NewMessage {
  siteKey: SiteKey;
  conversationId: ConversationId;
  clientId: ClientMessageId;
  author: MessageAuthor;
  /** For agent messages: only the assigned agent may write. */
  agentId?: AgentId;
  agentName?: string;
  /**
   * `note`: an agent's internal note. The store keeps it among the messages and skips the holder
   * and open checks (the domain decides who may write one); only CONVERSATION_NOT_FOUND refuses it.
   */
  kind?: 'note';
  text: string;
  now: number;
  /** An attachment message: the file's details, kept with the message (never its link). */
  attachment?: Attachment;
}

export interface AppendResult {
  message: MessageView;
  /** The client id was already stored; `message` is the earlier one and nothing changed. */
  duplicate: boolean;
  /** The conversation as it is once the message is in, read in the same atomic step. */
  conversation: Conversation;
}

/**
 * What a visitor's erasure asks the store to forget beyond their conversations (which
 * deleteConversation removes): see eraseVisitorTraces.
 */
export interface VisitorTraces {
  siteKey: SiteKey;
  visitorId: VisitorId;
  /** The visitor's conversations, already deleted or about to be: their traces elsewhere go too. */
  conversationIds: ConversationId[];
  /** Counters named after the visitor (or their IP address) to delete, as hitCounter names them. */
  counters: string[];
}

/** What eraseVisitorTraces removed. */
export interface ErasedTraces {
  /** Routing corrections of the conversations: the visitor's text and the agent's note. */
  routingCorrections: number;
  /** Per-site learning examples of the visitor or their conversations (their opening text). */
  routingExamples: number;
  /** Raw KPI events of the conversations or naming the visitor (survey comments among them). */
  kpiEvents: number;
  /** Audit entries that named the visitor or one of the conversations, as they were, oldest first. */
  auditEntries: AuditEntry[];
  /** Counters that existed among those named. */
  counters: number;
  /** The visitor's identity (name, email, user id) or page context (visitor:context) was kept and is gone. */
  identity: boolean;
}

/** A fixed-window counter after one more hit. */
export interface CounterHit {
  count: number;
  /** Milliseconds until the window ends and the count starts again from zero. */
  resetInMs: number;
}

export interface Store {
  /** Answers when the backing service is reachable; throws otherwise. */
  ping(): Promise<void>;
  close(): Promise<void>;

  /**
   * Counts one hit on a named counter whose window starts with its first hit and lasts `windowMs`,
   * shared by every server process: the basis of rate limits and log-in throttling.
   */
  hitCounter(name: string, windowMs: number): Promise<CounterHit>;
  /** The count without adding a hit (0 when the window is over). */
  peekCounter(name: string): Promise<CounterHit>;
  resetCounter(name: string): Promise<void>;

  createSite(site: Site): Promise<Site>;
  listSiteKeys(): Promise<SiteKey[]>;

  appendAudit(siteKey: SiteKey, entry: AuditEntry): Promise<void>;
  /** Newest first, at most `limit`, only those `filter` keeps (all without one). */
  listAudit(siteKey: SiteKey, limit: number, filter?: AuditFilter): Promise<AuditEntry[]>;
  getSite(key: SiteKey): Promise<Site | null>;
  updateSiteSettings(key: SiteKey, settings: SiteSettings): Promise<void>;
  /** Changes a site's name, origins or identity secret. @returns the site after, or null when there is none */
  updateSite(key: SiteKey, changes: Partial<Pick<Site, 'name' | 'origins' | 'identitySecret'>>): Promise<Site | null>;

  listRoutingRules(siteKey: SiteKey): Promise<RoutingRule[]>;
  addRoutingRule(siteKey: SiteKey, rule: RoutingRule): Promise<void>;
  /** @returns false when no rule has this id */
  removeRoutingRule(siteKey: SiteKey, id: string): Promise<boolean>;
  /** Newest first, at most `limit`. */
  listRoutingCorrections(siteKey: SiteKey, limit: number): Promise<RoutingCorrection[]>;
  /**
   * Keeps a site's routing example, one per conversation (a newer one replaces it, except that a
   * flagged one is not replaced by an unflagged one), at most `keep` per site, oldest dropped first.
   * A corrected example not counted before adds one to the corrections not yet trained on.
   * @returns the corrections not yet trained on
   */
  saveRoutingExample(siteKey: SiteKey, example: RoutingExample, keep: number): Promise<number>;
  /** Newest first, at most `limit`. */
  listRoutingExamples(siteKey: SiteKey, limit: number): Promise<RoutingExample[]>;
  getRouterLearning(siteKey: SiteKey): Promise<RouterLearning>;
  /** The version in use, read on its own: what routing checks before reusing a cached adaptation. */
  getActiveRouterVersion(siteKey: SiteKey): Promise<number | null>;
  /** Saves the versions and the one in use, and takes `trainedCorrections` off the pending count. */
  saveRouterLearning(siteKey: SiteKey, learning: Pick<RouterLearning, 'active' | 'versions'>, trainedCorrections: number): Promise<void>;

  /** Fails with AGENT_EMAIL_TAKEN when the email is in use (emails are unique across sites). */
  createAgent(agent: Agent): Promise<Agent>;
  getAgent(siteKey: SiteKey, id: AgentId): Promise<Agent | null>;
  findAgentByEmail(email: string): Promise<Agent | null>;
  /** Every agent of the site, disabled ones too, oldest first. */
  listAgents(siteKey: SiteKey): Promise<Agent[]>;

  /** Keeps a password-reset link until it expires. */
  createPasswordReset(reset: PasswordReset): Promise<void>;
  /** Uses a reset link up, atomically: the first call before `expiresAt` gets it, every later call null. */
  takePasswordReset(hash: string, now: number): Promise<PasswordReset | null>;

  createSession(session: AgentSession): Promise<void>;
  /** Null when unknown or past `expiresAt`. */
  getSession(token: string, now: number): Promise<AgentSession | null>;
  deleteSession(token: string): Promise<void>;
  /** Ends every session of an agent ("log out everywhere"). @returns how many there were */
  deleteAgentSessions(agentId: AgentId): Promise<number>;

  /**
   * Creates a waiting conversation with its first message and puts it at the back of its queue,
   * atomically. Fails with CONVERSATION_ALREADY_OPEN (details.conversationId) when the visitor
   * already has an open conversation on the site.
   * Also returns, read in the same step, what the way to an agent needs next: how many wait in its
   * queue now (itself included) and when the visitor's previous conversation began (for the
   * repeat-contact KPI), so neither costs a read of its own.
   */
  createConversation(input: NewConversation): Promise<CreatedConversation>;
  getConversation(siteKey: SiteKey, id: ConversationId): Promise<Conversation | null>;
  /** Keeps who the visitor said they are, and shows it on their open conversation. */
  setVisitorIdentity(siteKey: SiteKey, visitorId: VisitorId, identity: VisitorIdentity): Promise<void>;
  getVisitorIdentity(siteKey: SiteKey, visitorId: VisitorId): Promise<VisitorIdentity | null>;
  deleteVisitorIdentity(siteKey: SiteKey, visitorId: VisitorId): Promise<void>;
  /**
   * Keeps where the visitor is and what the site says about them, and shows it on their open
   * conversation. @returns that open conversation as it is now, or null
   */
  setVisitorContext(siteKey: SiteKey, visitorId: VisitorId, context: VisitorContext): Promise<Conversation | null>;
  getVisitorContext(siteKey: SiteKey, visitorId: VisitorId): Promise<VisitorContext | null>;
  /** Every conversation of a visitor on this site, oldest first. */
  listVisitorConversations(siteKey: SiteKey, visitorId: VisitorId): Promise<Conversation[]>;
  /** Ids of conversations created before `before` (ms), oldest first, at most `limit`. */
  listConversationIdsCreatedBefore(siteKey: SiteKey, before: number, limit: number): Promise<ConversationId[]>;
  /** Deletes a conversation with its messages and every index entry. @returns false when there was none */
  deleteConversation(siteKey: SiteKey, id: ConversationId): Promise<boolean>;
  /**
   * Forgets what a visitor left outside their conversations: the routing corrections and raw KPI
   * events of `conversationIds` (and any event naming the visitor), audit entries naming the
   * visitor or those conversations, notes that they had gone, their identity and the named
   * counters. A mention is a whole id, not part of a longer one. KPI aggregates are sums without
   * anyone's words or ids, and stay. Nothing of another visitor or site changes.
   */
  eraseVisitorTraces(traces: VisitorTraces): Promise<ErasedTraces>;
  /** The visitor's waiting or active conversation on this site, if any. */
  getOpenConversation(siteKey: SiteKey, visitorId: VisitorId): Promise<Conversation | null>;
  /**
   * Only the id of the visitor's waiting or active conversation: what a visitor's message needs
   * before appendMessage, which hands the conversation back itself (one read less per message).
   */
  getOpenConversationId(siteKey: SiteKey, visitorId: VisitorId): Promise<ConversationId | null>;

  /**
   * Appends a message unless its client id is already stored in this conversation, in which case
   * the stored one is returned with `duplicate: true`. Fails with CONVERSATION_NOT_FOUND,
   * CONVERSATION_NOT_ACTIVE (resolved), or CONVERSATION_NOT_ASSIGNED_TO_YOU for an agent who
   * does not hold it (checked first: a resent client id shows an agent nothing of a colleague's).
   */
  appendMessage(input: NewMessage): Promise<AppendResult>;
  /** Messages stored after `afterId` (from the start when absent), oldest first, at most `limit`. */
  messagesAfter(siteKey: SiteKey, id: ConversationId, afterId: MessageId | undefined, limit: number): Promise<MessageView[]>;

  /**
   * Takes a waiting conversation for an agent, atomically: exactly one of several agents racing
   * wins; the others get CONVERSATION_NOT_WAITING. CONVERSATION_NOT_FOUND when it does not exist,
   * AGENT_OFFLINE unless the agent is online (away and offline take nothing new), AGENT_AT_CAPACITY
   * when the agent holds their most.
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
    /** Kept on the conversation (a reopened one resolved again takes the new one). */
    category?: string;
  }): Promise<Conversation>;
  /**
   * The visitor replied to their resolved conversation: it waits again at the front of its queue,
   * without an agent, from `now`. CONVERSATION_NOT_FOUND (also for another visitor's),
   * CONVERSATION_NOT_RESOLVED, CONVERSATION_REOPEN_EXPIRED when it ended before `endedAfter`,
   * CONVERSATION_ALREADY_OPEN when the visitor has another open conversation; nothing changes then.
   */
  reopenConversation(input: { siteKey: SiteKey; conversationId: ConversationId; visitorId: VisitorId; endedAfter: number; now: number }): Promise<Conversation>;
  /**
   * Puts an active conversation held by `agentId` back at the front of its queue (handed back,
   * agent gone, disabled). Fails like resolveConversation when it is not theirs to give back.
   */
  requeueConversation(input: { siteKey: SiteKey; conversationId: ConversationId; agentId: AgentId; now: number }): Promise<Conversation>;

  /**
   * Auto mode: gives the conversation at the head of `queue` to the eligible online agent with
   * the most free places (ties: the longest since their last assignment). Null when the queue is
   * empty or no eligible agent has a free place.
   */
  assignNext(siteKey: SiteKey, queue: QueueName, now: number): Promise<Conversation | null>;
  /**
   * The same as calling assignNext until it returns null, in as few round trips as the store
   * allows: the conversations assigned, in line order.
   */
  assignWaiting(siteKey: SiteKey, queue: QueueName, now: number, options?: AssignWaitingOptions): Promise<Conversation[]>;

  /** Records an agent's presence and capacity; only 'online' agents with capacity get conversations. */
  setPresence(input: {
    siteKey: SiteKey;
    agent: Pick<Agent, 'id' | 'name' | 'skills' | 'capacity' | 'disabled'>;
    status: PresenceStatus;
    deadline: number;
  }): Promise<void>;
  /**
   * Moves the agent's presence deadline on, keeping the status the store has (`initial` when it has
   * none), atomically: a status chosen meanwhile elsewhere is never overwritten, and an agent who
   * chose 'offline' is not renewed. @returns the status kept ('offline': nothing changed)
   */
  renewPresence(input: {
    siteKey: SiteKey;
    agent: Pick<Agent, 'id' | 'name' | 'skills' | 'capacity' | 'disabled'>;
    initial: Exclude<PresenceStatus, 'offline'>;
    deadline: number;
  }): Promise<PresenceStatus>;
  /** Every agent's presence on the site that was ever set. */
  listPresence(siteKey: SiteKey): Promise<Record<AgentId, Presence>>;
  /** Conversation id → agent id for every active conversation of the site. */
  listAssignments(siteKey: SiteKey): Promise<Record<ConversationId, AgentId>>;
  /** Agent id → open conversations. */
  agentLoads(siteKey: SiteKey): Promise<Record<AgentId, number>>;
  updateAgent(siteKey: SiteKey, id: AgentId, changes: AgentChanges): Promise<Agent | null>;

  /** 1 for the next in line; null when the conversation is not waiting in that queue. */
  queuePosition(siteKey: SiteKey, queue: QueueName, conversationId: ConversationId): Promise<number | null>;
  /** Waiting conversation ids of a queue, in line order. */
  listQueueIds(siteKey: SiteKey, queue: QueueName): Promise<ConversationId[]>;
  /**
   * Who waits in a queue, in line order: each waiting conversation and its visitor, all read at
   * once (what position updates need, without reading every conversation whole).
   */
  listQueueVisitors(siteKey: SiteKey, queue: QueueName): Promise<{ conversationId: ConversationId; visitorId: VisitorId }[]>;
  /** Keeps the last RECENT_TIMES_KEPT wait or handle times of a queue, for estimates. */
  recordTime(siteKey: SiteKey, queue: QueueName, kind: 'wait' | 'handle', ms: number): Promise<void>;
  recentTimes(siteKey: SiteKey, queue: QueueName, kind: 'wait' | 'handle'): Promise<number[]>;

  /** Notes that the visitor of a waiting conversation has no connection left (or, with null, is back). */
  setVisitorGone(siteKey: SiteKey, conversationId: ConversationId, since: number | null): Promise<void>;
  /** Conversations whose visitor has been gone since before `before`. */
  listVisitorsGoneBefore(siteKey: SiteKey, before: number): Promise<ConversationId[]>;
  /** Marks a waiting conversation abandoned and counts it; CONVERSATION_NOT_WAITING when it was taken meanwhile. */
  abandonConversation(siteKey: SiteKey, conversationId: ConversationId, now: number): Promise<Conversation>;
  /** Site counters, e.g. `abandoned:service`. */
  getStats(siteKey: SiteKey): Promise<Record<string, number>>;

  /**
   * Moves a waiting conversation to another routing decision (and queue), keeping its place in
   * line by its original time. Fails with CONVERSATION_NOT_WAITING once it was taken, and with
   * CONVERSATION_CHANGED when its queue is no longer `fromQueue` (another message re-routed it first).
   */
  rerouteConversation(input: {
    siteKey: SiteKey;
    conversationId: ConversationId;
    fromQueue: QueueName;
    routing: RoutingDecision;
  }): Promise<Conversation>;

  /**
   * Hands an active conversation held by `agentId` to the other queue: it waits again, first in
   * line by its original time, with the agent's note; the move is recorded as a routing correction.
   * Fails with CONVERSATION_NOT_ACTIVE, CONVERSATION_NOT_ASSIGNED_TO_YOU, or TRANSFER_SAME_QUEUE.
   */
  transferConversation(input: {
    siteKey: SiteKey;
    conversationId: ConversationId;
    agentId: AgentId;
    agentName: string;
    toQueue: QueueName;
    note: string;
    /** The visitor's text so far, for the correction. */
    text: string;
    now: number;
  }): Promise<Conversation>;

  /** Waiting conversations of one queue, oldest first, at most `limit`, with the exact count. */
  listQueue(siteKey: SiteKey, queue: QueueName, limit: number): Promise<{ count: number; entries: QueueEntry[] }>;
  /** Active conversations assigned to the agent, oldest first. */
  listAgentConversations(siteKey: SiteKey, agentId: AgentId): Promise<Conversation[]>;

  /**
   * Records one KPI event: appends it to the site's capped event stream and adds the increments
   * to the aggregates of its hour and day, atomically, unless the conversation already recorded
   * the mark `once` (then nothing changes and the answer is false). Increments marked `firstOnly`
   * apply only when the mark `first` was not recorded before either (a first assignment, a first transfer).
   */
  recordKpiEvent(input: {
    siteKey: SiteKey;
    once: string;
    first?: string;
    /** Kept with the marks, read back by readKpiMarks (a first wait, a first reply time…). */
    markValue: number;
    event: KpiEvent;
    increments: KpiIncrement[];
  }): Promise<boolean>;
  /** The non-empty aggregates of buckets `from` ≤ index < `to`, in index order. */
  readKpiBuckets(siteKey: SiteKey, scope: KpiScope, unit: KpiUnit, from: number, to: number): Promise<KpiBucket[]>;
  /** The sums over buckets `from` ≤ index < `to` of the fields that start with `prefix` (all fields for ''). */
  sumKpiBuckets(siteKey: SiteKey, scope: KpiScope, unit: KpiUnit, from: number, to: number, prefix: string): Promise<Record<string, number>>;
  /** The values recorded with these marks of the conversation (see recordKpiEvent's `markValue`); absent when not recorded. */
  readKpiMarks(siteKey: SiteKey, conversationId: ConversationId, marks: string[]): Promise<Record<string, number>>;
  /** Raw KPI events, newest first, at most `limit`. */
  listKpiEvents(siteKey: SiteKey, limit: number): Promise<KpiEvent[]>;
  /**
   * Keeps the visitor's survey answer on their resolved conversation, once. CONVERSATION_NOT_FOUND
   * (also for another visitor's), CONVERSATION_NOT_RESOLVED, RATING_ALREADY_GIVEN.
   */
  rateConversation(input: { siteKey: SiteKey; conversationId: ConversationId; visitorId: VisitorId; rating: ConversationRating }): Promise<Conversation>;

  /** Keeps a new endpoint unless the site has `max` already (WEBHOOK_LIMIT; nothing changes then). */
  /** The site's canned replies, by shortcut. */
  listCannedReplies(siteKey: SiteKey): Promise<CannedReply[]>;
  /**
   * Keeps a new canned reply (`create`) or replaces one by id, atomically with its shortcut:
   * CANNED_SHORTCUT_TAKEN when another reply of the site has the shortcut, CANNED_REPLY_NOT_FOUND
   * when the id to replace is not the site's, CANNED_REPLY_LIMIT when a new one would pass `max`.
   */
  putCannedReply(siteKey: SiteKey, reply: CannedReply, options: { create: boolean; max: number }): Promise<void>;
  /** CANNED_REPLY_NOT_FOUND when the site has no reply with this id. */
  deleteCannedReply(siteKey: SiteKey, id: string): Promise<void>;
  addWebhook(siteKey: SiteKey, endpoint: WebhookEndpoint, max: number): Promise<void>;
  /** Oldest first. */
  listWebhooks(siteKey: SiteKey): Promise<WebhookEndpoint[]>;
  getWebhook(siteKey: SiteKey, id: string): Promise<WebhookEndpoint | null>;
  /** Deletes the endpoint with its pending events and its deliveries. @returns false when there was none */
  removeWebhook(siteKey: SiteKey, id: string): Promise<boolean>;
  /**
   * Appends an event (the exact body to send) to the back of an outbox, atomically.
   * @returns the outbox's head after the append (the event itself when the outbox was empty); null
   *   when the endpoint no longer exists (nothing is kept then)
   */
  pushWebhookOutbox(outbox: WebhookOutboxRef, body: string): Promise<string | null>;
  /** The event at the head of an outbox, next to deliver; null when it is empty. */
  peekWebhookOutbox(outbox: WebhookOutboxRef): Promise<string | null>;
  /**
   * Removes `body` from the head of the outbox, if it is still there (delivered, or given up on), and
   * reads the new head in the same atomic step. @returns the next event to deliver, or null
   */
  ackWebhookOutbox(outbox: WebhookOutboxRef, body: string): Promise<string | null>;
  /** The endpoint's outboxes holding events: conversation ids, null for its outbox without a conversation. */
  listWebhookOutboxes(siteKey: SiteKey, endpointId: string): Promise<(ConversationId | null)[]>;
  /** Keeps one delivery attempt, with the last WEBHOOK_DELIVERIES_KEPT of the endpoint. */
  recordWebhookDelivery(siteKey: SiteKey, endpointId: string, delivery: WebhookDelivery): Promise<void>;
  /** Newest first, at most `limit`. */
  listWebhookDeliveries(siteKey: SiteKey, endpointId: string, limit: number): Promise<WebhookDelivery[]>;
  /**
   * Drops the pending events of these conversations for every endpoint of the site (they carry the
   * visitor's words): visitor erasure calls it. @returns how many events were dropped
   */
  forgetConversationDeliveries(siteKey: SiteKey, conversationIds: ConversationId[]): Promise<number>;

  addApiToken(siteKey: SiteKey, token: ApiTokenRecord): Promise<void>;
  /** The token record with this SHA-256, or null. */
  findApiToken(siteKey: SiteKey, hash: string): Promise<ApiTokenRecord | null>;
  /** The site's tokens, oldest first, each with when it was last used. */
  listApiTokens(siteKey: SiteKey): Promise<ApiTokenUse[]>;
  /** Notes that the token was used at `at`. Nothing is kept for a token that does not exist. */
  touchApiToken(siteKey: SiteKey, hash: string, at: number): Promise<void>;
  /** Forgets the token (and its last use). @returns false when there was none */
  removeApiToken(siteKey: SiteKey, hash: string): Promise<boolean>;

  /**
   * Moves one side's "seen" mark of a conversation forward to `lastSeenId`, never back (an older or
   * equal id changes nothing). CONVERSATION_NOT_FOUND when there is no such conversation,
   * MESSAGE_NOT_FOUND when none of its messages has this id (so no mark runs ahead of what was written).
   * @returns whether it moved, and both marks after the call
   */
  markSeen(input: { siteKey: SiteKey; conversationId: ConversationId; by: SeenBy; lastSeenId: MessageId }): Promise<{ moved: boolean; seen: SeenMarks }>;
  /** Both sides' "seen" marks of a conversation; empty when none was set (or no such conversation). */
  getSeen(siteKey: SiteKey, conversationId: ConversationId): Promise<SeenMarks>;
}

/** The last message id each side has shown on screen (the wire's LastSeen). */
export type SeenMarks = LastSeen;

/** Whether an audit entry passes a filter: the one reading of AuditFilter both stores apply. */
export function auditEntryMatches(entry: AuditEntry, filter: AuditFilter | undefined): boolean {
  if (!filter) return true;
  if (filter.actor !== undefined && entry.actor !== filter.actor && !entry.actor.startsWith(`agent:${filter.actor} `)) return false;
  if (filter.action !== undefined && (filter.action.endsWith('.') ? !entry.action.startsWith(filter.action) : entry.action !== filter.action)) return false;
  if (filter.from !== undefined && entry.at < filter.from) return false;
  if (filter.to !== undefined && entry.at >= filter.to) return false;
  return true;
}
