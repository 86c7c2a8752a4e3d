/**
 * The embedded store: the same contract as RedisStore, in one process's memory, for the
 * one-command demo and for development without Redis. Each method runs to completion without
 * awaiting in between, which makes it as atomic as a Lua script on a single-threaded Redis.
 */
import { createError } from '../../../shared/errors';
import { compareMessageIds } from '../../../shared/ids';
import { toQueueEntry } from '../../../shared/queue-entry';
import type { ConversationView, MessageView, QueueEntry, VisitorContext, VisitorIdentity } from '../../../shared/protocol';
import { QUEUES, type QueueName } from '../../../shared/queues';
import { createMemoryKpiOps } from './kpis';
import { mentionsAny } from './mentions';
import { toPlain } from './to-plain';
import { createMemoryRouterLearningOps } from './router-learning';
import { createMemoryWebhookOps } from './webhooks';
import { createMemoryCannedReplyOps } from './canned-replies';
import { AUDIT_ENTRIES_KEPT, auditEntryMatches, RECENT_TIMES_KEPT, type PasswordReset, ROUTING_CORRECTIONS_KEPT, type Agent, type AuditEntry, type Presence, type AgentSession, type RoutingCorrection, type RoutingRule, type SeenMarks, type Site, type Store } from '../store';

interface ConversationRecord {
  conversation: ConversationView;
  messages: MessageView[];
  messageIdByClientId: Map<string, string>;
  /** The last message id each side has seen (markSeen): kept with the record, so deleting it forgets them. */
  seen?: SeenMarks;
}

const clone = <T>(value: T): T => structuredClone(value);

export interface MemoryStore extends Store {
  /**
   * Everything the store holds, as plain JSON (Maps as [key, value] pairs): what a test searches
   * to prove that something is gone, as it scans every key of a Redis prefix.
   */
  dump(): unknown;
}

