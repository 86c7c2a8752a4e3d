/**
 * Brings a site's KPI aggregates recorded by an earlier Switchboard to the present layout: the
 * category dimensions in their own scopes (splitKpiCategories-4.lua) and a hash per week beside
 * the days (rebuildKpiWeek-8.lua). Idempotent; `npm run admin -- kpi:migrate` runs it, once every
 * server runs this version (an older one still records no weeks).
 */
import type { Redis } from 'ioredis';
import type { SiteKey } from '../../../shared/ids';
import { KPI_DAYS_KEPT_MS, KPI_SCOPES, kpiBucketIndex, kpiBucketStart, type KpiUnit } from '../store';
import type { RedisKeys } from './keys';

/** The indexes of the site's aggregate hashes of one scope and unit that exist. */
async function bucketIndexes(redis: Redis, keys: RedisKeys, siteKey: SiteKey, scope: (typeof KPI_SCOPES)[number], unit: KpiUnit): Promise<number[]> {
  const pattern = keys.kpiBucket(siteKey, scope, unit, 0).replace(/0$/, '*');
  const found = new Set<number>();
  let cursor = '0';
  do {
    const [next, batch] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    cursor = next;
    for (const key of batch) found.add(Number(key.slice(pattern.length - 1)));
  } while (cursor !== '0');
  return [...found].filter(Number.isInteger).sort((a, b) => a - b);
}

export async function migrateKpiAggregates(
  redis: Redis,
  keys: RedisKeys,
  siteKey: SiteKey,
  now = Date.now(),
): Promise<{ categoryFieldsMoved: number; weeksRebuilt: number }> {
  let categoryFieldsMoved = 0;
  for (const unit of ['hour', 'day'] as const) {
    for (const index of await bucketIndexes(redis, keys, siteKey, 'category', unit)) {
      categoryFieldsMoved += await redis.sbSplitKpiCategoriesV1(
        keys.kpiBucket(siteKey, 'category', unit, index),
        keys.kpiBucket(siteKey, 'queueCategory', unit, index),
        keys.kpiBucket(siteKey, 'agentCategory', unit, index),
        keys.kpiBucket(siteKey, 'agentQueueCategory', unit, index),
        // The dimensions of those scopes (kpi-events.ts categoryDimensionsOf).
        'qc:',
        'ac:',
        'qac:',
      );
    }
  }
  let weeksRebuilt = 0;
  for (const scope of KPI_SCOPES) {
    const weeks = new Set((await bucketIndexes(redis, keys, siteKey, scope, 'day')).map((day) => kpiBucketIndex('week', kpiBucketStart('day', day))));
    for (const week of weeks) {
      const monday = kpiBucketIndex('day', kpiBucketStart('week', week));
      // A week outlives its first days by up to six: once its Monday has expired, its sum stays as it is.
      if (kpiBucketStart('day', monday + 1) + KPI_DAYS_KEPT_MS <= now) continue;
      const days = Array.from({ length: 7 }, (_, i) => keys.kpiBucket(siteKey, scope, 'day', monday + i));
      await redis.sbRebuildKpiWeekV1(keys.kpiBucket(siteKey, scope, 'week', week), ...days, kpiBucketStart('week', week + 1) + KPI_DAYS_KEPT_MS);
      weeksRebuilt++;
    }
  }
  return { categoryFieldsMoved, weeksRebuilt };
}
