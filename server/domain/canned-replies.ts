/**
 * A site's canned replies: texts an agent inserts by typing `/` and a shortcut in the composer,
 * with placeholders expanded by the console (shared/canned-text.ts). Read by any agent of the
 * site, changed by leads and admins (the routes say who), each change audited. No visitor data.
 */
import { createError } from '../../shared/errors';
import type { SiteKey } from '../../shared/ids';
import { MAX_CANNED_REPLIES, MAX_CANNED_REPLY_LENGTH } from '../../shared/limits';
import type { CannedReply, CannedReplyList, CannedReplyPatch, NewCannedReply } from '../../shared/schemas';
import type { Store } from '../store/store';
import type { AuditLog } from './audit';
import { randomId } from './random-id';

export type CannedReplyService = ReturnType<typeof createCannedReplyService>;

/** Trimmed, not empty, within MAX_CANNED_REPLY_LENGTH. */
function checkCannedText(text: string): string {
  const trimmed = text.trim();
  if (!trimmed) throw createError('MESSAGE_EMPTY', { field: 'text' });
  if (trimmed.length > MAX_CANNED_REPLY_LENGTH) throw createError('MESSAGE_TOO_LONG', { field: 'text', max: MAX_CANNED_REPLY_LENGTH });
  return trimmed;
}

export function createCannedReplyService({ store, audit, now = Date.now }: { store: Store; audit: AuditLog; now?: () => number }) {
  const find = async (siteKey: SiteKey, id: string) => {
    const reply = (await store.listCannedReplies(siteKey)).find((r) => r.id === id);
    if (!reply) throw createError('CANNED_REPLY_NOT_FOUND', { id });
    return reply;
  };
  return {
    async list(siteKey: SiteKey): Promise<CannedReplyList> {
      const [replies, site] = await Promise.all([store.listCannedReplies(siteKey), store.getSite(siteKey)]);
      return { replies, siteName: site?.name ?? '' };
    },

    async create(siteKey: SiteKey, input: NewCannedReply, actor: string): Promise<CannedReply> {
      const at = now();
      const reply: CannedReply = { id: randomId('cr'), shortcut: input.shortcut, text: checkCannedText(input.text), createdAt: at, updatedAt: at };
      await store.putCannedReply(siteKey, reply, { create: true, max: MAX_CANNED_REPLIES });
      await audit.record(siteKey, actor, 'canned-reply.create', reply.id, { shortcut: reply.shortcut });
      return reply;
    },

    async update(siteKey: SiteKey, id: string, patch: CannedReplyPatch, actor: string): Promise<CannedReply> {
      const text = patch.text !== undefined ? checkCannedText(patch.text) : undefined;
      const current = await find(siteKey, id);
      const reply: CannedReply = { ...current, ...(patch.shortcut ? { shortcut: patch.shortcut } : {}), ...(text ? { text } : {}), updatedAt: now() };
      await store.putCannedReply(siteKey, reply, { create: false, max: MAX_CANNED_REPLIES });
      await audit.record(siteKey, actor, 'canned-reply.update', id, { shortcut: reply.shortcut });
      return reply;
    },

    async remove(siteKey: SiteKey, id: string, actor: string): Promise<void> {
      await store.deleteCannedReply(siteKey, id);
      await audit.record(siteKey, actor, 'canned-reply.delete', id);
    },
  };
}
