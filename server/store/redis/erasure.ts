/** RedisStore's erasure of a visitor's traces outside their conversations (see Store.eraseVisitorTraces). */
import type { Redis } from 'ioredis';
import type { AuditEntry, ErasedTraces, Store } from '../store';
import type { RedisKeys } from './keys';

/**
 * Entries read per call of deleteStreamEntries-1.lua: a page holds Redis for a few milliseconds,
 * so the message path never waits longer than that behind an erasure. Measured on the shared
 * 2-core test machine: the whole 200,000-event KPI stream in about 1.7 s (2.5 ms a page with
 * the round trip); pages of 2,000 took 1.1 s but held Redis about 10 ms each.
 */
const STREAM_PAGE = 500;

type StreamEntry = [id: string, fields: string[]];

export function createErasureOps(
  redis: Redis,
  keys: RedisKeys,
  eraseRoutingExamples: (siteKey: string, ids: ReadonlySet<string>) => Promise<number>,
): Pick<Store, 'eraseVisitorTraces'> {
  /** Deletes every entry of `stream` that mentions one of `ids`, page by page; returns them. */
  const deleteMentions = async (stream: string, ids: string[]): Promise<StreamEntry[]> => {
    const deleted: StreamEntry[] = [];
    let start = '-';
    for (;;) {
      const [last, ...entries] = await redis.sbDeleteStreamEntriesV1(stream, start, STREAM_PAGE, ...ids);
      deleted.push(...entries);
      if (last === '') return deleted;
      start = `(${last}`;
    }
  };

  return {
    async eraseVisitorTraces({ siteKey, visitorId, conversationIds, counters }) {
      const ids = [visitorId, ...conversationIds];
      const [corrections, events, audit, examples] = await Promise.all([
        deleteMentions(keys.routingCorrections(siteKey), ids),
        deleteMentions(keys.kpiEvents(siteKey), ids),
        deleteMentions(keys.audit(siteKey), ids),
        eraseRoutingExamples(siteKey, new Set(ids)),
      ]);
      const pipeline = redis.pipeline();
      if (conversationIds.length > 0) pipeline.zrem(keys.visitorsGone(siteKey), ...conversationIds);
      pipeline.del(keys.visitorIdentity(siteKey, visitorId));
      pipeline.del(keys.visitorContext(siteKey, visitorId));
      // One DEL per counter: counters are global keys, in as many cluster slots as there are names.
      for (const name of counters) pipeline.del(keys.counter(name));
      const results = ((await pipeline.exec()) ?? []).map(([error, n]) => {
        if (error) throw error;
        return Number(n);
      });
      const [identity = 0, context = 0, ...deletedCounters] = results.slice(conversationIds.length > 0 ? 1 : 0);
      const erased: ErasedTraces = {
        routingCorrections: corrections.length,
        routingExamples: examples,
        kpiEvents: events.length,
        auditEntries: audit.map(([, fields]) => JSON.parse(fields[1]!) as AuditEntry),
        counters: deletedCounters.reduce((sum, n) => sum + n, 0),
        // The page context is erased with the identity and reported with it (see Store.eraseVisitorTraces).
        identity: identity === 1 || context === 1,
      };
      return erased;
    },
  };
}
