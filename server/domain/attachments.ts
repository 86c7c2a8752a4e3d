/**
 * Files in conversations. An upload becomes an attachment message through the store's one
 * `appendMessage` and the usual `message.created` event, so broadcasts, webhooks, KPIs (an agent's
 * attachment is a reply: it counts for FRT) and answer emails treat it as any message. The file's
 * type is found from its bytes (file-sniff.ts) and must agree with its name; its bytes go to the
 * file storage before the message is stored, and are removed again if the message is refused.
 * Files are opened only through signed links (file-links.ts) minted for the conversation's visitor
 * and the site's agents, and are deleted with their conversation (`conversation.deleted`).
 */
import { createError } from '../../shared/errors';
import type { ConversationId, SiteKey, VisitorId } from '../../shared/ids';
import type { Attachment, ConversationView, MessageSent } from '../../shared/protocol';
import type { AgentView } from '../../shared/schemas';
import type { FileStorage } from '../store/files/file-storage';
import type { Store } from '../store/store';
import type { DomainEvents, EventOrigin } from './events';
import { isImage, sniffFile, typeOfName } from './file-sniff';
import type { FileLinks, SignedLinkQuery } from './file-links';
import { randomId } from './random-id';
import type { RateLimiter } from './rate-limiter';

/** Who sends or asks: the visitor their token names, or a logged-in agent. */
export type FileActor = { kind: 'visitor'; siteKey: SiteKey; visitorId: VisitorId } | { kind: 'agent'; agent: AgentView };

export interface AttachmentDeps {
  store: Store;
  files: FileStorage;
  links: FileLinks;
  limiter: RateLimiter;
  events: DomainEvents;
  /** @default Date.now */
  now?: () => number;
}

export type Attachments = ReturnType<typeof createAttachments>;

export function createAttachments({ store, files, links, limiter, events, now = Date.now }: AttachmentDeps) {
  const siteOf = (actor: FileActor) => (actor.kind === 'visitor' ? actor.siteKey : actor.agent.siteKey);

  /**
   * The conversation, if this actor may see its files: its own visitor, or an agent of its site
   * (any agent: colleagues read transcripts and history too). Anything else is CONVERSATION_NOT_FOUND.
   */
  const requireVisible = async (actor: FileActor, siteKey: SiteKey, conversationId: ConversationId): Promise<ConversationView> => {
    if (siteOf(actor) !== siteKey) throw createError('SITE_NOT_FOUND', { siteKey });
    const conversation = await store.getConversation(siteKey, conversationId);
    if (!conversation || (actor.kind === 'visitor' && conversation.visitorId !== actor.visitorId)) {
      throw createError('CONVERSATION_NOT_FOUND', { conversationId });
    }
    return conversation;
  };

  return {
    /**
     * Checks, before a byte is read, that this actor may send a file to the conversation now.
     * @returns the site's limit, which the transport enforces while reading
     */
    async prepareUpload(actor: FileActor, siteKey: SiteKey, conversationId: ConversationId): Promise<{ maxBytes: number }> {
      const [conversation, site] = await Promise.all([requireVisible(actor, siteKey, conversationId), store.getSite(siteKey)]);
      if (!site) throw createError('SITE_NOT_FOUND', { siteKey });
      if (site.settings.maxFileBytes === 0) throw createError('FILES_DISABLED');
      if (conversation.status !== 'waiting' && conversation.status !== 'active') throw createError('CONVERSATION_NOT_ACTIVE', { conversationId });
      if (actor.kind === 'agent' && conversation.assignedAgentId !== actor.agent.id) throw createError('CONVERSATION_NOT_ASSIGNED_TO_YOU', { conversationId });
      return { maxBytes: site.settings.maxFileBytes };
    },

    /**
     * Stores the file and appends it as a message (at most once per client id). The body must
     * already be within the site's limit (prepareUpload), which is checked again here.
     */
    async upload(
      actor: FileActor,
      input: { siteKey: SiteKey; conversationId: ConversationId; name: string; clientId: string; body: Uint8Array },
      origin: EventOrigin = {},
    ): Promise<MessageSent> {
      const { maxBytes } = await this.prepareUpload(actor, input.siteKey, input.conversationId);
      if (input.body.length > maxBytes) throw createError('FILE_TOO_LARGE', { maxBytes });
      if (input.body.length === 0) throw createError('FILE_EMPTY');
      const claimed = typeOfName(input.name);
      if (!claimed) throw createError('FILE_TYPE_NOT_ALLOWED', { name: input.name });
      const sniffed = sniffFile(input.body);
      if (!sniffed) throw createError('FILE_TYPE_NOT_ALLOWED', { name: input.name, claimed });
      if (sniffed.type !== claimed) throw createError('FILE_TYPE_MISMATCH', { claimed, detected: sniffed.type });
      if (actor.kind === 'visitor') {
        await limiter.hit('messagesPerVisitor', `${actor.siteKey}:${actor.visitorId}`);
        await limiter.hit('filesPerVisitor', `${actor.siteKey}:${actor.visitorId}`);
      }

      const attachment: Attachment = { id: randomId('f'), name: input.name, size: input.body.length, ...sniffed };
      const at = { siteKey: input.siteKey, conversationId: input.conversationId, fileId: attachment.id };
      await files.put(at, input.body, { type: attachment.type, name: attachment.name });
      let appended: Awaited<ReturnType<Store['appendMessage']>>;
      try {
        appended = await store.appendMessage({
          siteKey: input.siteKey,
          conversationId: input.conversationId,
          clientId: input.clientId,
          author: actor.kind,
          ...(actor.kind === 'agent' ? { agentId: actor.agent.id, agentName: actor.agent.name } : {}),
          text: attachment.name,
          attachment,
          now: now(),
        });
      } catch (error) {
        await files.delete(at);
        throw error;
      }
      // A retry of a stored upload: the first file stays, this copy goes.
      if (appended.duplicate) await files.delete(at);
      const { conversation } = appended;
      if (!appended.duplicate) await events.emit('message.created', input.siteKey, { conversation, message: appended.message }, origin);
      return { message: appended.message, conversation, duplicate: appended.duplicate };
    },

    /** A fresh signed link to a file of a conversation the actor may see. */
    async link(actor: FileActor, siteKey: SiteKey, conversationId: ConversationId, fileId: string) {
      await requireVisible(actor, siteKey, conversationId);
      return links.mint({ siteKey, conversationId, fileId }, actor.kind);
    },

    /** The file a signed link opens. FILE_LINK_INVALID, FILE_LINK_EXPIRED, FILE_NOT_FOUND. */
    async open(fileId: string, query: SignedLinkQuery) {
      const ref = links.verify(fileId, query);
      const found = await files.get(ref);
      if (!found) throw createError('FILE_NOT_FOUND', { fileId });
      return { ...found, expiresAt: ref.expiresAt, inline: isImage(found.info.type as Attachment['type']) };
    },

    /** Deletes a conversation's files (its deletion by erasure or retention). */
    deleteConversationFiles: (siteKey: SiteKey, conversationId: ConversationId) => files.deleteConversation(siteKey, conversationId),
  };
}
