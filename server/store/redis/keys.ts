/**
 * Every Redis key Switchboard uses is built here and nowhere else. All keys of one site carry the
 * `{siteKey}` hash tag, so every multi-key script touches a single Redis Cluster slot.
 */
import type { AgentId, ConversationId, SiteKey, VisitorId } from '../../../shared/ids';
import type { QueueName } from '../../../shared/queues';
import type { KpiScope, KpiUnit } from '../store';

export interface RedisKeys {
  site(site: SiteKey): string;
  agent(site: SiteKey, id: AgentId): string;
  /** The ids of every agent of the site, for its admins' list. */
  siteAgents(site: SiteKey): string;
  /** Global: a password-reset link, by the SHA-256 of its token (expires with the link). */
  passwordReset(hash: string): string;
  /** Conversation id → agent id, for every active conversation of the site. */
  assignments(site: SiteKey): string;
  /** Agent id → open conversations. */
  agentLoad(site: SiteKey): string;
  /** Agent id → most open conversations at once (0 while disabled). */
  agentCapacity(site: SiteKey): string;
  /** Agent id → "status:deadline". */
  agentPresence(site: SiteKey): string;
  /** Agent id → when they were last given a conversation (auto-assign ties). */
  agentLastAssigned(site: SiteKey): string;
  agentNames(site: SiteKey): string;
  /** Agents online with a queue's skill and able to take conversations. */
  onlineAgents(site: SiteKey, queue: QueueName): string;
  /** Conversation id → when its visitor's last connection closed, while waiting. */
  visitorsGone(site: SiteKey): string;
  /** Recent wait (queued → assigned) or handle (assigned → resolved) times of a queue, newest first. */
  recentTimes(site: SiteKey, queue: QueueName, kind: 'wait' | 'handle'): string;
  /** Site counters (abandoned per queue …). */
  stats(site: SiteKey): string;
  /** Global: logging in starts from an email alone. */
  agentEmail(email: string): string;
  /** Global: a session cookie carries no site. */
  session(token: string): string;
  /** Global: the session tokens of one agent, for logging out everywhere. */
  agentSessions(agent: AgentId): string;
  /** Global: rate-limit and throttling counters (their names carry the site where they have one). */
  counter(name: string): string;
  conversation(site: SiteKey, id: ConversationId): string;
  conversationMessages(site: SiteKey, id: ConversationId): string;
  conversationClientIds(site: SiteKey, id: ConversationId): string;
  queue(site: SiteKey, queue: QueueName): string;
  visitorOpenConversation(site: SiteKey, visitor: VisitorId): string;
  routingRules(site: SiteKey): string;
  visitorIdentity(site: SiteKey, visitor: VisitorId): string;
  /** The visitor's page context (JSON), per site. */
  visitorContext(site: SiteKey, visitor: VisitorId): string;
  visitorConversations(site: SiteKey, visitor: VisitorId): string;
  /** Every conversation of a site by creation time, for retention. */
  siteConversations(site: SiteKey): string;
  audit(site: SiteKey): string;
  /** Global: every site key, for jobs that visit each site. */
  sites(): string;
  routingCorrections(site: SiteKey): string;
  /** Hash: conversation id → routing example (JSON), per-site learning. */
  routingExamples(site: SiteKey): string;
  /** Sorted set: conversation id by example time, to keep the newest. */
  routingExampleOrder(site: SiteKey): string;
  /** Hash: `active` version, `versions` (JSON), `pending` corrections. */
  routerLearning(site: SiteKey): string;
  /** The site's raw KPI events, a capped stream. */
  kpiEvents(site: SiteKey): string;
  /** KPI aggregates of one hour, day or week (index as kpiBucketIndex gives it) in one scope (see KpiScope). */
  kpiBucket(site: SiteKey, scope: KpiScope, unit: KpiUnit, index: number): string;
  /** The hashes of the site's API tokens. */
  siteApiTokens(site: SiteKey): string;
  /** Token hash → when it was last used (ms). */
  siteApiTokenUses(site: SiteKey): string;
  /**
   * Global: BullMQ's own `prefix` (its keys are `<this>:<queue>:<suffix>`). The `{jobs}` hash tag
   * puts every job key in one Redis Cluster slot, as BullMQ's scripts need.
   */
  jobs(): string;
  /** Held by the one server running with SINGLE_PROCESS=true on this Redis and prefix (process-lease.ts). */
  singleProcessLease(): string;
  /** The Socket.IO Redis adapter's channel prefix (`<this>#/visitor#`, `<this>-request#/visitor#` …). */
  socketIoChannels(): string;
  /** Endpoint id → the endpoint (JSON). */
  webhooks(site: SiteKey): string;
  /** Canned reply id → the reply, JSON. */
  cannedReplies(site: SiteKey): string;
  /** Canned reply shortcut → its id: one reply per shortcut. */
  cannedShortcuts(site: SiteKey): string;
  /** A list of pending event bodies of one endpoint, oldest first: one conversation's, or (without one) the endpoint's other events. */
  webhookOutbox(site: SiteKey, endpoint: string, conversation?: ConversationId): string;
  /** The conversation ids with a non-empty outbox of the endpoint (`-` for the one without a conversation), to delete them with it. */
  webhookOutboxes(site: SiteKey, endpoint: string): string;
  /** The endpoint's recent delivery attempts (JSON), newest first. */
  webhookDeliveries(site: SiteKey, endpoint: string): string;
}

