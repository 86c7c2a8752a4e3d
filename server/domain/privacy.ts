/**
 * A visitor's data on request (export, deletion) and a site's retention period. Every export and
 * deletion is audited.
 */
import { createHash } from 'node:crypto';
import { createError } from '../../shared/errors';
import type { ConversationId, SiteKey, VisitorId } from '../../shared/ids';
import type { ConversationView, MessageView, VisitorContext, VisitorIdentity } from '../../shared/protocol';
import type { Archive } from '../store/archive/archive';
import type { ErasedTraces, Store } from '../store/store';
import { readAllMessages } from './all-messages';
import { SYSTEM, type AuditLog } from './audit';
import type { DomainEvents } from './events';
import { newcomerCounterName } from './newcomers';
import { rateCounterNames } from './rate-limiter';

const DAY_MS = 86_400_000;
/** Conversations looked at per retention batch, so one run never holds a huge list in memory. */
const RETENTION_BATCH = 500;

export interface VisitorExport {
  exportedAt: string;
  siteKey: SiteKey;
  /** `context`: the page context last told (visitor:context), when one is kept. */
  visitor: { id: VisitorId; identity: VisitorIdentity | null; context?: VisitorContext };
  conversations: (ConversationView & { messages: MessageView[] })[];
}

/**
 * Something outside the store that may hold a deleted visitor's words or ids (pending webhook or
 * email jobs …): deleteVisitor calls each once the store has forgotten the visitor.
 */
export interface VisitorForgetter {
  /** Names what it cleans in the erasure's audit entry, e.g. `webhook-jobs`. */
  name: string;
  /** @returns how many things it removed (0 when it held nothing of them) */
  forget(input: { siteKey: SiteKey; visitorId: VisitorId; conversationIds: ConversationId[] }): Promise<number>;
}

/** What an erasure's audit entry says in place of the visitor id: the SHA-256 of `<siteKey>:<visitorId>`, hex. */
export function visitorPseudonym(siteKey: SiteKey, visitorId: VisitorId): string {
  return `sha256:${createHash('sha256').update(`${siteKey}:${visitorId}`).digest('hex')}`;
}

/** The counters named after the visitor, and after the IP addresses their conversations kept on this site. */
function visitorCounters(siteKey: SiteKey, visitorId: VisitorId, conversations: ConversationView[]): string[] {
  const ips = new Set(conversations.flatMap((c) => (c.visitorIp ? [c.visitorIp] : [])));
  return [...[visitorId, ...ips].flatMap((subject) => rateCounterNames(`${siteKey}:${subject}`)), newcomerCounterName(siteKey, visitorId)];
}

const foundNothing = (deletedConversations: number, erased: ErasedTraces, forgotten: Record<string, number>) =>
  deletedConversations === 0 &&
  !erased.identity &&
  erased.routingCorrections + erased.routingExamples + erased.kpiEvents + erased.auditEntries.length + erased.counters === 0 &&
  Object.values(forgotten).every((n) => n === 0);