export function createMemoryStore(): MemoryStore {
  const { eraseRoutingExamples, ...routerLearningOps } = createMemoryRouterLearningOps();
  const sites = new Map<string, Site>();
  const agents = new Map<string, Agent>();
  const agentIdByEmail = new Map<string, string>();
  const sessions = new Map<string, AgentSession>();
  const passwordResets = new Map<string, PasswordReset>();
  const conversations = new Map<string, ConversationRecord>();
  const openConversationByVisitor = new Map<string, string>();
  const identities = new Map<string, VisitorIdentity>();
  const contexts = new Map<string, VisitorContext>();
  // Assignment state, per site, mirroring the Redis hashes the Lua scripts keep.
  const assignments = new Map<string, Map<string, string>>();
  const loads = new Map<string, Map<string, number>>();
  const capacities = new Map<string, Map<string, number>>();
  const presences = new Map<string, Map<string, Presence>>();
  const lastAssigned = new Map<string, Map<string, number>>();
  const names = new Map<string, Map<string, string>>();
  const online = new Map<string, Set<string>>();
  const visitorsGone = new Map<string, Map<string, number>>();
  const recent = new Map<string, number[]>();
  const stats = new Map<string, Map<string, number>>();
  const siteMap = <V>(maps: Map<string, Map<string, V>>, siteKey: string) => {
    let map = maps.get(siteKey);
    if (!map) maps.set(siteKey, (map = new Map()));
    return map;
  };
  const onlineSet = (siteKey: string, queue: QueueName) => {
    const key = `${siteKey}\n${queue}`;
    let set = online.get(key);
    if (!set) online.set(key, (set = new Set()));
    return set;
  };
  /** Online and within its deadline: what taking a conversation needs (away keeps, takes nothing new). */
  const isOnline = (siteKey: string, agentId: string, now: number) => {
    const presence = siteMap(presences, siteKey).get(agentId);
    return presence !== undefined && presence.status === 'online' && presence.deadline >= now;
  };
  const freePlaces = (siteKey: string, agentId: string) =>
    (siteMap(capacities, siteKey).get(agentId) ?? 0) - (siteMap(loads, siteKey).get(agentId) ?? 0);
  const assign = (c: ConversationView, agentId: string, agentName: string, now: number) => {
    c.status = 'active';
    c.assignedAgentId = agentId;
    c.assignedAgentName = agentName;
    c.assignedAt = now;
    siteMap(assignments, c.siteKey).set(c.id, agentId);
    siteMap(loads, c.siteKey).set(agentId, (siteMap(loads, c.siteKey).get(agentId) ?? 0) + 1);
    siteMap(lastAssigned, c.siteKey).set(agentId, now);
  };
  const unassign = (c: ConversationView) => {
    const agentId = siteMap(assignments, c.siteKey).get(c.id);
    if (agentId === undefined) return;
    siteMap(assignments, c.siteKey).delete(c.id);
    siteMap(loads, c.siteKey).set(agentId, Math.max(0, (siteMap(loads, c.siteKey).get(agentId) ?? 0) - 1));
  };
  /** Queue order, as the Redis queues' scores (see ConversationView.queueOrder). */
  const scoreOf = (c: ConversationView) => c.queueOrder ?? c.queuedAt;
  /** The one place a conversation's assignment ends, as releaseConversation-6.lua does. */
  const release = (
    input: { siteKey: string; conversationId: string; agentId: string; now: number; category?: string },
    mode: 'resolve' | 'requeue' | 'transfer',
    transfer?: { toQueue: QueueName; note: string; agentName: string; text: string },
  ) => {
    const r = record(input.siteKey, input.conversationId);
    const details = { conversationId: input.conversationId };
    if (!r) throw createError('CONVERSATION_NOT_FOUND', details);
    const c = r.conversation;
    if (c.status !== 'active') throw createError('CONVERSATION_NOT_ACTIVE', details);
    if (c.assignedAgentId !== input.agentId) throw createError('CONVERSATION_NOT_ASSIGNED_TO_YOU', details);
    if (mode === 'transfer' && c.queue === transfer!.toQueue) throw createError('TRANSFER_SAME_QUEUE', details);
    unassign(c);
    if (mode === 'resolve') {
      c.status = 'resolved';
      c.resolvedAt = input.now;
      if (input.category) c.category = input.category;
      const visitorKey = scoped(input.siteKey, c.visitorId);
      if (openConversationByVisitor.get(visitorKey) === c.id) openConversationByVisitor.delete(visitorKey);
      return clone(c);
    }
    delete c.assignedAgentId;
    delete c.assignedAgentName;
    delete c.assignedAt;
    c.status = 'waiting';
    if (mode === 'transfer') {
      const corrections = correctionsBySite.get(input.siteKey) ?? [];
      corrections.push({
        conversationId: c.id,
        text: transfer!.text,
        predicted: c.routing.queue,
        corrected: transfer!.toQueue,
        routedBy: c.routing.by,
        note: transfer!.note,
        agentId: input.agentId,
        at: input.now,
      });
      if (corrections.length > ROUTING_CORRECTIONS_KEPT) corrections.shift();
      correctionsBySite.set(input.siteKey, corrections);
      c.transfer = { fromQueue: c.queue, note: transfer!.note, byAgentName: transfer!.agentName, at: input.now };
      c.queue = transfer!.toQueue;
      c.queueOrder = c.queuedAt;
      return clone(c);
    }
    // The head of the others: it is waiting again already, with the order of its last wait.
    const head = queueEntries(input.siteKey, c.queue).find((other) => other.id !== c.id);
    const headScore = head ? scoreOf(head) : Infinity;
    c.queueOrder = Math.min(c.queuedAt, headScore - 1);
    return clone(c);
  };
  const auditBySite = new Map<string, AuditEntry[]>();
  const rulesBySite = new Map<string, Map<string, RoutingRule>>();
  const correctionsBySite = new Map<string, RoutingCorrection[]>();
  const counters = new Map<string, { count: number; endsAt: number }>();
  let lastIdMs = 0;
  let lastIdSeq = 0;

  const scoped = (siteKey: string, id: string) => `${siteKey}\n${id}`;
  const record = (siteKey: string, id: string) => conversations.get(scoped(siteKey, id));

  // Same shape and ordering as Redis stream ids, so clients cannot tell the stores apart.
  const nextMessageId = () => {
    const ms = Date.now();
    if (ms > lastIdMs) {
      lastIdMs = ms;
      lastIdSeq = 0;
    } else {
      lastIdSeq += 1;
    }
    return `${lastIdMs}-${lastIdSeq}`;
  };

  // A function declaration: the helpers above use it before this line runs.
  function queueEntries(siteKey: string, queue: QueueName) {
    return [...conversations.values()]
      .map((r) => r.conversation)
      .filter((c) => c.siteKey === siteKey && c.queue === queue && c.status === 'waiting')
      .sort((a, b) => scoreOf(a) - scoreOf(b) || (a.id < b.id ? -1 : 1));
  }

  const { forgetConversation, eraseEventsMentioning, state: kpiState, ...kpiOps } = createMemoryKpiOps((siteKey, id) => record(siteKey, id)?.conversation);

  return {
    ...kpiOps,

    dump() {
      return toPlain({
        sites, agents, agentIdByEmail, sessions, passwordResets, conversations, openConversationByVisitor, identities, assignments, loads,
        capacities, presences, lastAssigned, names, online, visitorsGone, recent, stats, auditBySite, rulesBySite,
        correctionsBySite, counters, kpis: kpiState(),
      });
    },

    ...createMemoryWebhookOps(),
    ...createMemoryCannedReplyOps(),
    ...routerLearningOps,

    async markSeen({ siteKey, conversationId, by, lastSeenId }) {
      const found = record(siteKey, conversationId);
      if (!found) throw createError('CONVERSATION_NOT_FOUND', { conversationId });
      if (!found.messages.some((m) => m.id === lastSeenId)) throw createError('MESSAGE_NOT_FOUND', { conversationId, messageId: lastSeenId });
      const seen = (found.seen ??= {});
      const before = seen[by];
      const moved = before === undefined || compareMessageIds(lastSeenId, before) > 0;
      if (moved) seen[by] = lastSeenId;
      return { moved, seen: { ...seen } };
    },

    async getSeen(siteKey, conversationId) {
      return { ...(record(siteKey, conversationId)?.seen ?? {}) };
    },

    async ping() {},
    async close() {},

    async hitCounter(name, windowMs) {
      const at = Date.now();
      let counter = counters.get(name);
      if (!counter || counter.endsAt <= at) {
        counter = { count: 0, endsAt: at + windowMs };
        counters.set(name, counter);
      }
      counter.count += 1;
      return { count: counter.count, resetInMs: counter.endsAt - at };
    },

    async peekCounter(name) {
      const counter = counters.get(name);
      const at = Date.now();
      return !counter || counter.endsAt <= at ? { count: 0, resetInMs: 0 } : { count: counter.count, resetInMs: counter.endsAt - at };
    },

    async resetCounter(name) {
      counters.delete(name);
    },

    async createSite(site) {
      sites.set(site.key, clone(site));
      return site;
    },

    async listSiteKeys() {
      return [...sites.keys()].sort();
    },

    async appendAudit(siteKey, entry) {
      const entries = auditBySite.get(siteKey) ?? [];
      entries.push(clone(entry));
      if (entries.length > AUDIT_ENTRIES_KEPT) entries.shift();
      auditBySite.set(siteKey, entries);
    },

    async listAudit(siteKey, limit, filter) {
      return clone((auditBySite.get(siteKey) ?? []).filter((entry) => auditEntryMatches(entry, filter)).slice(-limit).reverse());
    },

    async getSite(key) {
      const site = sites.get(key);
      return site ? clone(site) : null;
    },

    async updateSiteSettings(key, settings) {
      const site = sites.get(key);
      if (site) site.settings = clone(settings);
    },

    async updateSite(key, changes) {
      const site = sites.get(key);
      if (!site) return null;
      if (changes.name !== undefined) site.name = changes.name;
      if (changes.origins !== undefined) site.origins = [...changes.origins];
      if (changes.identitySecret !== undefined) site.identitySecret = changes.identitySecret;
      return clone(site);
    },

    async listRoutingRules(siteKey) {
      return [...(rulesBySite.get(siteKey)?.values() ?? [])].sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1)).map(clone);
    },

    async addRoutingRule(siteKey, rule) {
      const rules = rulesBySite.get(siteKey) ?? new Map<string, RoutingRule>();
      rules.set(rule.id, clone(rule));
      rulesBySite.set(siteKey, rules);
    },

    async removeRoutingRule(siteKey, id) {
      return rulesBySite.get(siteKey)?.delete(id) ?? false;
    },

    async listRoutingCorrections(siteKey, limit) {
      return clone((correctionsBySite.get(siteKey) ?? []).slice(-limit).reverse());
    },

    async createAgent(agent) {
      const email = agent.email.toLowerCase();
      if (agentIdByEmail.has(email)) throw createError('AGENT_EMAIL_TAKEN', { email: agent.email });
      agentIdByEmail.set(email, scoped(agent.siteKey, agent.id));
      agents.set(scoped(agent.siteKey, agent.id), clone(agent));
      return agent;
    },

    async getAgent(siteKey, id) {
      const agent = agents.get(scoped(siteKey, id));
      return agent ? clone(agent) : null;
    },

    async findAgentByEmail(email) {
      const ref = agentIdByEmail.get(email.toLowerCase());
      const agent = ref ? agents.get(ref) : undefined;
      return agent ? clone(agent) : null;
    },

    async listAgents(siteKey) {
      return [...agents.values()].filter((a) => a.siteKey === siteKey).sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1)).map(clone);
    },

    async createPasswordReset(reset) {
      passwordResets.set(reset.hash, clone(reset));
    },

    async takePasswordReset(hash, now) {
      const reset = passwordResets.get(hash);
      passwordResets.delete(hash);
      return reset && reset.expiresAt > now ? reset : null;
    },

    async createSession(session) {
      sessions.set(session.token, clone(session));
    },

    async getSession(token, now) {
      const session = sessions.get(token);
      if (!session) return null;
      if (session.expiresAt <= now) {
        sessions.delete(token);
        return null;
      }
      return clone(session);
    },

    async deleteSession(token) {
      sessions.delete(token);
    },

    async deleteAgentSessions(agentId) {
      let count = 0;
      for (const [token, session] of sessions) {
        if (session.agentId === agentId) {
          sessions.delete(token);
          count += 1;
        }
      }
      return count;
    },

    async createConversation(input) {
      const visitorKey = scoped(input.siteKey, input.visitorId);
      const open = openConversationByVisitor.get(visitorKey);
      if (open) throw createError('CONVERSATION_ALREADY_OPEN', { conversationId: open });
      let previousCreatedAt: number | undefined;
      for (const { conversation: c } of conversations.values()) {
        const theirs = c.siteKey === input.siteKey && c.visitorId === input.visitorId;
        if (theirs && (previousCreatedAt === undefined || c.createdAt > previousCreatedAt)) previousCreatedAt = c.createdAt;
      }
      const conversation: ConversationView = {
        id: input.id,
        siteKey: input.siteKey,
        visitorId: input.visitorId,
        status: 'waiting',
        queue: input.routing.queue,
        routing: clone(input.routing),
        preview: input.preview,
        ...(input.visitor ? { visitor: clone(input.visitor) } : {}),
        ...(input.context ? { context: clone(input.context) } : {}),
        ...(input.visitorIp ? { visitorIp: input.visitorIp } : {}),
        ...(input.leftMessage ? { leftMessage: true } : {}),
        createdAt: input.now,
        queuedAt: input.now,
        queueOrder: input.now - (input.priorityMs ?? 0),
      };
      const message: MessageView = {
        id: nextMessageId(),
        conversationId: input.id,
        clientId: input.firstMessage.clientId,
        author: 'visitor',
        text: input.firstMessage.text,
        createdAt: input.now,
      };
      conversations.set(scoped(input.siteKey, input.id), {
        conversation,
        messages: [message],
        messageIdByClientId: new Map([[message.clientId, message.id]]),
      });
      openConversationByVisitor.set(visitorKey, input.id);
      return {
        conversation: clone(conversation),
        message: clone(message),
        queueCount: queueEntries(input.siteKey, conversation.queue).length,
        ...(previousCreatedAt !== undefined ? { previousCreatedAt } : {}),
      };
    },

    async getConversation(siteKey, id) {
      const r = record(siteKey, id);
      return r ? clone(r.conversation) : null;
    },

    async setVisitorIdentity(siteKey, visitorId, identity) {
      identities.set(scoped(siteKey, visitorId), clone(identity));
      const open = openConversationByVisitor.get(scoped(siteKey, visitorId));
      const r = open ? record(siteKey, open) : undefined;
      if (r) r.conversation.visitor = clone(identity);
    },

    async getVisitorIdentity(siteKey, visitorId) {
      const identity = identities.get(scoped(siteKey, visitorId));
      return identity ? clone(identity) : null;
    },

    async deleteVisitorIdentity(siteKey, visitorId) {
      identities.delete(scoped(siteKey, visitorId));
    },

    async setVisitorContext(siteKey, visitorId, context) {
      contexts.set(scoped(siteKey, visitorId), clone(context));
      const open = openConversationByVisitor.get(scoped(siteKey, visitorId));
      const r = open ? record(siteKey, open) : undefined;
      if (!r) return null;
      r.conversation.context = clone(context);
      return clone(r.conversation);
    },

    async getVisitorContext(siteKey, visitorId) {
      const context = contexts.get(scoped(siteKey, visitorId));
      return context ? clone(context) : null;
    },

    async listVisitorConversations(siteKey, visitorId) {
      return [...conversations.values()]
        .map((r) => r.conversation)
        .filter((c) => c.siteKey === siteKey && c.visitorId === visitorId)
        .sort((a, b) => a.createdAt - b.createdAt)
        .map(clone);
    },

    async listConversationIdsCreatedBefore(siteKey, before, limit) {
      return [...conversations.values()]
        .map((r) => r.conversation)
        .filter((c) => c.siteKey === siteKey && c.createdAt < before)
        .sort((a, b) => a.createdAt - b.createdAt)
        .slice(0, limit)
        .map((c) => c.id);
    },


    async eraseVisitorTraces({ siteKey, visitorId, conversationIds, counters: names }) {
      const ids = [visitorId, ...conversationIds];
      const corrections = correctionsBySite.get(siteKey) ?? [];
      const keptCorrections = corrections.filter((c) => !mentionsAny(c, ids));
      correctionsBySite.set(siteKey, keptCorrections);
      const entries = auditBySite.get(siteKey) ?? [];
      const erasedEntries = entries.filter((e) => mentionsAny(e, ids));
      auditBySite.set(siteKey, entries.filter((e) => !erasedEntries.includes(e)));
      for (const id of conversationIds) siteMap(visitorsGone, siteKey).delete(id);
      return {
        routingCorrections: corrections.length - keptCorrections.length,
        routingExamples: eraseRoutingExamples(siteKey, new Set(ids)),
        kpiEvents: eraseEventsMentioning(siteKey, ids),
        auditEntries: clone(erasedEntries),
        counters: names.filter((name) => counters.delete(name)).length,
        // The page context is erased with the identity; reported with it (both say who and where the visitor is).
        identity: [identities.delete(scoped(siteKey, visitorId)), contexts.delete(scoped(siteKey, visitorId))].includes(true),
      };
    },

    async getOpenConversation(siteKey, visitorId) {
      const id = await this.getOpenConversationId(siteKey, visitorId);
      const r = id ? record(siteKey, id) : undefined;
      return r ? clone(r.conversation) : null;
    },

    async getOpenConversationId(siteKey, visitorId) {
      return openConversationByVisitor.get(scoped(siteKey, visitorId)) ?? null;
    },

    async appendMessage(input) {
      const r = record(input.siteKey, input.conversationId);
      const details = { conversationId: input.conversationId };
      if (!r) throw createError('CONVERSATION_NOT_FOUND', details);
      const c = r.conversation;
      if (input.kind !== 'note' && input.author === 'agent' && c.assignedAgentId !== input.agentId) {
        throw createError('CONVERSATION_NOT_ASSIGNED_TO_YOU', details);
      }
      const existingId = r.messageIdByClientId.get(input.clientId);
      if (existingId) {
        return { duplicate: true, message: clone(r.messages.find((m) => m.id === existingId)!), conversation: clone(c) };
      }
      if (input.kind !== 'note' && (c.status === 'resolved' || c.status === 'abandoned')) throw createError('CONVERSATION_NOT_ACTIVE', details);
      if (input.kind !== 'note' && input.author === 'agent' && (c.status !== 'active' || c.assignedAgentId !== input.agentId)) {
        throw createError('CONVERSATION_NOT_ASSIGNED_TO_YOU', details);
      }
      const message: MessageView = {
        id: nextMessageId(),
        conversationId: input.conversationId,
        clientId: input.clientId,
        author: input.author,
        text: input.text,
        createdAt: input.now,
        ...(input.agentName ? { agentName: input.agentName } : {}),
        ...(input.kind ? { kind: input.kind } : {}),
        ...(input.attachment ? { attachment: input.attachment } : {}),
      };
      r.messages.push(message);
      r.messageIdByClientId.set(message.clientId, message.id);
      return { duplicate: false, message: clone(message), conversation: clone(c) };
    },

    async messagesAfter(siteKey, id, afterId, limit) {
      const r = record(siteKey, id);
      if (!r) return [];
      const after = afterId ? r.messages.filter((m) => compareMessageIds(m.id, afterId) > 0) : r.messages;
      return clone(after.slice(0, limit));
    },



    async rerouteConversation(input) {
      const r = record(input.siteKey, input.conversationId);
      const details = { conversationId: input.conversationId };
      if (!r) throw createError('CONVERSATION_NOT_FOUND', details);
      const c = r.conversation;
      if (c.status !== 'waiting') throw createError('CONVERSATION_NOT_WAITING', details);
      if (c.queue !== input.fromQueue) throw createError('CONVERSATION_CHANGED', details);
      c.queue = input.routing.queue;
      c.routing = clone(input.routing);
      return clone(c);
    },


    async deleteConversation(siteKey, id) {
      const r = record(siteKey, id);
      if (!r) return false;
      unassign(r.conversation);
      conversations.delete(scoped(siteKey, id));
      forgetConversation(siteKey, id);
      siteMap(visitorsGone, siteKey).delete(id);
      const visitorKey = scoped(siteKey, r.conversation.visitorId);
      if (openConversationByVisitor.get(visitorKey) === id) openConversationByVisitor.delete(visitorKey);
      return true;
    },

    async claimConversation(input) {
      const r = record(input.siteKey, input.conversationId);
      const details = { conversationId: input.conversationId };
      if (!r) throw createError('CONVERSATION_NOT_FOUND', details);
      const c = r.conversation;
      if (c.status !== 'waiting') throw createError('CONVERSATION_NOT_WAITING', details);
      if (!input.skills.includes(c.queue)) throw createError('SKILL_REQUIRED', details);
      if (!isOnline(input.siteKey, input.agentId, input.now)) throw createError('AGENT_OFFLINE', details);
      if (freePlaces(input.siteKey, input.agentId) <= 0) throw createError('AGENT_AT_CAPACITY', details);
      assign(c, input.agentId, input.agentName, input.now);
      return clone(c);
    },

    async resolveConversation(input) {
      return release(input, 'resolve');
    },

    async requeueConversation(input) {
      return release(input, 'requeue');
    },

    async reopenConversation({ siteKey, conversationId, visitorId, endedAfter, now }) {
      const c = record(siteKey, conversationId)?.conversation;
      const details = { conversationId };
      if (!c || c.visitorId !== visitorId) throw createError('CONVERSATION_NOT_FOUND', details);
      if (c.status !== 'resolved') throw createError('CONVERSATION_NOT_RESOLVED', details);
      if (c.resolvedAt! < endedAfter) throw createError('CONVERSATION_REOPEN_EXPIRED', details);
      const visitorKey = scoped(siteKey, visitorId);
      const open = openConversationByVisitor.get(visitorKey);
      if (open !== undefined && open !== conversationId) throw createError('CONVERSATION_ALREADY_OPEN', details);
      // At the front of its queue from now, as reopenConversation-4.lua puts it; the visitor is here.
      siteMap(visitorsGone, siteKey).delete(conversationId);
      const head = queueEntries(siteKey, c.queue)[0];
      c.queueOrder = Math.min(now, head ? scoreOf(head) - 1 : now);
      delete c.assignedAgentId;
      delete c.assignedAgentName;
      delete c.assignedAt;
      c.status = 'waiting';
      c.queuedAt = now;
      c.reopenedAt = now;
      openConversationByVisitor.set(visitorKey, conversationId);
      return clone(c);
    },

    async transferConversation(input) {
      return release(input, 'transfer', input);
    },

    async listAgentConversations(siteKey, agentId) {
      return [...conversations.values()]
        .map((r) => r.conversation)
        .filter((c) => c.siteKey === siteKey && c.status === 'active' && c.assignedAgentId === agentId)
        .sort((a, b) => (a.assignedAt ?? 0) - (b.assignedAt ?? 0))
        .map(clone);
    },

    async assignNext(siteKey, queue, now) {
      const head = queueEntries(siteKey, queue)[0];
      if (!head) return null;
      let best: string | undefined;
      let bestFree = 0;
      let bestLast = 0;
      for (const agentId of onlineSet(siteKey, queue)) {
        const presence = siteMap(presences, siteKey).get(agentId);
        if (presence?.status !== 'online' || presence.deadline < now) continue;
        const free = freePlaces(siteKey, agentId);
        const last = siteMap(lastAssigned, siteKey).get(agentId) ?? 0;
        if (free > 0 && (!best || free > bestFree || (free === bestFree && (last < bestLast || (last === bestLast && agentId < best))))) {
          [best, bestFree, bestLast] = [agentId, free, last];
        }
      }
      if (!best) return null;
      assign(head, best, siteMap(names, siteKey).get(best) ?? '', now);
      return clone(head);
    },

    // options.heads is only a way to spare Redis a read: this store looks at the line itself.
    async assignWaiting(siteKey, queue, now, options = {}) {
      const assigned: ConversationView[] = [];
      for (let next = await this.assignNext(siteKey, queue, now); next; next = await this.assignNext(siteKey, queue, now)) {
        assigned.push(next);
        options.onAssigned?.([clone(next)]);
      }
      return assigned;
    },

    async setPresence({ siteKey, agent, status, deadline }) {
      siteMap(presences, siteKey).set(agent.id, { status, deadline });
      const capacity = agent.disabled ? 0 : agent.capacity;
      siteMap(capacities, siteKey).set(agent.id, capacity);
      siteMap(names, siteKey).set(agent.id, agent.name);
      for (const queue of QUEUES) {
        if (status === 'online' && capacity > 0 && agent.skills.includes(queue)) onlineSet(siteKey, queue).add(agent.id);
        else onlineSet(siteKey, queue).delete(agent.id);
      }
    },

    async renewPresence({ siteKey, agent, initial, deadline }) {
      const status = siteMap(presences, siteKey).get(agent.id)?.status ?? initial;
      if (status !== 'offline') await this.setPresence({ siteKey, agent, status, deadline });
      return status;
    },

    async listPresence(siteKey) {
      return Object.fromEntries([...siteMap(presences, siteKey)].map(([id, p]) => [id, { ...p }]));
    },

    async listAssignments(siteKey) {
      return Object.fromEntries(siteMap(assignments, siteKey));
    },

    async agentLoads(siteKey) {
      return Object.fromEntries(siteMap(loads, siteKey));
    },

    async updateAgent(siteKey, id, changes) {
      const agent = agents.get(scoped(siteKey, id));
      if (!agent) return null;
      for (const [field, value] of Object.entries(changes)) {
        if (value !== undefined) (agent as unknown as Record<string, unknown>)[field] = clone(value);
      }
      return clone(agent);
    },

    async queuePosition(siteKey, queue, conversationId) {
      const index = queueEntries(siteKey, queue).findIndex((c) => c.id === conversationId);
      return index < 0 ? null : index + 1;
    },

    async listQueueIds(siteKey, queue) {
      return queueEntries(siteKey, queue).map((c) => c.id);
    },

    async listQueueVisitors(siteKey, queue) {
      return queueEntries(siteKey, queue).map((c) => ({ conversationId: c.id, visitorId: c.visitorId }));
    },

    async recordTime(siteKey, queue, kind, ms) {
      const key = `${siteKey}\n${queue}\n${kind}`;
      const times = recent.get(key) ?? [];
      times.unshift(Math.max(0, Math.round(ms)));
      recent.set(key, times.slice(0, RECENT_TIMES_KEPT));
    },

    async recentTimes(siteKey, queue, kind) {
      return [...(recent.get(`${siteKey}\n${queue}\n${kind}`) ?? [])];
    },

    async setVisitorGone(siteKey, conversationId, since) {
      if (since === null) siteMap(visitorsGone, siteKey).delete(conversationId);
      else siteMap(visitorsGone, siteKey).set(conversationId, since);
    },

    async listVisitorsGoneBefore(siteKey, before) {
      return [...siteMap(visitorsGone, siteKey)].filter(([, since]) => since < before).map(([id]) => id);
    },

    async abandonConversation(siteKey, conversationId, now) {
      siteMap(visitorsGone, siteKey).delete(conversationId);
      const r = record(siteKey, conversationId);
      const details = { conversationId };
      if (!r) throw createError('CONVERSATION_NOT_FOUND', details);
      const c = r.conversation;
      if (c.status !== 'waiting') throw createError('CONVERSATION_NOT_WAITING', details);
      c.status = 'abandoned';
      c.abandonedAt = now;
      const visitorKey = scoped(siteKey, c.visitorId);
      if (openConversationByVisitor.get(visitorKey) === c.id) openConversationByVisitor.delete(visitorKey);
      const counters = siteMap(stats, siteKey);
      counters.set(`abandoned:${c.queue}`, (counters.get(`abandoned:${c.queue}`) ?? 0) + 1);
      return clone(c);
    },

    async getStats(siteKey) {
      const result: Record<string, number> = Object.fromEntries(QUEUES.map((queue) => [`abandoned:${queue}`, 0]));
      for (const [name, value] of siteMap(stats, siteKey)) result[name] = value;
      return result;
    },

    async listQueue(siteKey, queue, limit) {
      const waiting = queueEntries(siteKey, queue);
      const entries: QueueEntry[] = waiting.slice(0, limit).map((c) => toQueueEntry(clone(c)));
      return { count: waiting.length, entries };
    },

  };
}
