import { describe, expect, it, vi } from 'vitest';
import { CLOSED_BUCKET_CACHE_FIELDS, CLOSED_BUCKET_MARGIN_MS, createBucketCache, HOUR_MS } from '../../server/domain/kpis';
import { createMemoryStore } from '../../server/store/memory/memory-store';
import type { KpiEvent } from '../../server/store/store';

const siteKey = 'site_cache';
const start = Date.UTC(2026, 11, 7, 0, 0);
const hour = start / HOUR_MS;

/** A memory store with one `created` in each of `hours` hours from `start`, `fieldsEach` fields each. */
async function storeWithHours(hours: number, fieldsEach = 1) {
  const store = createMemoryStore();
  for (let h = 0; h < hours; h++) {
    const event: KpiEvent = { type: 'created', at: start + h * HOUR_MS, conversationId: `c${h}`, queue: 'service', routedBy: 'model', visitorId: 'v', repeat: false };
    const increments = Array.from({ length: fieldsEach }, (_, i) => ({ scope: 'site' as const, field: `*|f${i}`, by: 1 }));
    await store.recordKpiEvent({ siteKey, markValue: 0, once: 'created', event, increments });
  }
  return store;
}

describe('the cache of closed KPI buckets', () => {
  it('reads a closed bucket from the store once, and an open one every time', async () => {
    const store = await storeWithHours(3);
    const read = vi.spyOn(store, 'readKpiBuckets');
    // Now is 02:30: hours 0 and 1 are closed (ended over 5 minutes ago), hour 2 is open.
    const cache = createBucketCache(store, () => start + 2.5 * HOUR_MS);
    const first = await cache.readKpiBuckets(siteKey, 'site', 'hour', hour, hour + 3);
    expect(first.map((b) => b.index)).toEqual([hour, hour + 1, hour + 2]);
    read.mockClear();
    expect(await cache.readKpiBuckets(siteKey, 'site', 'hour', hour, hour + 3)).toEqual(first);
    expect(read.mock.calls.map((call) => call.slice(3))).toEqual([[hour + 2, hour + 3]]);
  });

  it('shares one read between reports that ask for the same buckets at once', async () => {
    const store = await storeWithHours(4);
    const read = vi.spyOn(store, 'readKpiBuckets');
    const cache = createBucketCache(store, () => start + 10 * HOUR_MS);
    const [a, b] = await Promise.all([
      cache.readKpiBuckets(siteKey, 'site', 'hour', hour, hour + 4),
      cache.readKpiBuckets(siteKey, 'site', 'hour', hour + 1, hour + 3),
    ]);
    expect(read).toHaveBeenCalledTimes(1);
    expect(b).toEqual(a.slice(1, 3));
  });

  it('shares one sum between reports that ask for it at once', async () => {
    const store = await storeWithHours(3);
    const sum = vi.spyOn(store, 'sumKpiBuckets');
    const cache = createBucketCache(store, () => start + 10 * HOUR_MS);
    const sums = await Promise.all([1, 2, 3].map(() => cache.sumKpiBuckets(siteKey, 'site', 'hour', hour, hour + 3, '*|')));
    expect(sums).toEqual([{ '*|f0': 3 }, { '*|f0': 3 }, { '*|f0': 3 }]);
    expect(sum).toHaveBeenCalledTimes(1);
  });

  it('forgets a failed read, so the next report asks again', async () => {
    const store = await storeWithHours(2);
    const read = vi.spyOn(store, 'readKpiBuckets').mockRejectedValueOnce(new Error('Redis gone'));
    const cache = createBucketCache(store, () => start + 10 * HOUR_MS);
    await expect(cache.readKpiBuckets(siteKey, 'site', 'hour', hour, hour + 2)).rejects.toThrow('Redis gone');
    expect((await cache.readKpiBuckets(siteKey, 'site', 'hour', hour, hour + 2)).map((b) => b.index)).toEqual([hour, hour + 1]);
    expect(read).toHaveBeenCalledTimes(2);
  });

  it('keeps the sum of the closed part of a range and sums the open part afresh', async () => {
    const store = await storeWithHours(3);
    const sum = vi.spyOn(store, 'sumKpiBuckets');
    const cache = createBucketCache(store, () => start + 2.5 * HOUR_MS);
    expect(await cache.sumKpiBuckets(siteKey, 'site', 'hour', hour, hour + 3, '*|')).toEqual({ '*|f0': 3 });
    sum.mockClear();
    expect(await cache.sumKpiBuckets(siteKey, 'site', 'hour', hour, hour + 3, '*|')).toEqual({ '*|f0': 3 });
    expect(sum.mock.calls.map((call) => call.slice(3, 5))).toEqual([[hour + 2, hour + 3]]);
  });

  it('holds at most its bound of fields, dropping the least recently used first', async () => {
    const fieldsEach = CLOSED_BUCKET_CACHE_FIELDS / 4;
    const store = await storeWithHours(5, fieldsEach);
    const read = vi.spyOn(store, 'readKpiBuckets');
    const cache = createBucketCache(store, () => start + 10 * HOUR_MS + CLOSED_BUCKET_MARGIN_MS);
    await cache.readKpiBuckets(siteKey, 'site', 'hour', hour, hour + 4);
    // The first hour is used again: the second is now the least recently used.
    await cache.readKpiBuckets(siteKey, 'site', 'hour', hour, hour + 1);
    // Two reports summing the same closed hour at once both keep its sum: it counts once.
    await Promise.all([1, 2].map(() => cache.sumKpiBuckets(siteKey, 'site', 'hour', hour + 4, hour + 5, '*|')));
    read.mockClear();
    // Four buckets and a sum of a quarter of the bound each: only the second hour is gone.
    await cache.readKpiBuckets(siteKey, 'site', 'hour', hour, hour + 4);
    expect(read.mock.calls.map((call) => call.slice(3))).toEqual([[hour + 1, hour + 2]]);
  });
});