/** @param prefix namespace of every key, e.g. `sb` or `sb:test:<uuid>` */
export function createKeys(prefix: string): RedisKeys {
  const tagged = (site: SiteKey) => `${prefix}:{${site}}`;
  return {
    site: (site) => `${tagged(site)}:site`,
    agent: (site, id) => `${tagged(site)}:agent:${id}`,
    siteAgents: (site) => `${tagged(site)}:agents:ids`,
    passwordReset: (hash) => `${prefix}:password-reset:${hash}`,
    assignments: (site) => `${tagged(site)}:assignments`,
    agentLoad: (site) => `${tagged(site)}:agents:load`,
    agentCapacity: (site) => `${tagged(site)}:agents:capacity`,
    agentPresence: (site) => `${tagged(site)}:agents:presence`,
    agentLastAssigned: (site) => `${tagged(site)}:agents:last-assigned`,
    agentNames: (site) => `${tagged(site)}:agents:names`,
    onlineAgents: (site, queue) => `${tagged(site)}:online:${queue}`,
    visitorsGone: (site) => `${tagged(site)}:visitors-gone`,
    recentTimes: (site, queue, kind) => `${tagged(site)}:recent:${queue}:${kind}`,
    stats: (site) => `${tagged(site)}:stats`,
    agentEmail: (email) => `${prefix}:agent-email:${email.toLowerCase()}`,
    session: (token) => `${prefix}:session:${token}`,
    agentSessions: (agent) => `${prefix}:agent-sessions:${agent}`,
    counter: (name) => `${prefix}:counter:${name}`,
    conversation: (site, id) => `${tagged(site)}:conv:${id}`,
    conversationMessages: (site, id) => `${tagged(site)}:conv:${id}:messages`,
    conversationClientIds: (site, id) => `${tagged(site)}:conv:${id}:client-ids`,
    queue: (site, queue) => `${tagged(site)}:queue:${queue}`,
    visitorOpenConversation: (site, visitor) => `${tagged(site)}:visitor:${visitor}:open`,
    routingRules: (site) => `${tagged(site)}:routing:rules`,
    visitorIdentity: (site, visitor) => `${tagged(site)}:visitor:${visitor}:identity`,
    visitorContext: (site, visitor) => `${tagged(site)}:visitor:${visitor}:context`,
    visitorConversations: (site, visitor) => `${tagged(site)}:visitor:${visitor}:conversations`,
    siteConversations: (site) => `${tagged(site)}:conversations`,
    audit: (site) => `${tagged(site)}:audit`,
    sites: () => `${prefix}:sites`,
    routingCorrections: (site) => `${tagged(site)}:routing:corrections`,
    routingExamples: (site) => `${tagged(site)}:routing:examples`,
    routingExampleOrder: (site) => `${tagged(site)}:routing:examples:order`,
    routerLearning: (site) => `${tagged(site)}:routing:learning`,
    kpiEvents: (site) => `${tagged(site)}:kpi:events`,
    kpiBucket: (site, scope, unit, index) => `${tagged(site)}:kpi:${scope}:${unit}:${index}`,
    siteApiTokens: (site) => `${tagged(site)}:api-tokens`,
    siteApiTokenUses: (site) => `${tagged(site)}:api-tokens:used`,
    jobs: () => `${prefix}:{jobs}`,
    singleProcessLease: () => `${prefix}:single-process`,
    socketIoChannels: () => `${prefix}:socket.io`,
    webhooks: (site) => `${tagged(site)}:webhooks`,
    cannedReplies: (site) => `${tagged(site)}:canned`,
    cannedShortcuts: (site) => `${tagged(site)}:canned:shortcuts`,
    webhookOutbox: (site, endpoint, conversation) => `${tagged(site)}:webhook:${endpoint}:outbox${conversation === undefined ? '' : `:${conversation}`}`,
    webhookOutboxes: (site, endpoint) => `${tagged(site)}:webhook:${endpoint}:outboxes`,
    webhookDeliveries: (site, endpoint) => `${tagged(site)}:webhook:${endpoint}:deliveries`,
  };
}
