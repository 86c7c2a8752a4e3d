/**
 * The wire protocol: Socket.IO event maps for the `/visitor` and `/agent` namespaces, used as
 * generics by the server, the widget and the console. `docs/protocol.md` describes the same for
 * clients in other languages.
 */
import type { WireError } from './errors';
import type { AgentId, ClientMessageId, ConversationId, MessageId, SiteKey, VisitorId } from './ids';
import type { QueueName } from './queues';
import type {
  AgentMessageSendPayload,
  AgentView,
  ConversationMessagesPayload,
  ConversationRatePayload,
  ConversationRefPayload,
  ConversationResolvePayload,
  ConversationHandOverPayload,
  ConversationTransferPayload,
  ConversationTranscriptPayload,
  EmptyPayload,
  MessageLeavePayload,
  MessageSeenPayload,
  NoteAddPayload,
  TypingSetPayload,
  PresenceSetPayload,
  SessionResumePayload,
  VisitorContextPayload,
  VisitorIdentifyPayload,
  VisitorMessageSendPayload,
} from './schemas';
import type { WidgetLanguage, WidgetLook } from './schemas';

export type { WireError } from './errors';

/** Every state-changing client event ends with this acknowledgement. */
export type Ack<T> = { ok: true; data: T } | { ok: false; error: WireError };
export type AckCallback<T> = (res: Ack<T>) => void;

export type MessageAuthor = 'visitor' | 'agent';

export interface MessageView {
  id: MessageId;
  conversationId: ConversationId;
  clientId: ClientMessageId;
  author: MessageAuthor;
  /** Set on agent messages: the name the visitor sees. */
  agentName?: string;
  /**
   * `note`: an agent's internal note, kept in the conversation's stream with its messages but shown
   * to agents only (never pushed, resumed, emailed or sent to webhooks). Absent on a message.
   */
  kind?: 'note';
  text: string;
  /** Milliseconds since the epoch, when the server stored it. */
  createdAt: number;
  /** Set on an attachment message (its `text` is then the file's name). */
  attachment?: Attachment;
}

/** What an attachment's content was found to be (by its bytes, never its name or declared type). */
export type AttachmentType = 'image/png' | 'image/jpeg' | 'image/gif' | 'image/webp' | 'application/pdf' | 'text/plain';

/** A file sent in a conversation (`POST /api/v1/sites/:siteKey/conversations/:id/files`). */
export interface Attachment {
  /** `f_…`, unique. */
  id: string;
  /** The name the sender gave it. */
  name: string;
  /** Bytes. */
  size: number;
  type: AttachmentType;
  /** Pixels, for images whose header says. */
  width?: number;
  height?: number;
  /**
   * A signed link to the file, relative to the server (`/files/f_…?s=…&sig=…`), short-lived: set on
   * what a visitor receives; agents ask `GET …/files/:fileId/link`. Never stored.
   */
  url?: string;
}

export type ConversationStatus = 'waiting' | 'active' | 'resolved' | 'abandoned';

/**
 * Who the visitor says they are (`visitor:identify`). `verified` only when the site's server signed
 * the user id with the site's identity secret; agents see unverified identities marked as such.
 */
export interface VisitorIdentity {
  userId: string;
  name?: string;
  email?: string;
  verified: boolean;
}

/** How a conversation came to be in its queue (DESIGN.md, "Routing"). */
export interface RoutingDecision {
  queue: QueueName;
  by: 'rule' | 'visitor' | 'model' | 'default';
  /** 0.5–1 for a model decision; 1 for a rule or the visitor's own choice. */
  confidence: number;
  /** Why, in words an agent reads: the rule that matched, or the words that weighed most. */
  reason: string;
  /** True when the model was unsure and the site's fallback queue was used. */
  uncertain: boolean;
  /**
   * The language the router read the text in (`en`, `fr`, `de`, `es`, `pt`), for a model or
   * fallback decision; absent for a rule or the visitor's choice, and when it is none of those.
   */
  language?: string;
}

