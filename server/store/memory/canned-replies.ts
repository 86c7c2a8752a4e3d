/** A site's canned replies in memory, as server/store/redis/canned-replies.ts keeps them in Redis. */
import { createError } from '../../../shared/errors';
import type { CannedReply } from '../../../shared/schemas';
import type { Store } from '../store';

type CannedReplyOps = Pick<Store, 'listCannedReplies' | 'putCannedReply' | 'deleteCannedReply'>;

export function createMemoryCannedReplyOps(): CannedReplyOps {
  /** siteKey → id → reply. */
  const sites = new Map<string, Map<string, CannedReply>>();
  const repliesOf = (siteKey: string) => {
    let replies = sites.get(siteKey);
    if (!replies) sites.set(siteKey, (replies = new Map()));
    return replies;
  };
  return {
    async listCannedReplies(siteKey) {
      return [...repliesOf(siteKey).values()].map((r) => structuredClone(r)).sort((a, b) => (a.shortcut < b.shortcut ? -1 : a.shortcut > b.shortcut ? 1 : 0));
    },

    async putCannedReply(siteKey, reply, { create, max }) {
      const replies = repliesOf(siteKey);
      if (!create && !replies.has(reply.id)) throw createError('CANNED_REPLY_NOT_FOUND', { id: reply.id });
      const owner = [...replies.values()].find((r) => r.shortcut === reply.shortcut);
      if (owner && owner.id !== reply.id) throw createError('CANNED_SHORTCUT_TAKEN', { shortcut: reply.shortcut });
      if (create && replies.size >= max) throw createError('CANNED_REPLY_LIMIT', { max });
      replies.set(reply.id, structuredClone(reply));
    },

    async deleteCannedReply(siteKey, id) {
      if (!repliesOf(siteKey).delete(id)) throw createError('CANNED_REPLY_NOT_FOUND', { id });
    },
  };
}
