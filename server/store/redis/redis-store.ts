import type { Redis, RedisOptions } from 'ioredis';
import { createError } from '../../../shared/errors';
import type { ConversationView, QueueEntry, VisitorContext, VisitorIdentity } from '../../../shared/protocol';
import type { SiteKey } from '../../../shared/ids';
import { toQueueEntry } from '../../../shared/queue-entry';
import { AUDIT_ENTRIES_KEPT, auditEntryMatches, ROUTING_CORRECTIONS_KEPT, type AgentSession, type PasswordReset, type AuditEntry, type RoutingRule, type Store } from '../store';
import { createKeys } from './keys';
import {
  agentFromHash,
  agentToFields,
  conversationFromHash,
  conversationToFields,
  correctionFromStreamEntry,
  fieldsOf,
  messageFromStreamEntry,
  siteFromHash,
  siteToFields,
} from './records';
import { createAssignmentOps } from './assignment';
import { createErasureOps } from './erasure';
import { createRouterLearningOps } from './router-learning';
import { createKpiOps } from './kpis';
import { createWebhookOps } from './webhooks';
import { createCannedReplyOps } from './canned-replies';
import { createSeenOps } from './seen';
import { migrateKpiAggregates } from './kpi-migration';
import { checkScriptResult, defineScripts } from './scripts';
import { createRedisConnection } from './connection';
import type { RedisSentinelConfig } from '../../config';
import type { QueueName } from '../../../shared/queues';

/** Audit entries read per round trip while filtering. */
const AUDIT_PAGE = 1000;

export interface RedisStoreOptions {
  /** `redis://host:port/db`. */
  url: string;
  /** Sentinel mode: the master is asked of these sentinels; `url` still gives password, db and TLS. @default undefined */
  sentinel?: RedisSentinelConfig | undefined;
  /**
   * Namespace of every key.
   * @default 'sb'
   */
  prefix?: string;
  redisOptions?: RedisOptions;
}

export interface RedisStore extends Store {
  /** The connection, for the Socket.IO Redis adapter and health checks. */
  readonly redis: Redis;
  /** Brings KPI aggregates an earlier version recorded to the present layout (see kpi-migration.ts). */
  migrateKpiAggregates(siteKey: SiteKey): Promise<{ categoryFieldsMoved: number; weeksRebuilt: number }>;
}

