/** RedisStore's per-site learning: routing examples and adapted model versions (see Store). */
import type { Redis } from 'ioredis';
import type { SiteKey } from '../../../shared/ids';
import type { RouterLearning, RoutingExample, SiteModelVersion, Store } from '../store';
import type { RedisKeys } from './keys';

type RouterLearningOps = Pick<Store, 'saveRoutingExample' | 'listRoutingExamples' | 'getRouterLearning' | 'getActiveRouterVersion' | 'saveRouterLearning'>;

export function createRouterLearningOps(redis: Redis, keys: RedisKeys): RouterLearningOps & {
  /** Deletes the examples of a visitor or of their conversations; @returns how many */
  eraseRoutingExamples(siteKey: SiteKey, ids: ReadonlySet<string>): Promise<number>;
} {
  return {
    async saveRoutingExample(siteKey, example, keep) {
      return redis.sbSaveRoutingExampleV1(
        keys.routingExamples(siteKey),
        keys.routingExampleOrder(siteKey),
        keys.routerLearning(siteKey),
        example.conversationId,
        JSON.stringify(example),
        example.flagged ? '1' : '0',
        example.corrected ? '1' : '0',
        example.at,
        keep,
      );
    },

    async listRoutingExamples(siteKey, limit) {
      const ids = await redis.zrevrange(keys.routingExampleOrder(siteKey), 0, limit - 1);
      if (ids.length === 0) return [];
      const values = await redis.hmget(keys.routingExamples(siteKey), ...ids);
      return values.filter((v): v is string => v !== null).map((v) => JSON.parse(v) as RoutingExample);
    },

    async getRouterLearning(siteKey) {
      const [active, versions, pending] = await redis.hmget(keys.routerLearning(siteKey), 'active', 'versions', 'pending');
      return {
        active: active ? Number(active) : null,
        versions: versions ? (JSON.parse(versions) as SiteModelVersion[]) : [],
        pendingCorrections: Math.max(0, Number(pending ?? 0)),
      } satisfies RouterLearning;
    },

    async getActiveRouterVersion(siteKey) {
      const active = await redis.hget(keys.routerLearning(siteKey), 'active');
      return active ? Number(active) : null;
    },

    async saveRouterLearning(siteKey, { active, versions }, trainedCorrections) {
      const key = keys.routerLearning(siteKey);
      const transaction = redis.multi().hset(key, 'versions', JSON.stringify(versions), 'active', active === null ? '' : String(active));
      if (trainedCorrections > 0) transaction.hincrby(key, 'pending', -trainedCorrections);
      await transaction.exec();
    },

    async eraseRoutingExamples(siteKey, ids) {
      const all = await redis.hgetall(keys.routingExamples(siteKey));
      const doomed = Object.entries(all)
        .filter(([, json]) => {
          const example = JSON.parse(json) as RoutingExample;
          return ids.has(example.visitorId) || ids.has(example.conversationId);
        })
        .map(([id]) => id);
      if (doomed.length === 0) return 0;
      await redis.multi().hdel(keys.routingExamples(siteKey), ...doomed).zrem(keys.routingExampleOrder(siteKey), ...doomed).exec();
      return doomed.length;
    },
  };
}