export interface ConversationView {
  id: ConversationId;
  siteKey: SiteKey;
  visitorId: VisitorId;
  status: ConversationStatus;
  queue: QueueName;
  routing: RoutingDecision;
  /** The start of the visitor's first message. */
  preview: string;
  visitor?: VisitorIdentity;
  /** Only when the site chose to keep visitor IP addresses. */
  visitorIp?: string;
  /** Left through the "leave a message" form while nobody was available. */
  leftMessage?: boolean;
  createdAt: number;
  /** When it entered waiting. */
  queuedAt: number;
  /**
   * Its place in its queue's order, lowest served first: its queuedAt, earlier for a priority
   * customer, just ahead of the first in line when handed back or reopened. Kept from its last wait.
   */
  queueOrder?: number;
  assignedAgentId?: AgentId;
  assignedAgentName?: string;
  assignedAt?: number;
  /** The latest end, when it was reopened and resolved again. */
  resolvedAt?: number;
  /** What the agent who resolved it filed it under (one of the site's categories for its queue). */
  category?: string;
  /** When the visitor's reply last reopened it. */
  reopenedAt?: number;
  abandonedAt?: number;
  /** Set when an agent handed it over from the other queue. */
  transfer?: { fromQueue: QueueName; note: string; byAgentName: string; at: number };
  /** The visitor's answer to the end-of-chat survey, given once. */
  rating?: ConversationRating;
  /** Where the visitor is (page, language, time zone) and the site's own facts; agents only. */
  context?: VisitorContext;
}

/** The visitor's page context as kept (`visitor:context`), with when it was last told. */
export type VisitorContext = VisitorContextPayload & {
  at: number;
  /** The pages the visitor was on before `page`, most recent first, with when they arrived there (at most MAX_PREVIOUS_PAGES). */
  previousPages?: { url: string; title: string; at: number }[];
  /** The browser's User-Agent header, as the visitor's connection sent it (the console reads browser and system from it). */
  userAgent?: string;
  /** False once the visitor's last tab on the site closed; true again when one connects. Absent: not known. */
  online?: boolean;
};

/**
 * What a visitor is told about their own conversation: its state and who answers, never how it was
 * routed, transfer notes, agents' ids or the visitor's IP (server/domain/views.ts projects it).
 */
export type VisitorConversationView = Pick<
  ConversationView,
  'id' | 'status' | 'queue' | 'createdAt' | 'queuedAt' | 'assignedAt' | 'resolvedAt' | 'reopenedAt' | 'abandonedAt'
> &
  Partial<Pick<ConversationView, 'leftMessage' | 'assignedAgentName' | 'rating'>>;

/** CSAT 1–5 (service), CES 1–7 (support), NPS 0–10 when the site asks it; an optional comment. */
export interface ConversationRating {
  csat?: number;
  ces?: number;
  nps?: number;
  comment?: string;
  at: number;
}

/** One waiting conversation as an agent sees it in a queue list. */
export interface QueueEntry {
  conversationId: ConversationId;
  queue: QueueName;
  preview: string;
  queuedAt: number;
  /** Sorts the entries as the queue serves them (see ConversationView). */
  queueOrder?: number;
  routing: RoutingDecision;
  transfer?: ConversationView['transfer'];
  /** Set when the visitor's reply reopened it after it was resolved. */
  reopenedAt?: number;
  visitor?: VisitorIdentity;
  /** Left through the "leave a message" form (nobody was available): an answer, not a live chat. */
  leftMessage?: boolean;
}

/** Where a waiting visitor stands in line. */
export interface QueuePosition {
  conversationId: ConversationId;
  queue: QueueName;
  /** 1 for the next in line. */
  position: number;
  /** About how long until an agent answers; null when no agent is online to answer. */
  estimatedWaitMs: number | null;
  agentsOnline: number;
}

export interface QueueSnapshot {
  queue: QueueName;
  /** Exact number waiting. */
  count: number;
  /** The oldest waiting conversations, oldest first (at most QUEUE_SNAPSHOT_LIMIT). */
  entries: QueueEntry[];
}

// ---- /visitor ------------------------------------------------------------------------------

/** What the widget needs to know about the site it is on. */
export interface SiteInfo {
  name: string;
  /** Ask "General question" / "Technical problem" before the first message. */
  topicQuestion: boolean;
  /** Within business hours and an agent is online: chat now. Otherwise the widget offers to leave a message. */
  available: boolean;
  /** The end-of-chat survey also asks NPS 0–10. */
  npsSurvey: boolean;
  /** For this long after a conversation ends, a reply (`message:send` with `reopen`) continues it; 0: never. */
  reopenWithinMinutes: number;
  /** The site's colour (`#rrggbb`) for the launcher, header and the visitor's bubbles. */
  accentColor: string;
  /** Black or white, whichever reaches WCAG AA (4.5:1) on `accentColor`. */
  accentTextColor: string;
  /** The launcher's corner in a left-to-right language; right-to-left mirrors it. */
  position: 'right' | 'left';
  /** The site's names for its teams; null: the catalogue's. */
  teamNames: { service: string | null; support: string | null };
  /** The site's greeting; null: the catalogue's. */
  greeting: string | null;
  /** Show the initials of the agent's name beside their messages. */
  agentInitials: boolean;
  /** An https picture for the widget's header; null: none. */
  avatarUrl: string | null;
  /** The language when none of the browser's has a catalogue. */
  defaultLanguage: WidgetLanguage;
  /** The site's wording, per language, of any catalogue key. */
  strings: WidgetLook['strings'];
  /** The form before the first message: `required` refuses a first message from a visitor with no identity (`PRECHAT_REQUIRED`). */
  prechat: WidgetLook['prechat'];
  /** The largest attachment the site takes, in bytes; 0: none (the widget shows no attach button). */
  maxFileBytes: number;
}

