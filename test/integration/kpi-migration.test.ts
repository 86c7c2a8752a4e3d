/**
 * `npm run admin -- kpi:migrate`: KPI aggregates recorded by an earlier version (no week hashes,
 * every category dimension in one scope) read the same, once migrated, as if recorded today.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKpiRecorder } from '../../server/domain/kpi-events';
import { createKeys } from '../../server/store/redis/keys';
import { createRedisStore, type RedisStore } from '../../server/store/redis/redis-store';
import { migrateKpiAggregates } from '../../server/store/redis/kpi-migration';
import { KPI_DAYS_KEPT_MS, kpiBucketIndex, kpiBucketStart, KPI_SCOPES, type KpiEvent, type KpiUnit } from '../../server/store/store';
import { assertRedisReachable, deletePrefix, TEST_REDIS_URL, testPrefix } from '../helpers/redis';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const DAY = 86_400_000;
const siteKey = 'site_migrate';
const OLD_CATEGORY_SCOPES = ['queueCategory', 'agentCategory', 'agentQueueCategory'] as const;

describe('migrating KPI aggregates of an earlier version', () => {
  const prefix = testPrefix();
  const keys = createKeys(prefix);
  let store: RedisStore;
  // Three weeks ago to yesterday: whole weeks, days, and hours that Redis keeps.
  const start = Math.floor(Date.now() / DAY - 21) * DAY + 9 * 3_600_000;
  // The first and the last week with a recorded day (days 0 to 19): on a Tuesday, start + 20 days is
  // a Monday with nothing recorded, whose week the migration has no day of.
  const weeks = [kpiBucketIndex('week', start), kpiBucketIndex('week', start + 19 * DAY)];

  /** Every aggregate hash the reports read: each scope's weeks, and the category scopes' hours and days. */
  const snapshot = async () => {
    const read = async (scope: (typeof KPI_SCOPES)[number], unit: KpiUnit, from: number, to: number) => store.readKpiBuckets(siteKey, scope, unit, from, to);
    const out: Record<string, unknown> = {};
    for (const scope of KPI_SCOPES) out[`${scope}:week`] = await read(scope, 'week', weeks[0]!, weeks[1]! + 1);
    for (const scope of ['category', ...OLD_CATEGORY_SCOPES] as const) {
      out[`${scope}:day`] = await read(scope, 'day', kpiBucketIndex('day', start), kpiBucketIndex('day', start + 21 * DAY));
      out[`${scope}:hour`] = await read(scope, 'hour', kpiBucketIndex('hour', start), kpiBucketIndex('hour', start + 21 * DAY));
    }
    return out;
  };

  /** Puts the aggregates back as an earlier version kept them. */
  const toOldLayout = async () => {
    for (const scope of KPI_SCOPES) {
      for (const key of await store.redis.keys(keys.kpiBucket(siteKey, scope, 'week', 0).replace(/0$/, '*'))) await store.redis.del(key);
    }
    for (const unit of ['hour', 'day'] as const) {
      for (const scope of OLD_CATEGORY_SCOPES) {
        for (const key of await store.redis.keys(keys.kpiBucket(siteKey, scope, unit, 0).replace(/0$/, '*'))) {
          const index = Number(key.slice(key.lastIndexOf(':') + 1));
          const fields = await store.redis.hgetall(key);
          for (const [field, value] of Object.entries(fields)) await store.redis.hincrby(keys.kpiBucket(siteKey, 'category', unit, index), field, Number(value));
          await store.redis.del(key);
        }
      }
    }
  };

  beforeAll(async () => {
    await assertRedisReachable();
    store = createRedisStore({ url: TEST_REDIS_URL, prefix });
    const recorder = createKpiRecorder({ store });
    for (let i = 0; i < 20; i++) {
      const at = start + i * DAY + (i % 5) * 3_600_000;
      const conversationId = `c${i}`;
      const queue = i % 3 === 0 ? 'support' : 'service';
      const agentId = `a${i % 4}`;
      const events: KpiEvent[] = [
        { type: 'created', at, conversationId, queue, routedBy: 'model', visitorId: `v${i}`, repeat: false },
        { type: 'assigned', at: at + 60_000, conversationId, queue, agentId, waitMs: 60_000 },
        { type: 'resolved', at: at + 600_000, conversationId, queue, agentId, handleMs: 540_000, category: i % 2 ? 'Billing' : 'Other', summary: { routedQueue: queue, repeat: false, waitMs: 60_000 } },
      ];
      for (const event of events) await recorder.record(siteKey, event);
    }
  });
  afterAll(async () => {
    await store?.close();
    await deletePrefix(prefix);
  });

  it('rebuilds the weeks and splits the categories into their scopes, the same as recorded today; run again, it changes nothing', async () => {
    const recorded = await snapshot();
    expect((recorded['agent:week'] as unknown[]).length).toBeGreaterThan(1);
    expect((recorded['agentQueueCategory:day'] as unknown[]).length).toBeGreaterThan(1);
    await toOldLayout();
    expect(await snapshot()).not.toEqual(recorded);

    const migrated = await store.migrateKpiAggregates(siteKey);
    expect(migrated.categoryFieldsMoved).toBeGreaterThan(0);
    expect(migrated.weeksRebuilt).toBeGreaterThan(KPI_SCOPES.length);
    expect(await snapshot()).toEqual(recorded);
    const weekKey = keys.kpiBucket(siteKey, 'site', 'week', weeks[0]!);
    expect(await store.redis.pttl(weekKey)).toBeGreaterThan(300 * DAY);

    expect((await store.migrateKpiAggregates(siteKey)).categoryFieldsMoved).toBe(0);
    expect(await snapshot()).toEqual(recorded);
  });

  it('leaves a week whose first days have expired as it is: its days no longer add up to it', async () => {
    const [first, last] = weeks.map((week) => keys.kpiBucket(siteKey, 'site', 'week', week!));
    await store.redis.hset(first!, 'marker', 1);
    await store.redis.hset(last!, 'marker', 1);
    const mondayExpires = kpiBucketStart('day', kpiBucketIndex('day', kpiBucketStart('week', weeks[0]!)) + 1) + KPI_DAYS_KEPT_MS;
    await migrateKpiAggregates(store.redis, keys, siteKey, mondayExpires);
    expect(await store.redis.hget(first!, 'marker')).toBe('1');
    expect(await store.redis.hget(last!, 'marker')).toBeNull();
    await store.redis.hdel(first!, 'marker');
  });

  it('runs from the operators’ CLI for one site', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'scripts/admin.ts', 'kpi:migrate', '--site', siteKey], {
      cwd: ROOT,
      env: { ...process.env, REDIS_URL: TEST_REDIS_URL, REDIS_PREFIX: prefix },
    });
    expect(JSON.parse(stdout)).toMatchObject({ migrated: { [siteKey]: { categoryFieldsMoved: 0 } } });
  }, 30_000);
});
