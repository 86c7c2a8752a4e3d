/** KPI events and aggregates, survey answers and API tokens in memory, as server/store/redis/kpis.ts keeps them in Redis. */
import { createError } from '../../../shared/errors';
import type { ConversationView } from '../../../shared/protocol';
import { KPI_EVENTS_KEPT, kpiBucketIndex, type ApiTokenRecord, type KpiBucket, type KpiEvent, type KpiUnit, type Store } from '../store';
import { mentionsAny } from './mentions';

const UNITS: KpiUnit[] = ['hour', 'day', 'week'];

type KpiOps = Pick<Store, 'recordKpiEvent' | 'readKpiMarks' | 'readKpiBuckets' | 'sumKpiBuckets' | 'listKpiEvents' | 'rateConversation' | 'addApiToken' | 'findApiToken' | 'listApiTokens' | 'touchApiToken' | 'removeApiToken'>;

export function createMemoryKpiOps(conversationOf: (siteKey: string, id: string) => ConversationView | undefined): KpiOps & {
  /** Forgets a deleted conversation's marks. */
  forgetConversation(siteKey: string, id: string): void;
  /** Deletes the raw events that mention one of `ids` (see Store.eraseVisitorTraces); returns how many. */
  eraseEventsMentioning(siteKey: string, ids: readonly string[]): number;
  /** What it holds, for MemoryStore.dump. */
  state(): Record<string, unknown>;
} {
  /** `${siteKey}\n${conversationId}` → mark → its value. */
  const marks = new Map<string, Map<string, number>>();
  const events = new Map<string, KpiEvent[]>();
  /** `${siteKey}\n${scope}\n${unit}\n${index}` → field → count. Unlike Redis, nothing expires: a demo does not live for months. */
  const buckets = new Map<string, Map<string, number>>();
  const tokens = new Map<string, Map<string, ApiTokenRecord>>();
  /** `${siteKey}\n${hash}` → when the token was last used. */
  const tokenUses = new Map<string, number>();
  const bucketKey = (siteKey: string, scope: string, unit: string, index: number) => `${siteKey}\n${scope}\n${unit}\n${index}`;
  const add = (key: string, field: string, by: number) => {
    let bucket = buckets.get(key);
    if (!bucket) buckets.set(key, (bucket = new Map()));
    bucket.set(field, (bucket.get(field) ?? 0) + by);
  };

  return {
    forgetConversation(siteKey, id) {
      marks.delete(`${siteKey}\n${id}`);
    },

    eraseEventsMentioning(siteKey, ids) {
      const list = events.get(siteKey) ?? [];
      const kept = list.filter((event) => !mentionsAny(event, ids));
      events.set(siteKey, kept);
      return list.length - kept.length;
    },

    state() {
      return { marks, events, buckets, tokens };
    },

    async recordKpiEvent({ siteKey, once, first, markValue, event, increments }) {
      const markKey = `${siteKey}\n${event.conversationId}`;
      let kept = marks.get(markKey);
      if (!kept) marks.set(markKey, (kept = new Map()));
      if (kept.has(once)) return false;
      kept.set(once, markValue);
      const isFirst = first !== undefined && first !== '' && !kept.has(first);
      if (isFirst) kept.set(first!, markValue);
      const list = events.get(siteKey) ?? [];
      list.push(structuredClone(event));
      if (list.length > KPI_EVENTS_KEPT) list.shift();
      events.set(siteKey, list);
      for (const inc of increments) {
        if (inc.firstOnly && !isFirst) continue;
        for (const unit of UNITS) add(bucketKey(siteKey, inc.scope, unit, kpiBucketIndex(unit, event.at)), inc.field, inc.by);
      }
      return true;
    },

    async readKpiMarks(siteKey, conversationId, names) {
      const kept = marks.get(`${siteKey}\n${conversationId}`);
      const found: Record<string, number> = {};
      for (const name of names) {
        const value = kept?.get(name);
        if (value !== undefined) found[name] = value;
      }
      return found;
    },

    async readKpiBuckets(siteKey, scope, unit, from, to) {
      const result: KpiBucket[] = [];
      for (let index = from; index < to; index++) {
        const bucket = buckets.get(bucketKey(siteKey, scope, unit, index));
        if (bucket && bucket.size > 0) result.push({ index, fields: Object.fromEntries(bucket) });
      }
      return result;
    },

    async sumKpiBuckets(siteKey, scope, unit, from, to, prefix) {
      const sums: Record<string, number> = {};
      for (let index = from; index < to; index++) {
        for (const [field, value] of buckets.get(bucketKey(siteKey, scope, unit, index)) ?? []) {
          if (field.startsWith(prefix)) sums[field] = (sums[field] ?? 0) + value;
        }
      }
      return sums;
    },

    async listKpiEvents(siteKey, limit) {
      return (events.get(siteKey) ?? []).slice(-limit).reverse().map((e) => structuredClone(e));
    },

    async rateConversation({ siteKey, conversationId, visitorId, rating }) {
      const c = conversationOf(siteKey, conversationId);
      const details = { conversationId };
      if (!c || c.visitorId !== visitorId) throw createError('CONVERSATION_NOT_FOUND', details);
      if (c.status !== 'resolved') throw createError('CONVERSATION_NOT_RESOLVED', details);
      if (c.rating) throw createError('RATING_ALREADY_GIVEN', details);
      c.rating = structuredClone(rating);
      return structuredClone(c);
    },

    async addApiToken(siteKey, token) {
      let map = tokens.get(siteKey);
      if (!map) tokens.set(siteKey, (map = new Map()));
      map.set(token.hash, structuredClone(token));
    },

    async findApiToken(siteKey, hash) {
      const token = tokens.get(siteKey)?.get(hash);
      return token ? structuredClone(token) : null;
    },

    async listApiTokens(siteKey) {
      return [...(tokens.get(siteKey)?.values() ?? [])]
        .sort((a, b) => a.createdAt - b.createdAt || (a.hash < b.hash ? -1 : 1))
        .map((token) => ({ ...structuredClone(token), lastUsedAt: tokenUses.get(`${siteKey}\n${token.hash}`) ?? null }));
    },

    async touchApiToken(siteKey, hash, at) {
      if (tokens.get(siteKey)?.has(hash)) tokenUses.set(`${siteKey}\n${hash}`, at);
    },

    async removeApiToken(siteKey, hash) {
      tokenUses.delete(`${siteKey}\n${hash}`);
      return tokens.get(siteKey)?.delete(hash) ?? false;
    },
  };
}