export interface VisitorSession {
  site: SiteInfo;
  visitorId: VisitorId;
  /** Keep it (the widget uses localStorage) and send it as `auth.token` on the next connection. */
  token: string;
  /** The visitor's open conversation, or the one that ended most recently if it is still open on screen. */
  conversation: VisitorConversationView | null;
  /** Messages of that conversation after `lastMessageId` (all of them when it was not sent), oldest first. */
  messages: MessageView[];
  /** Where the conversation stands in line, while it waits. */
  position: QueuePosition | null;
  /** Both sides' "seen" marks of `conversation` (empty without one): a reloaded widget shows "Seen" where it was. */
  lastSeen: LastSeen;
}

export interface MessageSent {
  message: MessageView;
  conversation: ConversationView;
  /** True when this client id was already stored: the earlier message is returned, nothing new is stored. */
  duplicate: boolean;
}

/** What a visitor's `message:send` and `message:leave` are answered: the conversation in the visitor's view. */
export interface VisitorMessageSent {
  message: MessageView;
  conversation: VisitorConversationView;
  /** True when this client id was already stored: the earlier message is returned, nothing new is stored. */
  duplicate: boolean;
}

/** What `note:add` is answered: the note as stored (`kind: 'note'`). */
export interface NoteAdded {
  message: MessageView;
  /** True when this client id was already stored: the earlier note is returned, nothing new is stored. */
  duplicate: boolean;
}

export interface VisitorClientEvents {
  'session:resume': (payload: SessionResumePayload, ack: AckCallback<VisitorSession>) => void;
  'message:send': (payload: VisitorMessageSendPayload, ack: AckCallback<VisitorMessageSent>) => void;
  /** Tells agents who the visitor is; verified when `hash` is the site's HMAC of `userId`. */
  'visitor:identify': (payload: VisitorIdentifyPayload, ack: AckCallback<VisitorIdentity>) => void;
  /** Leaves a message with a name and email while nobody is available; an agent answers later, here. */
  'message:leave': (payload: MessageLeavePayload, ack: AckCallback<VisitorMessageSent>) => void;
  /**
   * Answers the end-of-chat survey of a resolved conversation, once: `csat` for a service
   * conversation, `ces` for a support one, `nps` too when the site asks it. Skipping is sending nothing.
   */
  'conversation:rate': (payload: ConversationRatePayload, ack: AckCallback<VisitorConversationView>) => void;
  /**
   * Emails the transcript of one of the visitor's own conversations (any status) to `email`, or to the
   * email they gave before. EMAIL_DISABLED when the server has no SMTP_URL.
   */
  'conversation:transcript': (payload: ConversationTranscriptPayload, ack: AckCallback<{ queued: true }>) => void;
  /** The visitor writes in their waiting or active conversation, or stopped. Throttled by the server; never the text. */
  'typing:set': (payload: TypingSetPayload, ack: AckCallback<{ relayed: boolean }>) => void;
  /** The widget has shown the conversation up to this message while visible. Moves forward only. */
  'message:seen': (payload: MessageSeenPayload, ack: AckCallback<LastSeen>) => void;
  /** Where the visitor is and what the site says about them: on connect and on every navigation. Shown to agents only. */
  'visitor:context': (payload: VisitorContextPayload, ack: AckCallback<{ at: number }>) => void;
}

export interface VisitorServerEvents {
  'message:new': (message: MessageView) => void;
  'conversation:updated': (conversation: VisitorConversationView) => void;
  /** While waiting: the visitor's place in line and the estimated wait, whenever either changes. */
  'queue:position': (position: QueuePosition) => void;
  /** The agent holding the conversation writes, or stopped (shown for TYPING_SHOWN_FOR_MS at most). */
  'conversation:typing': (signal: TypingSignal) => void;
  /** The agent has read up to `lastSeenId`. */
  'message:seen': (seen: MessageSeen) => void;
}

