/** "Seen" marks in Redis: two fields of the conversation hash, moved forward by markSeen-2.lua. */
import type { Redis } from 'ioredis';
import type { SeenMarks, Store } from '../store';
import type { RedisKeys } from './keys';
import { checkScriptResult } from './scripts';

type SeenOps = Pick<Store, 'markSeen' | 'getSeen'>;

const FIELD = { visitor: 'seenByVisitor', agent: 'seenByAgent' } as const;

const toMarks = (visitor: string | null | undefined, agent: string | null | undefined): SeenMarks => ({
  ...(visitor ? { visitor } : {}),
  ...(agent ? { agent } : {}),
});

export function createSeenOps(redis: Redis, keys: RedisKeys): SeenOps {
  return {
    async markSeen({ siteKey, conversationId, by, lastSeenId }) {
      const result = await redis.sbMarkSeenV1(keys.conversation(siteKey, conversationId), keys.conversationMessages(siteKey, conversationId), FIELD[by], lastSeenId);
      if (typeof result === 'number') {
        checkScriptResult('markSeen', result, { conversationId });
        throw new Error('markSeen-2.lua returned a non-negative number');
      }
      const [moved, visitor, agent] = result;
      return { moved: moved === 1, seen: toMarks(visitor, agent) };
    },

    async getSeen(siteKey, conversationId) {
      const [visitor, agent] = await redis.hmget(keys.conversation(siteKey, conversationId), FIELD.visitor, FIELD.agent);
      return toMarks(visitor, agent);
    },
  };
}
