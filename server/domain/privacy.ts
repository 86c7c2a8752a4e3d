/**
 * A visitor's data on request (export, deletion) and a site's retention period. Every export and
 * deletion is audited.
 */
import { createError } from '../../shared/errors';
import type { SiteKey, VisitorId } from '../../shared/ids';
import type { ConversationView, MessageView, VisitorIdentity } from '../../shared/protocol';
import type { Store } from '../store/store';
import { readAllMessages } from './all-messages';
import { SYSTEM, type AuditLog } from './audit';

const DAY_MS = 86_400_000;
/** Conversations looked at per retention batch, so one run never holds a huge list in memory. */
const RETENTION_BATCH = 500;

export interface VisitorExport {
  exportedAt: string;
  siteKey: SiteKey;
  visitor: { id: VisitorId; identity: VisitorIdentity | null };
  conversations: (ConversationView & { messages: MessageView[] })[];
}

export function createPrivacy({ store, audit, now = Date.now }: { store: Store; audit: AuditLog; now?: () => number }) {
  const requireSite = async (siteKey: SiteKey) => {
    const site = await store.getSite(siteKey);
    if (!site) throw createError('SITE_NOT_FOUND', { siteKey });
    return site;
  };

  const allMessages = (siteKey: SiteKey, conversationId: string) => readAllMessages(store, siteKey, conversationId);

  return {
    async exportVisitor(siteKey: SiteKey, visitorId: VisitorId, actor: string): Promise<VisitorExport> {
      await requireSite(siteKey);
      const [identity, conversations] = await Promise.all([
        store.getVisitorIdentity(siteKey, visitorId),
        store.listVisitorConversations(siteKey, visitorId),
      ]);
      const withMessages = await Promise.all(conversations.map(async (c) => ({ ...c, messages: await allMessages(siteKey, c.id) })));
      await audit.record(siteKey, actor, 'visitor.export', visitorId, { conversations: conversations.length });
      return { exportedAt: new Date(now()).toISOString(), siteKey, visitor: { id: visitorId, identity }, conversations: withMessages };
    },

    /** Deletes every conversation, message and identity of the visitor on this site. */
    async deleteVisitor(siteKey: SiteKey, visitorId: VisitorId, actor: string): Promise<{ deletedConversations: number }> {
      await requireSite(siteKey);
      const conversations = await store.listVisitorConversations(siteKey, visitorId);
      let deletedConversations = 0;
      for (const c of conversations) if (await store.deleteConversation(siteKey, c.id)) deletedConversations += 1;
      await store.deleteVisitorIdentity(siteKey, visitorId);
      await audit.record(siteKey, actor, 'visitor.delete', visitorId, { deletedConversations });
      return { deletedConversations };
    },

    /** Deletes resolved conversations older than the site's retention period; open ones are kept. */
    async applyRetention(siteKey: SiteKey): Promise<{ deleted: number }> {
      const site = await requireSite(siteKey);
      const days = site.settings.retentionDays;
      if (!days) return { deleted: 0 };
      const before = now() - days * DAY_MS;
      let deleted = 0;
      let kept = 0;
      for (;;) {
        // Kept (still open) conversations stay at the front of the index, so skip past them.
        const ids = await store.listConversationIdsCreatedBefore(siteKey, before, kept + RETENTION_BATCH);
        const batch = ids.slice(kept);
        if (batch.length === 0) break;
        for (const id of batch) {
          const c = await store.getConversation(siteKey, id);
          if (c && c.status !== 'resolved') kept += 1;
          else if (await store.deleteConversation(siteKey, id)) deleted += 1;
        }
        if (batch.length < RETENTION_BATCH) break;
      }
      if (deleted > 0) await audit.record(siteKey, SYSTEM, 'retention.apply', siteKey, { deleted, retentionDays: days });
      return { deleted };
    },
  };
}

export type Privacy = ReturnType<typeof createPrivacy>;
