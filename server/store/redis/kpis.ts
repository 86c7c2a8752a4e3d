/** KPI events and aggregates, survey answers and API tokens in Redis (see recordKpiEvent-23.lua). */
import type { Redis } from 'ioredis';
import type { ConversationView } from '../../../shared/protocol';
import { KPI_DAYS_KEPT_MS, KPI_SCOPES, KPI_EVENTS_KEPT, KPI_HOURS_KEPT_MS, kpiBucketIndex, kpiBucketStart, type ApiTokenRecord, type KpiBucket, type KpiEvent, type KpiScope, type KpiUnit, type Store } from '../store';
import type { RedisKeys } from './keys';
import { checkScriptResult } from './scripts';

/** Each scope's code: the order of their KEYS triples (hour, day, week) in recordKpiEvent-23.lua. */
const SCOPE_CODE = Object.fromEntries(KPI_SCOPES.map((scope, code) => [scope, code])) as Record<KpiScope, number>;
const UNITS: KpiUnit[] = ['hour', 'day', 'week'];

/** Keys per call of sumKpiBuckets-8.lua. */
const SUM_KEYS = 8;

type KpiOps = Pick<Store, 'recordKpiEvent' | 'readKpiMarks' | 'readKpiBuckets' | 'sumKpiBuckets' | 'listKpiEvents' | 'rateConversation' | 'addApiToken' | 'findApiToken' | 'listApiTokens' | 'touchApiToken' | 'removeApiToken'>;

export function createKpiOps(
  redis: Redis,
  keys: RedisKeys,
  getConversation: (siteKey: string, id: string) => Promise<ConversationView | null>,
): KpiOps {
  return {
    async recordKpiEvent({ siteKey, once, first, markValue, event, increments }) {
      const index = UNITS.map((unit) => kpiBucketIndex(unit, event.at));
      const bucketKeys = KPI_SCOPES.flatMap((scope) => UNITS.map((unit, u) => keys.kpiBucket(siteKey, scope, unit, index[u]!)));
      // A bucket expires the time it is kept after its end.
      const expiresAt = UNITS.map((unit, u) => kpiBucketStart(unit, index[u]! + 1) + (unit === 'hour' ? KPI_HOURS_KEPT_MS : KPI_DAYS_KEPT_MS));
      const args: (string | number)[] = [];
      for (const inc of increments) args.push(SCOPE_CODE[inc.scope], inc.firstOnly ? 'first' : 'always', inc.field, inc.by);
      const recorded = await redis.sbRecordKpiEventV1(
        keys.kpiEvents(siteKey),
        keys.conversation(siteKey, event.conversationId),
        ...bucketKeys,
        once,
        first ?? '',
        JSON.stringify(event),
        KPI_EVENTS_KEPT,
        ...expiresAt,
        markValue,
        ...args,
      );
      return recorded === 1;
    },

    async readKpiMarks(siteKey, conversationId, marks) {
      if (marks.length === 0) return {};
      const values = await redis.hmget(keys.conversation(siteKey, conversationId), ...marks.map((mark) => `kpi:${mark}`));
      const found: Record<string, number> = {};
      marks.forEach((mark, i) => {
        if (values[i] !== null && values[i] !== undefined) found[mark] = Number(values[i]);
      });
      return found;
    },

    async readKpiBuckets(siteKey, scope, unit, from, to) {
      if (to <= from) return [];
      const pipeline = redis.pipeline();
      for (let index = from; index < to; index++) pipeline.hgetall(keys.kpiBucket(siteKey, scope, unit, index));
      const rows = (await pipeline.exec()) ?? [];
      const buckets: KpiBucket[] = [];
      rows.forEach(([error, hash], i) => {
        if (error) throw error;
        const raw = hash as Record<string, string>;
        const names = Object.keys(raw);
        if (names.length === 0) return;
        const fields: Record<string, number> = {};
        for (const name of names) fields[name] = Number(raw[name]);
        buckets.push({ index: from + i, fields });
      });
      return buckets;
    },

    async sumKpiBuckets(siteKey, scope, unit, from, to, prefix) {
      const calls: Promise<string[]>[] = [];
      // Index -1 is never written: it fills the unused key slots of the last call.
      const filler = keys.kpiBucket(siteKey, scope, unit, -1);
      for (let start = from; start < to; start += SUM_KEYS) {
        const slots = Array.from({ length: SUM_KEYS }, (_, i) => (start + i < to ? keys.kpiBucket(siteKey, scope, unit, start + i) : filler));
        calls.push(redis.sbSumKpiBucketsV1(...slots, prefix));
      }
      const sums: Record<string, number> = {};
      for (const flat of await Promise.all(calls)) {
        for (let i = 0; i < flat.length; i += 2) sums[flat[i]!] = (sums[flat[i]!] ?? 0) + Number(flat[i + 1]);
      }
      return sums;
    },

    async listKpiEvents(siteKey, limit) {
      const entries = (await redis.xrevrange(keys.kpiEvents(siteKey), '+', '-', 'COUNT', limit)) as [string, string[]][];
      return entries.map(([, fields]) => JSON.parse(fields[1]!) as KpiEvent);
    },

    async rateConversation({ siteKey, conversationId, visitorId, rating }) {
      const code = await redis.sbRateConversationV1(keys.conversation(siteKey, conversationId), visitorId, JSON.stringify(rating));
      checkScriptResult('rateConversation', code, { conversationId });
      return (await getConversation(siteKey, conversationId))!;
    },

    async addApiToken(siteKey, token) {
      await redis.hset(keys.siteApiTokens(siteKey), token.hash, JSON.stringify(token));
    },

    async findApiToken(siteKey, hash) {
      const raw = await redis.hget(keys.siteApiTokens(siteKey), hash);
      return raw ? (JSON.parse(raw) as ApiTokenRecord) : null;
    },

    async listApiTokens(siteKey) {
      const [raw, uses] = await Promise.all([redis.hgetall(keys.siteApiTokens(siteKey)), redis.hgetall(keys.siteApiTokenUses(siteKey))]);
      return Object.values(raw)
        .map((json) => JSON.parse(json) as ApiTokenRecord)
        .sort((a, b) => a.createdAt - b.createdAt || (a.hash < b.hash ? -1 : 1))
        .map((token) => ({ ...token, lastUsedAt: uses[token.hash] === undefined ? null : Number(uses[token.hash]) }));
    },

    async touchApiToken(siteKey, hash, at) {
      // Only while the token exists: a use racing its removal must not leave a stray field behind.
      if (await redis.hexists(keys.siteApiTokens(siteKey), hash)) await redis.hset(keys.siteApiTokenUses(siteKey), hash, String(at));
    },

    async removeApiToken(siteKey, hash) {
      const [[, removed] = []] = (await redis.multi().hdel(keys.siteApiTokens(siteKey), hash).hdel(keys.siteApiTokenUses(siteKey), hash).exec()) ?? [];
      return removed === 1;
    },
  };
}