export function createPrivacy({
  store,
  audit,
  events,
  now = Date.now,
  forgetters = [],
  archive = null,
}: {
  store: Store;
  audit: AuditLog;
  /** The archive of ended conversations: exports read it, erasure and retention delete from it too. @default null */
  archive?: Archive | null;
  /** Told `conversation.deleted` for each conversation deleted (its files go too). @default none */
  events?: DomainEvents;
  now?: () => number;
  /** Cleanups beyond the store, run by every deleteVisitor (more can be added with addForgetter). */
  forgetters?: readonly VisitorForgetter[];
}) {
  const registered = [...forgetters];

  const requireSite = async (siteKey: SiteKey) => {
    const site = await store.getSite(siteKey);
    if (!site) throw createError('SITE_NOT_FOUND', { siteKey });
    return site;
  };

  const allMessages = (siteKey: SiteKey, conversationId: string) => readAllMessages(store, siteKey, conversationId);

  /** Deletes one conversation and tells it. @returns whether there was one to delete */
  const deleteConversation = async (conversation: ConversationView, reason: 'erasure' | 'retention') => {
    if (!(await store.deleteConversation(conversation.siteKey, conversation.id))) return false;
    await events?.emit('conversation.deleted', conversation.siteKey, { conversation, reason });
    return true;
  };

  return {
    async exportVisitor(siteKey: SiteKey, visitorId: VisitorId, actor: string): Promise<VisitorExport> {
      await requireSite(siteKey);
      const [identity, context, conversations] = await Promise.all([
        store.getVisitorIdentity(siteKey, visitorId),
        store.getVisitorContext(siteKey, visitorId),
        store.listVisitorConversations(siteKey, visitorId),
      ]);
      const withMessages = await Promise.all(conversations.map(async (c) => ({ ...c, messages: await allMessages(siteKey, c.id) })));
      // Conversations the live store has let go are still in the archive: they are exported too.
      const live = new Set(conversations.map((c) => c.id));
      for (const archived of (await archive?.listVisitor(siteKey, visitorId)) ?? []) {
        if (!live.has(archived.conversation.id)) withMessages.push({ ...archived.conversation, messages: archived.messages });
      }
      withMessages.sort((a, b) => a.createdAt - b.createdAt);
      await audit.record(siteKey, actor, 'visitor.export', visitorId, { conversations: withMessages.length });
      return { exportedAt: new Date(now()).toISOString(), siteKey, visitor: { id: visitorId, identity, ...(context ? { context } : {}) }, conversations: withMessages };
    },

    /**
     * A visitor's erasure: deletes every conversation and message of the visitor on this site, then
     * every trace of them elsewhere (Store.eraseVisitorTraces: routing corrections, raw KPI events,
     * audit entries that named them, identity, counters), then runs the forgetters. The audit
     * entry it records names the visitor only by visitorPseudonym and keeps, of the audit entries
     * it removed, who did what when. VISITOR_NOT_FOUND, changing nothing, when nothing of the
     * visitor was found on this site (another site's visitor, an unknown or already erased one).
     */
    async deleteVisitor(siteKey: SiteKey, visitorId: VisitorId, actor: string): Promise<{ deletedConversations: number }> {
      await requireSite(siteKey);
      const conversations = await store.listVisitorConversations(siteKey, visitorId);
      const conversationIds = conversations.map((c) => c.id);
      let deletedConversations = 0;
      for (const conversation of conversations) if (await deleteConversation(conversation, 'erasure')) deletedConversations += 1;
      // The archive's copies go too, and conversations only the archive still had count as deleted
      // (their files go with them: conversation.deleted).
      const archivedOnly = archive ? (await archive.listVisitor(siteKey, visitorId)).map((a) => a.conversation).filter((c) => !conversationIds.includes(c.id)) : [];
      const archived = archive ? await archive.deleteVisitor(siteKey, visitorId) : 0;
      for (const conversation of archivedOnly) await events?.emit('conversation.deleted', siteKey, { conversation, reason: 'erasure' });
      deletedConversations += archivedOnly.length;
      conversationIds.push(...archivedOnly.map((c) => c.id));
      const erased = await store.eraseVisitorTraces({
        siteKey,
        visitorId,
        conversationIds,
        counters: visitorCounters(siteKey, visitorId, conversations),
      });
      // Every forgetter runs even if one fails: a failure is re-thrown after the erasure is audited.
      const outcomes = await Promise.allSettled(registered.map((f) => f.forget({ siteKey, visitorId, conversationIds })));
      const forgotten: Record<string, number> = {};
      const failed: string[] = [];
      outcomes.forEach((outcome, i) => {
        if (outcome.status === 'fulfilled') forgotten[registered[i]!.name] = outcome.value;
        else failed.push(registered[i]!.name);
      });
      if (failed.length === 0 && foundNothing(deletedConversations, erased, forgotten)) throw createError('VISITOR_NOT_FOUND', { visitorId });
      await audit.record(siteKey, actor, 'visitor.delete', visitorPseudonym(siteKey, visitorId), {
        deletedConversations,
        routingCorrections: erased.routingCorrections,
        routingExamples: erased.routingExamples,
        kpiEvents: erased.kpiEvents,
        identity: erased.identity,
        counters: erased.counters,
        ...(archive ? { archivedConversations: archived } : {}),
        auditEntries: erased.auditEntries.map(({ at, actor: by, action }) => ({ at, actor: by, action })),
        ...(registered.length > 0 ? { forgotten } : {}),
        ...(failed.length > 0 ? { failed } : {}),
      });
      const failure = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected');
      if (failure) throw failure.reason;
      return { deletedConversations };
    },

    /** Adds a cleanup beyond the store to every later deleteVisitor. @returns a function that removes it */
    addForgetter(forgetter: VisitorForgetter): () => void {
      registered.push(forgetter);
      return () => {
        const index = registered.indexOf(forgetter);
        if (index >= 0) registered.splice(index, 1);
      };
    },

    /**
     * Deletes resolved conversations older than the site's retention period (open ones are kept), and
     * the archived conversations created before it. @returns how many of each
     */
    async applyRetention(siteKey: SiteKey): Promise<{ deleted: number; archived: number }> {
      const site = await requireSite(siteKey);
      const days = site.settings.retentionDays;
      if (!days) return { deleted: 0, archived: 0 };
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
          else if (c ? await deleteConversation(c, 'retention') : await store.deleteConversation(siteKey, id)) deleted += 1;
        }
        if (batch.length < RETENTION_BATCH) break;
      }
      // The archive holds ended conversations only: all of those older than the period go.
      const archived = archive ? await archive.deleteCreatedBefore(siteKey, before) : 0;
      if (deleted + archived > 0) await audit.record(siteKey, SYSTEM, 'retention.apply', siteKey, { deleted, retentionDays: days, ...(archive ? { archived } : {}) });
      return { deleted, archived };
    },
  };
}

export type Privacy = ReturnType<typeof createPrivacy>;