// ---- /agent --------------------------------------------------------------------------------

export interface AgentWorkspace {
  agent: AgentView;
  /** One snapshot per queue the agent's skills allow. */
  queues: QueueSnapshot[];
  /** Conversations assigned to this agent and still open. */
  conversations: ConversationView[];
  /** What a conversation of each queue can be resolved under (the site's `categories`). */
  categories: Record<QueueName, string[]>;
  /** Off without SMTP_URL: visitors who left a message see answers only when they come back. */
  email: { enabled: boolean };
  /** The "seen" marks of each of `conversations`, by conversation id. */
  lastSeen: Record<ConversationId, LastSeen>;
  /** The agent's status as the server has it (what they last chose; online when they never chose). */
  presence: PresenceSetPayload['status'];
}

/** One of the visitor's earlier conversations (`visitor:history`), readable, not answerable. */
export interface PreviousConversation {
  id: ConversationId;
  createdAt: number;
  queue: QueueName;
  status: ConversationStatus;
  /** The start of the visitor's first message. */
  preview: string;
  /** Left through the "leave a message" form rather than a live chat. */
  leftMessage?: boolean;
  /** The agent who held it last. */
  agentName?: string;
  /** Its first messages, oldest first (at most MAX_PREVIOUS_CONVERSATION_MESSAGES). */
  messages: MessageView[];
}

export interface TakenConversation {
  conversation: ConversationView;
  messages: MessageView[];
  /** Both sides' "seen" marks (absent where the server did not read them: an offer in auto mode). */
  lastSeen?: LastSeen;
}

/** One agent of the site as the team sees them: who can take a conversation now, and how loaded. */
export interface TeamMember {
  id: AgentId;
  name: string;
  role: AgentView['role'];
  skills: QueueName[];
  capacity: number;
  /** Conversations they hold now. */
  load: number;
  /** The server's truth: online (gets conversations), away, or offline (also when their connection stopped renewing it). */
  presence: 'online' | 'away' | 'offline';
  /** For leads and admins only: the conversations they hold, oldest first. */
  conversations?: TeamConversation[];
}

/** A held conversation on the lead's view. */
export type TeamConversation = Pick<ConversationView, 'id' | 'queue' | 'preview' | 'assignedAt'> & Partial<Pick<ConversationView, 'visitor'>>;

/**
 * The team now (`team:load`, and `team:updated` to leads and admins whenever it changes): every
 * agent who has connected at least once, and, for leads and admins, every waiting conversation.
 */
export interface TeamSnapshot {
  members: TeamMember[];
  /** Leads and admins: the waiting conversations of both queues, in the order they are served. Plain agents: null. */
  waiting: QueueEntry[] | null;
  at: number;
}

