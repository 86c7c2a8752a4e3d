/** A site's canned replies in Redis: one hash of replies by id, one of ids by shortcut, changed together by Lua. */
import type { Redis } from 'ioredis';
import type { CannedReply } from '../../../shared/schemas';
import type { Store } from '../store';
import type { RedisKeys } from './keys';
import { checkScriptResult } from './scripts';

type CannedReplyOps = Pick<Store, 'listCannedReplies' | 'putCannedReply' | 'deleteCannedReply'>;

export function createCannedReplyOps(redis: Redis, keys: RedisKeys): CannedReplyOps {
  return {
    async listCannedReplies(siteKey) {
      const replies = Object.values(await redis.hgetall(keys.cannedReplies(siteKey))).map((raw) => JSON.parse(raw) as CannedReply);
      return replies.sort((a, b) => (a.shortcut < b.shortcut ? -1 : a.shortcut > b.shortcut ? 1 : 0));
    },

    async putCannedReply(siteKey, reply, { create, max }) {
      const code = await redis.sbPutCannedReplyV1(
        keys.cannedReplies(siteKey),
        keys.cannedShortcuts(siteKey),
        reply.id,
        reply.shortcut,
        JSON.stringify(reply),
        create ? '1' : '0',
        max,
      );
      checkScriptResult('putCannedReply', code, code === -2 ? { shortcut: reply.shortcut } : code === -3 ? { max } : { id: reply.id });
    },

    async deleteCannedReply(siteKey, id) {
      checkScriptResult('deleteCannedReply', await redis.sbDeleteCannedReplyV1(keys.cannedReplies(siteKey), keys.cannedShortcuts(siteKey), id), { id });
    },
  };
}
