/** RedisStore's assignment operations: presence, auto-assign, positions, recent times, abandonment. */
import type { Redis } from 'ioredis';
import type { ConversationView } from '../../../shared/protocol';
import { QUEUES, type QueueName } from '../../../shared/queues';
import { RECENT_TIMES_KEPT, type Presence, type PresenceStatus, type Store } from '../store';
import type { RedisKeys } from './keys';
import { conversationFromHash, fieldsOf } from './records';
import { checkScriptResult } from './scripts';

/** Heads offered to assignHeads-12.lua per call (its KEYS hold four conversation hashes). */
const HEADS_PER_CALL = 4;

type AssignmentOps = Pick<
  Store,
  | 'assignNext'
  | 'assignWaiting'
  | 'setPresence'
  | 'renewPresence'
  | 'listPresence'
  | 'listAssignments'
  | 'agentLoads'
  | 'queuePosition'
  | 'listQueueIds'
  | 'listQueueVisitors'
  | 'recordTime'
  | 'recentTimes'
  | 'setVisitorGone'
  | 'listVisitorsGoneBefore'
  | 'abandonConversation'
  | 'getStats'
>;

export function parsePresence(raw: string): Presence | null {
  const match = /^(online|away|offline):(\d+)$/.exec(raw);
  return match ? { status: match[1] as PresenceStatus, deadline: Number(match[2]) } : null;
}