export interface AgentClientEvents {
  'workspace:load': (payload: EmptyPayload, ack: AckCallback<AgentWorkspace>) => void;
  'conversation:take': (payload: ConversationRefPayload, ack: AckCallback<TakenConversation>) => void;
  'conversation:messages': (payload: ConversationMessagesPayload, ack: AckCallback<MessageView[]>) => void;
  /** Ends it, filed under one of the site's categories for its queue when `category` is given. */
  'conversation:resolve': (payload: ConversationResolvePayload, ack: AckCallback<ConversationView>) => void;
  /** Hands the conversation to the other queue with a note; recorded as a routing correction. */
  'conversation:transfer': (payload: ConversationTransferPayload, ack: AckCallback<ConversationView>) => void;
  /**
   * Says the router chose the wrong queue, without moving the conversation (it is nearly done):
   * kept as a correction towards the other queue for the site's learning. The holder, a lead or
   * an admin; ROUTING_NOT_LEARNABLE when a site rule placed it.
   */
  'conversation:flag-route': (payload: ConversationRefPayload, ack: AckCallback<{ queue: QueueName }>) => void;
  /**
   * Hands the conversation to a named colleague with the skill, online and with a free place
   * (AGENT_NOT_FOUND, SKILL_REQUIRED, AGENT_OFFLINE, AGENT_AT_CAPACITY otherwise, nothing changed).
   */
  'conversation:hand-over': (payload: ConversationHandOverPayload, ack: AckCallback<ConversationView>) => void;
  /**
   * An internal note in the conversation, for agents only: by the agent who holds it, or a lead or
   * admin on any conversation of the site (CONVERSATION_NOT_ASSIGNED_TO_YOU otherwise). Deduplicated
   * on `clientId` like a message; pushed to the site's other consoles as `message:new` with `kind: 'note'`.
   */
  'note:add': (payload: NoteAddPayload, ack: AckCallback<NoteAdded>) => void;
  /**
   * The team's presence, load and skills (the candidates of a hand-over); for leads and admins also
   * each one's conversations and every waiting one.
   */
  'team:load': (payload: EmptyPayload, ack: AckCallback<TeamSnapshot>) => void;
  /**
   * A lead or admin gives a waiting or held conversation to a named agent, with the same checks as
   * a hand-over (FORBIDDEN for a plain agent).
   */
  'conversation:reassign': (payload: ConversationHandOverPayload, ack: AckCallback<ConversationView>) => void;
  /** Gives the conversation back to the front of its queue for another agent. */
  'conversation:release': (payload: ConversationRefPayload, ack: AckCallback<ConversationView>) => void;
  /** Takes the longest-waiting conversation of the agent's queues; null when none waits. */
  'queue:take-next': (payload: EmptyPayload, ack: AckCallback<TakenConversation | null>) => void;
  /** Online (gets conversations), away (keeps theirs, gets no new ones) or offline (gives theirs back). */
  'presence:set': (payload: PresenceSetPayload, ack: AckCallback<{ status: PresenceSetPayload['status'] }>) => void;
  'message:send': (payload: AgentMessageSendPayload, ack: AckCallback<MessageSent>) => void;
  /** The agent writes in a conversation they hold, or stopped. Throttled by the server; never the text. */
  'typing:set': (payload: TypingSetPayload, ack: AckCallback<{ relayed: boolean }>) => void;
  /** The console has shown this conversation up to this message. Moves forward only. */
  'message:seen': (payload: MessageSeenPayload, ack: AckCallback<LastSeen>) => void;
  /**
   * The other conversations of this conversation's visitor still in the live store, newest first,
   * to read (not answer). Changes nothing; the same refusals as `conversation:messages`.
   */
  'visitor:history': (payload: ConversationRefPayload, ack: AckCallback<PreviousConversation[]>) => void;
}

export interface AgentServerEvents {
  /** A conversation entered a queue this agent serves. */
  'queue:entered': (entry: QueueEntry, count: number) => void;
  /** A conversation left a queue (taken or ended); `count` is what is still waiting. */
  'queue:left': (left: { conversationId: ConversationId; queue: QueueName; takenBy?: AgentId }, count: number) => void;
  'message:new': (message: MessageView) => void;
  'conversation:updated': (conversation: ConversationView) => void;
  /** An agent was given this conversation (auto mode, or another tab's take): open it. */
  'conversation:assigned': (taken: TakenConversation) => void;
  /** The visitor of a conversation this agent holds writes, or stopped. */
  'conversation:typing': (signal: TypingSignal) => void;
  /** The visitor has read up to `lastSeenId`. */
  'message:seen': (seen: MessageSeen) => void;
  /** Leads and admins: the team changed (presence, load, a conversation waiting or taken). At most a few a second. */
  'team:updated': (team: TeamSnapshot) => void;
  /** The agent's status changed (in another tab of theirs, or by the server): the Status control follows. */
  'presence:changed': (presence: { status: PresenceSetPayload['status'] }) => void;
  /**
   * The console's session is over: `disabled` (an admin disabled the account) or `logged-out`
   * (logged out here or everywhere, or expired). The server disconnects the socket right after.
   */
  'session:ended': (ended: { reason: 'disabled' | 'logged-out' }) => void;
}

export interface InterServerEvents {}

/** What the server keeps on each socket after its handshake. */
export interface VisitorSocketData {
  siteKey: SiteKey;
  visitorId: VisitorId;
  token: string;
}

export interface AgentSocketData {
  agent: AgentView;
  /** The console session this socket rides on: logging it out ends the socket too. */
  sessionToken: string;
}

/** Error details on a refused handshake: `connect_error` carries `{ message, data: WireError }`. */
export type HandshakeError = Error & { data?: WireError };

// ---- Live signals (typing, seen) -----------------------------------------------------------

/** Which side of a conversation did something: its visitor or the agent who holds it. */
export type SeenBy = 'visitor' | 'agent';

/** The last message id each side has shown on screen; a side absent has seen nothing yet. */
export type LastSeen = Partial<Record<SeenBy, MessageId>>;

/** The other side is (or stopped) writing. Never the draft's text. */
export interface TypingSignal {
  conversationId: ConversationId;
  by: SeenBy;
  typing: boolean;
}

/** One side has shown the conversation up to `lastSeenId`; told to the other side only when it moved forward. */
export interface MessageSeen {
  conversationId: ConversationId;
  by: SeenBy;
  lastSeenId: MessageId;
}
