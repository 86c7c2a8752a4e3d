import { beforeAll } from 'vitest';
import { createRedisStore } from '../../server/store/redis/redis-store';
import { assertRedisReachable, deletePrefix, TEST_REDIS_URL, testPrefix } from '../helpers/redis';
import { describeStoreContract } from './store.contract';

beforeAll(() => assertRedisReachable());

describeStoreContract('RedisStore', async () => {
  const prefix = testPrefix();
  const store = createRedisStore({ url: TEST_REDIS_URL, prefix });
  return {
    store,
    async cleanup() {
      await store.close();
      await deletePrefix(prefix);
    },
  };
});