export function createAssignmentOps(
  redis: Redis,
  keys: RedisKeys,
  getConversation: (siteKey: string, id: string) => Promise<ConversationView | null>,
): AssignmentOps {
  /**
   * The keys and arguments setPresence-5.lua and renewPresence-5.lua share: the agent's presence,
   * its membership of each queue's online set, its capacity and name; then the status (or the
   * initial one), the deadline, its skills, its capacity (0 when disabled) and its name.
   */
  const presenceArgs = (siteKey: string, agent: Parameters<Store['setPresence']>[0]['agent'], status: PresenceStatus, deadline: number) =>
    [
      keys.agentPresence(siteKey),
      keys.onlineAgents(siteKey, 'service'),
      keys.onlineAgents(siteKey, 'support'),
      keys.agentCapacity(siteKey),
      keys.agentNames(siteKey),
      agent.id,
      status,
      deadline,
      agent.skills.join(','),
      agent.disabled ? 0 : agent.capacity,
      agent.name,
    ] as const;

  /** assignHeads-12.lua: gives the heads seen (at most HEADS_PER_CALL), in line order, while places are free. */
  const assignHeads = async (siteKey: string, queue: QueueName, heads: string[], now: number): Promise<ConversationView[]> => {
    const convKeys = heads.map((id) => keys.conversation(siteKey, id));
    while (convKeys.length < HEADS_PER_CALL) convKeys.push(convKeys[0]!);
    const batch = await redis.sbAssignHeadsV1(
      keys.queue(siteKey, queue),
      keys.assignments(siteKey),
      keys.agentLoad(siteKey),
      keys.agentCapacity(siteKey),
      keys.agentPresence(siteKey),
      keys.agentLastAssigned(siteKey),
      keys.onlineAgents(siteKey, queue),
      keys.agentNames(siteKey),
      ...convKeys,
      now,
      ...Array.from({ length: HEADS_PER_CALL }, (_, i) => heads[i] ?? ''),
    );
    return batch.map(([, , ...fields]) => conversationFromHash(fieldsOf(fields))!).filter(Boolean);
  };

  return {
    async assignNext(siteKey, queue, now) {
      // If the line moved between reading its head and the script, look again.
      for (let attempt = 0; attempt < 20; attempt++) {
        const [head] = await redis.zrange(keys.queue(siteKey, queue), 0, 0);
        if (!head) return null;
        const [assigned] = await assignHeads(siteKey, queue, [head], now);
        if (assigned) return assigned;
        const [headNow] = await redis.zrange(keys.queue(siteKey, queue), 0, 0);
        if (headNow === head || !headNow) return null;
      }
      return null;
    },

    async assignWaiting(siteKey, queue, now, options = {}) {
      const assigned: ConversationView[] = [];
      // The caller's guess spares the first read of the line; a guess that assigns nothing is not
      // trusted to mean "nothing to do": the line is read as if there had been no guess.
      let guess = options.heads?.length ? options.heads.slice(0, HEADS_PER_CALL) : null;
      for (;;) {
        const guessed = guess !== null;
        const heads = guess ?? (await redis.zrange(keys.queue(siteKey, queue), 0, HEADS_PER_CALL - 1));
        guess = null;
        if (heads.length === 0) return assigned;
        const batch = await assignHeads(siteKey, queue, heads, now);
        if (batch.length === 0 && guessed) continue;
        assigned.push(...batch);
        if (batch.length > 0) options.onAssigned?.(batch);
        // None assigned: no free place left (or the line moved; the next trigger assigns it).
        if (batch.length === 0) return assigned;
      }
    },

    async renewPresence({ siteKey, agent, initial, deadline }) {
      return redis.sbRenewPresenceV1(...presenceArgs(siteKey, agent, initial, deadline));
    },

    async setPresence({ siteKey, agent, status, deadline }) {
      await redis.sbSetPresenceV1(...presenceArgs(siteKey, agent, status, deadline));
    },

    async listPresence(siteKey) {
      const raw = await redis.hgetall(keys.agentPresence(siteKey));
      const presence: Record<string, Presence> = {};
      for (const [agentId, value] of Object.entries(raw)) {
        const parsed = parsePresence(value);
        if (parsed) presence[agentId] = parsed;
      }
      return presence;
    },

    async listAssignments(siteKey) {
      return redis.hgetall(keys.assignments(siteKey));
    },

    async agentLoads(siteKey) {
      const raw = await redis.hgetall(keys.agentLoad(siteKey));
      return Object.fromEntries(Object.entries(raw).map(([agentId, n]) => [agentId, Number(n)]));
    },

    async queuePosition(siteKey, queue, conversationId) {
      const rank = await redis.zrank(keys.queue(siteKey, queue), conversationId);
      return rank === null ? null : rank + 1;
    },

    async listQueueIds(siteKey, queue) {
      return redis.zrange(keys.queue(siteKey, queue), 0, -1);
    },

    async listQueueVisitors(siteKey, queue) {
      const ids = await redis.zrange(keys.queue(siteKey, queue), 0, -1);
      // One pipeline: a thousand waiting are one write and one read, not a thousand round trips.
      const pipeline = redis.pipeline();
      for (const id of ids) pipeline.hmget(keys.conversation(siteKey, id), 'visitorId', 'status', 'queue');
      const rows = ids.length > 0 ? ((await pipeline.exec()) ?? []) : [];
      const waiting: { conversationId: string; visitorId: string }[] = [];
      rows.forEach(([, fields], i) => {
        const [visitorId, status, inQueue] = fields as [string | null, string | null, string | null];
        // Taken, transferred or rerouted between ZRANGE and HMGET: no longer waiting in this line.
        if (visitorId && status === 'waiting' && inQueue === queue) waiting.push({ conversationId: ids[i]!, visitorId });
      });
      return waiting;
    },

    async recordTime(siteKey, queue, kind, ms) {
      await redis
        .multi()
        .lpush(keys.recentTimes(siteKey, queue, kind), Math.max(0, Math.round(ms)))
        .ltrim(keys.recentTimes(siteKey, queue, kind), 0, RECENT_TIMES_KEPT - 1)
        .exec();
    },

    async recentTimes(siteKey, queue, kind) {
      return (await redis.lrange(keys.recentTimes(siteKey, queue, kind), 0, -1)).map(Number);
    },

    async setVisitorGone(siteKey, conversationId, since) {
      if (since === null) await redis.zrem(keys.visitorsGone(siteKey), conversationId);
      else await redis.zadd(keys.visitorsGone(siteKey), since, conversationId);
    },

    async listVisitorsGoneBefore(siteKey, before) {
      return redis.zrangebyscore(keys.visitorsGone(siteKey), '-inf', `(${before}`);
    },

    async abandonConversation(siteKey, conversationId, now) {
      const visitorId = await redis.hget(keys.conversation(siteKey, conversationId), 'visitorId');
      await redis.zrem(keys.visitorsGone(siteKey), conversationId);
      if (!visitorId) checkScriptResult('abandonConversation', -1, { conversationId });
      const code = await redis.sbAbandonConversationV1(
        keys.conversation(siteKey, conversationId),
        keys.queue(siteKey, 'service'),
        keys.queue(siteKey, 'support'),
        keys.visitorOpenConversation(siteKey, visitorId!),
        keys.stats(siteKey),
        conversationId,
        now,
      );
      checkScriptResult('abandonConversation', code, { conversationId });
      return (await getConversation(siteKey, conversationId))!;
    },

    async getStats(siteKey) {
      const raw = await redis.hgetall(keys.stats(siteKey));
      const stats: Record<string, number> = {};
      for (const queue of QUEUES) stats[`abandoned:${queue}`] = 0;
      for (const [name, value] of Object.entries(raw)) stats[name] = Number(value);
      return stats;
    },
  };
}