export function createRedisStore(options: RedisStoreOptions): RedisStore {
  // Auto-pipelined: the commands of one turn of the event loop (a message costs several, and many
  // messages arrive together under load) leave in one write instead of one write each, which was
  // a fifth of a busy server's CPU (issue 17's profile). Connections duplicated from this one for
  // blocking or subscriber use turn it off again (bullmq-jobs.ts, realtime.ts).
  const redis = createRedisConnection({ url: options.url, sentinel: options.sentinel }, { lazyConnect: false, maxRetriesPerRequest: 2, enableAutoPipelining: true, ...options.redisOptions });
  defineScripts(redis);
  const keys = createKeys(options.prefix ?? 'sb');

  const getConversation = async (siteKey: string, id: string) =>
    conversationFromHash(await redis.hgetall(keys.conversation(siteKey, id)));
  const getOpenConversationId = (siteKey: string, visitorId: string) => redis.get(keys.visitorOpenConversation(siteKey, visitorId));

  const readMessage = async (siteKey: string, conversationId: string, id: string) => {
    const [entry] = (await redis.xrange(keys.conversationMessages(siteKey, conversationId), id, id)) as [string, string[]][];
    if (!entry) throw new Error(`message ${id} of ${conversationId} vanished`);
    return messageFromStreamEntry(conversationId, entry);
  };

  /** releaseConversation-6.lua: the one way an agent's conversation ends or goes back to waiting. */
  const release = async (
    input: { siteKey: string; conversationId: string; agentId: string; now: number; category?: string },
    mode: 'resolve' | 'requeue' | 'transfer',
    transfer?: { toQueue: QueueName; note: string; agentName: string; text: string },
  ) => {
    const { siteKey, conversationId } = input;
    const [visitorId, queue] = await redis.hmget(keys.conversation(siteKey, conversationId), 'visitorId', 'queue');
    if (!visitorId) throw createError('CONVERSATION_NOT_FOUND', { conversationId });
    const target = (transfer?.toQueue ?? queue ?? 'service') as QueueName;
    const code = await redis.sbReleaseConversationV1(
      keys.conversation(siteKey, conversationId),
      keys.assignments(siteKey),
      keys.agentLoad(siteKey),
      keys.visitorOpenConversation(siteKey, visitorId),
      keys.queue(siteKey, target),
      keys.routingCorrections(siteKey),
      conversationId,
      input.agentId,
      input.now,
      mode,
      target,
      transfer?.note ?? '',
      transfer?.agentName ?? '',
      transfer?.text ?? '',
      ROUTING_CORRECTIONS_KEPT,
      input.category ?? '',
    );
    checkScriptResult('releaseConversation', code, { conversationId });
    return (await getConversation(siteKey, conversationId))!;
  };

  const routerLearning = createRouterLearningOps(redis, keys);
  const { eraseRoutingExamples, ...routerLearningOps } = routerLearning;
  const store: RedisStore = {
    redis,

    migrateKpiAggregates: (siteKey) => migrateKpiAggregates(redis, keys, siteKey),

    async ping() {
      await redis.ping();
    },

    async close() {
      await redis.quit().catch(() => redis.disconnect());
    },

    async hitCounter(name, windowMs) {
      const [count, resetInMs] = await redis.sbHitCounterV1(keys.counter(name), windowMs);
      return { count, resetInMs };
    },

    async peekCounter(name) {
      const [count, ttl] = await Promise.all([redis.get(keys.counter(name)), redis.pttl(keys.counter(name))]);
      return { count: Number(count ?? 0), resetInMs: Math.max(0, ttl) };
    },

    async resetCounter(name) {
      await redis.del(keys.counter(name));
    },

    async createSite(site) {
      await redis.hset(keys.site(site.key), siteToFields(site));
      await redis.sadd(keys.sites(), site.key);
      return site;
    },

    async listSiteKeys() {
      return (await redis.smembers(keys.sites())).sort();
    },

    async appendAudit(siteKey, entry) {
      await redis.xadd(keys.audit(siteKey), 'MAXLEN', '~', AUDIT_ENTRIES_KEPT, '*', 'entry', JSON.stringify(entry));
    },

    async listAudit(siteKey, limit, filter) {
      if (!filter) {
        const entries = (await redis.xrevrange(keys.audit(siteKey), '+', '-', 'COUNT', limit)) as [string, string[]][];
        return entries.map(([, fields]) => JSON.parse(fields[1]!) as AuditEntry);
      }
      // Filtered: read back from the newest, a page at a time, until enough match or the trail ends.
      const found: AuditEntry[] = [];
      let end = '+';
      for (;;) {
        const page = (await redis.xrevrange(keys.audit(siteKey), end, '-', 'COUNT', AUDIT_PAGE)) as [string, string[]][];
        for (const [, fields] of page) {
          const entry = JSON.parse(fields[1]!) as AuditEntry;
          if (auditEntryMatches(entry, filter)) found.push(entry);
          if (found.length === limit) return found;
        }
        if (page.length < AUDIT_PAGE) return found;
        end = `(${page[page.length - 1]![0]}`;
      }
    },

    async getSite(key) {
      return siteFromHash(await redis.hgetall(keys.site(key)));
    },

    async updateSiteSettings(key, settings) {
      await redis.hset(keys.site(key), 'settings', JSON.stringify(settings));
    },

    async updateSite(key, changes) {
      if (!(await redis.exists(keys.site(key)))) return null;
      const fields: Record<string, string> = {};
      if (changes.name !== undefined) fields.name = changes.name;
      if (changes.origins !== undefined) fields.origins = JSON.stringify(changes.origins);
      if (changes.identitySecret !== undefined) fields.identitySecret = changes.identitySecret;
      if (Object.keys(fields).length > 0) await redis.hset(keys.site(key), fields);
      return siteFromHash(await redis.hgetall(keys.site(key)));
    },

    async listRoutingRules(siteKey) {
      const rules = Object.values(await redis.hgetall(keys.routingRules(siteKey))).map((raw) => JSON.parse(raw) as RoutingRule);
      return rules.sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1));
    },

    async addRoutingRule(siteKey, rule) {
      await redis.hset(keys.routingRules(siteKey), rule.id, JSON.stringify(rule));
    },

    async removeRoutingRule(siteKey, id) {
      return (await redis.hdel(keys.routingRules(siteKey), id)) === 1;
    },

    async listRoutingCorrections(siteKey, limit) {
      const entries = (await redis.xrevrange(keys.routingCorrections(siteKey), '+', '-', 'COUNT', limit)) as [string, string[]][];
      return entries.map(correctionFromStreamEntry);
    },

    async createAgent(agent) {
      // The email is reserved first so two concurrent sign-ups with one address cannot both win.
      const reserved = await redis.set(keys.agentEmail(agent.email), `${agent.siteKey}\n${agent.id}`, 'NX');
      if (reserved !== 'OK') throw createError('AGENT_EMAIL_TAKEN', { email: agent.email });
      await redis.multi().hset(keys.agent(agent.siteKey, agent.id), agentToFields(agent)).sadd(keys.siteAgents(agent.siteKey), agent.id).exec();
      return agent;
    },

    async listAgents(siteKey) {
      const ids = await redis.smembers(keys.siteAgents(siteKey));
      const pipeline = redis.pipeline();
      for (const id of ids) pipeline.hgetall(keys.agent(siteKey, id));
      const found = ((await pipeline.exec()) ?? []).map(([, hash]) => agentFromHash(hash as Record<string, string>)).filter((a) => a !== null);
      return found.sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1));
    },

    async createPasswordReset(reset: PasswordReset) {
      await redis.set(keys.passwordReset(reset.hash), JSON.stringify(reset), 'PX', Math.max(1, reset.expiresAt - Date.now()));
    },

    async takePasswordReset(hash, now) {
      // GETDEL: of two uses racing, one gets the link and the other nothing.
      const raw = await redis.getdel(keys.passwordReset(hash));
      const reset = raw ? (JSON.parse(raw) as PasswordReset) : null;
      return reset && reset.expiresAt > now ? reset : null;
    },

    async updateAgent(siteKey, id, changes) {
      const key = keys.agent(siteKey, id);
      if (!(await redis.exists(key))) return null;
      const fields: Record<string, string> = {};
      if (changes.capacity !== undefined) fields.capacity = String(changes.capacity);
      if (changes.disabled !== undefined) fields.disabled = changes.disabled ? '1' : '0';
      if (changes.name !== undefined) fields.name = changes.name;
      if (changes.skills !== undefined) fields.skills = changes.skills.join(',');
      if (changes.role !== undefined) fields.role = changes.role;
      if (changes.passwordHash !== undefined) fields.passwordHash = changes.passwordHash;
      if (changes.administers !== undefined) fields.administers = changes.administers.join(',');
      if (Object.keys(fields).length > 0) await redis.hset(key, fields);
      return agentFromHash(await redis.hgetall(key));
    },

    async getAgent(siteKey, id) {
      return agentFromHash(await redis.hgetall(keys.agent(siteKey, id)));
    },

    async findAgentByEmail(email) {
      const ref = await redis.get(keys.agentEmail(email));
      if (!ref) return null;
      const [siteKey = '', id = ''] = ref.split('\n');
      return agentFromHash(await redis.hgetall(keys.agent(siteKey, id)));
    },

    async createSession(session) {
      const ttl = Math.max(1, session.expiresAt - Date.now());
      await redis
        .multi()
        .set(keys.session(session.token), JSON.stringify(session), 'PX', ttl)
        .sadd(keys.agentSessions(session.agentId), session.token)
        .exec();
    },

    async getSession(token, now) {
      const raw = await redis.get(keys.session(token));
      if (!raw) return null;
      const session = JSON.parse(raw) as AgentSession;
      return session.expiresAt > now ? session : null;
    },

    async deleteSession(token) {
      const raw = await redis.get(keys.session(token));
      const agentId = raw ? (JSON.parse(raw) as AgentSession).agentId : undefined;
      await redis.del(keys.session(token));
      if (agentId) await redis.srem(keys.agentSessions(agentId), token);
    },

    async deleteAgentSessions(agentId) {
      const tokens = await redis.smembers(keys.agentSessions(agentId));
      if (tokens.length > 0) await redis.del(...tokens.map((t) => keys.session(t)));
      await redis.del(keys.agentSessions(agentId));
      return tokens.length;
    },

    async createConversation(input) {
      const conversation: ConversationView = {
        id: input.id,
        siteKey: input.siteKey,
        visitorId: input.visitorId,
        status: 'waiting',
        queue: input.routing.queue,
        routing: input.routing,
        preview: input.preview,
        ...(input.visitor ? { visitor: input.visitor } : {}),
        ...(input.context ? { context: input.context } : {}),
        ...(input.visitorIp ? { visitorIp: input.visitorIp } : {}),
        ...(input.leftMessage ? { leftMessage: true } : {}),
        createdAt: input.now,
        queuedAt: input.now,
        queueOrder: input.now - (input.priorityMs ?? 0),
      };
      const result = await redis.sbCreateConversationV1(
        keys.visitorOpenConversation(input.siteKey, input.visitorId),
        keys.conversation(input.siteKey, input.id),
        keys.queue(input.siteKey, conversation.queue),
        keys.conversationMessages(input.siteKey, input.id),
        keys.conversationClientIds(input.siteKey, input.id),
        keys.visitorConversations(input.siteKey, input.visitorId),
        keys.siteConversations(input.siteKey),
        input.id,
        input.now,
        input.firstMessage.clientId,
        input.firstMessage.text,
        conversation.queueOrder!,
        ...conversationToFields(conversation),
      );
      const [status, id, queueCount, previousCreatedAt] = result as [number, string, number, string];
      checkScriptResult('createConversation', status, { conversationId: id });
      return {
        queueCount,
        ...(previousCreatedAt ? { previousCreatedAt: Number(previousCreatedAt) } : {}),
        conversation,
        message: {
          id,
          conversationId: input.id,
          clientId: input.firstMessage.clientId,
          author: 'visitor',
          text: input.firstMessage.text,
          createdAt: input.now,
        },
      };
    },

    getConversation,

    async setVisitorIdentity(siteKey, visitorId, identity) {
      await redis.set(keys.visitorIdentity(siteKey, visitorId), JSON.stringify(identity));
      const open = await redis.get(keys.visitorOpenConversation(siteKey, visitorId));
      // Only the visible copy on the open conversation; a conversation resolved meanwhile keeps what it had.
      if (open) await redis.hset(keys.conversation(siteKey, open), 'visitor', JSON.stringify(identity));
    },

    async getVisitorIdentity(siteKey, visitorId) {
      const raw = await redis.get(keys.visitorIdentity(siteKey, visitorId));
      return raw ? (JSON.parse(raw) as VisitorIdentity) : null;
    },

    async deleteVisitorIdentity(siteKey, visitorId) {
      await redis.del(keys.visitorIdentity(siteKey, visitorId));
    },

    async setVisitorContext(siteKey, visitorId, context) {
      const json = JSON.stringify(context);
      await redis.set(keys.visitorContext(siteKey, visitorId), json);
      const open = await redis.get(keys.visitorOpenConversation(siteKey, visitorId));
      if (!open) return null;
      // As with the identity: only the open conversation's copy follows; an ended one keeps the page it ended on.
      await redis.hset(keys.conversation(siteKey, open), 'context', json);
      return getConversation(siteKey, open);
    },

    async getVisitorContext(siteKey, visitorId) {
      const raw = await redis.get(keys.visitorContext(siteKey, visitorId));
      return raw ? (JSON.parse(raw) as VisitorContext) : null;
    },

    async listVisitorConversations(siteKey, visitorId) {
      const ids = await redis.zrange(keys.visitorConversations(siteKey, visitorId), 0, -1);
      const conversations = await Promise.all(ids.map((id) => getConversation(siteKey, id)));
      return conversations.filter((c): c is ConversationView => c !== null);
    },

    async listConversationIdsCreatedBefore(siteKey, before, limit) {
      return redis.zrangebyscore(keys.siteConversations(siteKey), '-inf', `(${before}`, 'LIMIT', 0, limit);
    },


    async getOpenConversation(siteKey, visitorId) {
      const id = await getOpenConversationId(siteKey, visitorId);
      return id ? getConversation(siteKey, id) : null;
    },

    getOpenConversationId,

    async appendMessage(input) {
      const result = await redis.sbAppendMessageV1(
        keys.conversation(input.siteKey, input.conversationId),
        keys.conversationMessages(input.siteKey, input.conversationId),
        keys.conversationClientIds(input.siteKey, input.conversationId),
        input.clientId,
        input.author,
        input.agentId ?? '',
        input.agentName ?? '',
        input.text,
        input.now,
        input.kind ?? '',
        input.attachment ? JSON.stringify(input.attachment) : '',
      );
      if (typeof result === 'number') checkScriptResult('appendMessage', result, { conversationId: input.conversationId });
      const [status, id, fields] = result as [number, string, string[]];
      const conversation = conversationFromHash(fieldsOf(fields))!;
      const duplicate = status === 0;
      if (duplicate) return { duplicate, message: await readMessage(input.siteKey, input.conversationId, id), conversation };
      const message = {
        id,
        conversationId: input.conversationId,
        clientId: input.clientId,
        author: input.author,
        text: input.text,
        createdAt: input.now,
        ...(input.agentName ? { agentName: input.agentName } : {}),
        ...(input.kind ? { kind: input.kind } : {}),
        ...(input.attachment ? { attachment: input.attachment } : {}),
      };
      return { duplicate, message, conversation };
    },

    async messagesAfter(siteKey, id, afterId, limit) {
      // `(` makes the start exclusive (Redis ≥ 6.2), so the last message the client has is not sent again.
      const start = afterId ? `(${afterId}` : '-';
      const entries = (await redis.xrange(keys.conversationMessages(siteKey, id), start, '+', 'COUNT', limit)) as [
        string,
        string[],
      ][];
      return entries.map((entry) => messageFromStreamEntry(id, entry));
    },



    async rerouteConversation(input) {
      const code = await redis.sbRerouteConversationV1(
        keys.conversation(input.siteKey, input.conversationId),
        keys.queue(input.siteKey, input.fromQueue),
        keys.queue(input.siteKey, input.routing.queue),
        input.conversationId,
        input.fromQueue,
        input.routing.queue,
        JSON.stringify(input.routing),
      );
      checkScriptResult('rerouteConversation', code, { conversationId: input.conversationId });
      return (await getConversation(input.siteKey, input.conversationId))!;
    },


    async deleteConversation(siteKey, id) {
      const visitorId = await redis.hget(keys.conversation(siteKey, id), 'visitorId');
      if (!visitorId) return false;
      const code = await redis.sbDeleteConversationV1(
        keys.conversation(siteKey, id),
        keys.conversationMessages(siteKey, id),
        keys.conversationClientIds(siteKey, id),
        keys.queue(siteKey, 'service'),
        keys.queue(siteKey, 'support'),
        keys.assignments(siteKey),
        keys.agentLoad(siteKey),
        keys.visitorConversations(siteKey, visitorId),
        keys.siteConversations(siteKey),
        keys.visitorOpenConversation(siteKey, visitorId),
        id,
      );
      return code === 1;
    },

    async claimConversation(input) {
      const code = await redis.sbClaimConversationV1(
        keys.conversation(input.siteKey, input.conversationId),
        keys.queue(input.siteKey, 'service'),
        keys.queue(input.siteKey, 'support'),
        keys.assignments(input.siteKey),
        keys.agentLoad(input.siteKey),
        keys.agentCapacity(input.siteKey),
        keys.agentPresence(input.siteKey),
        keys.agentLastAssigned(input.siteKey),
        input.conversationId,
        input.agentId,
        input.agentName,
        input.now,
        input.skills.join(','),
      );
      checkScriptResult('claimConversation', code, { conversationId: input.conversationId });
      return (await getConversation(input.siteKey, input.conversationId))!;
    },

    async resolveConversation(input) {
      return release(input, 'resolve');
    },

    async requeueConversation(input) {
      return release(input, 'requeue');
    },

    async reopenConversation({ siteKey, conversationId, visitorId, endedAfter, now }) {
      const queue = await redis.hget(keys.conversation(siteKey, conversationId), 'queue');
      if (!queue) throw createError('CONVERSATION_NOT_FOUND', { conversationId });
      const code = await redis.sbReopenConversationV1(
        keys.conversation(siteKey, conversationId),
        keys.visitorOpenConversation(siteKey, visitorId),
        keys.queue(siteKey, queue as QueueName),
        keys.visitorsGone(siteKey),
        conversationId,
        visitorId,
        now,
        endedAfter,
      );
      checkScriptResult('reopenConversation', code, { conversationId });
      return (await getConversation(siteKey, conversationId))!;
    },

    async transferConversation(input) {
      return release(input, 'transfer', input);
    },

    async listAgentConversations(siteKey, agentId) {
      const assignments = await redis.hgetall(keys.assignments(siteKey));
      const ids = Object.keys(assignments).filter((id) => assignments[id] === agentId);
      const conversations = await Promise.all(ids.map((id) => getConversation(siteKey, id)));
      return conversations
        .filter((c): c is ConversationView => c !== null && c.status === 'active')
        .sort((a, b) => (a.assignedAt ?? 0) - (b.assignedAt ?? 0));
    },

    ...createAssignmentOps(redis, keys, getConversation),
    ...createKpiOps(redis, keys, getConversation),
    ...createErasureOps(redis, keys, eraseRoutingExamples),
    ...routerLearningOps,
    ...createWebhookOps(redis, keys),
    ...createCannedReplyOps(redis, keys),
    ...createSeenOps(redis, keys),

    async listQueue(siteKey, queue, limit) {
      const key = keys.queue(siteKey, queue);
      // ZRANGE 0 -1 would be the whole queue: a count-only listing (limit 0) reads no entries.
      const [count, ids] = await Promise.all([redis.zcard(key), limit > 0 ? redis.zrange(key, 0, limit - 1) : Promise.resolve([])]);
      const pipeline = redis.pipeline();
      for (const id of ids) pipeline.hgetall(keys.conversation(siteKey, id));
      const rows = (await pipeline.exec()) ?? [];
      const entries: QueueEntry[] = [];
      for (const [, hash] of rows) {
        const c = conversationFromHash(hash as Record<string, string>);
        // A conversation taken between ZRANGE and HGETALL is no longer waiting: leave it out.
        if (c && c.status === 'waiting') entries.push(toQueueEntry(c));
      }
      return { count, entries };
    },

  };
  return store;
}

