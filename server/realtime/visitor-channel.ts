/**
 * Everything the `/visitor` namespace sends passes through here, projected to the visitor's view
 * (server/domain/views.ts): broadcasts to a visitor's tabs and the acks of their own requests. One
 * place, so that no agent-only field (routing, transfer notes, agents' ids, the visitor's IP) can
 * reach a widget by another path; test/integration/visitor-view.test.ts holds every event to it.
 */
import type { ConversationId, SiteKey, VisitorId } from '../../shared/ids';
import type {
  ConversationView,
  MessageSeen,
  MessageSent,
  MessageView,
  QueuePosition,
  TypingSignal,
  VisitorConversationView,
  VisitorMessageSent,
  VisitorSession,
} from '../../shared/protocol';
import { toVisitorConversation, toVisitorMessage, visitorMessages, type VisitorFileLink } from '../domain/views';
import type { FastifyInstance } from 'fastify';
import type { VisitorNamespace } from '../types';
import { rooms } from './rooms';

export { VISITOR_MESSAGE_FIELDS, toVisitorMessage } from '../domain/views';

export function toVisitorMessageSent(sent: MessageSent, linkFor?: VisitorFileLink): VisitorMessageSent {
  return { message: toVisitorMessage(sent.message, linkFor), conversation: toVisitorConversation(sent.conversation), duplicate: sent.duplicate };
}

/** Field by field, so that nothing added to what resumeVisitor returns reaches a widget unasked. */
export function toVisitorSession(session: Omit<VisitorSession, 'conversation'> & { conversation: ConversationView | null }, linkFor?: VisitorFileLink): VisitorSession {
  const { site, visitorId, token, conversation, messages, position, lastSeen } = session;
  return {
    site: {
      name: site.name,
      topicQuestion: site.topicQuestion,
      available: site.available,
      npsSurvey: site.npsSurvey,
      reopenWithinMinutes: site.reopenWithinMinutes,
      accentColor: site.accentColor,
      accentTextColor: site.accentTextColor,
      position: site.position,
      teamNames: { service: site.teamNames.service, support: site.teamNames.support },
      greeting: site.greeting,
      agentInitials: site.agentInitials,
      avatarUrl: site.avatarUrl,
      defaultLanguage: site.defaultLanguage,
      strings: site.strings,
      prechat: { mode: site.prechat.mode, fields: [...site.prechat.fields] },
      maxFileBytes: site.maxFileBytes,
    },
    visitorId,
    token,
    conversation: conversation ? toVisitorConversation(conversation) : null,
    messages: visitorMessages(messages).map((m) => toVisitorMessage(m, linkFor)),
    position,
    lastSeen: { ...(lastSeen.visitor ? { visitor: lastSeen.visitor } : {}), ...(lastSeen.agent ? { agent: lastSeen.agent } : {}) },
  };
}

export { toVisitorConversation };

/** The visitor's links to attachments, per site: minted for the visitor audience. */
export function visitorFileLinks(app: Pick<FastifyInstance, 'fileLinks'>): (siteKey: SiteKey) => VisitorFileLink {
  return (siteKey) => (conversationId, fileId) => app.fileLinks.mint({ siteKey, conversationId, fileId }, 'visitor').url;
}

/**
 * @param linkFor mints the links to attachments in what the visitor is sent (absent: they carry none)
 * @param everyTabHere no adapter between processes (embedded, SINGLE_PROCESS): every tab of a
 *   visitor is connected to this process, so an emit nobody here would hear can be left out
 */
export function createVisitorChannel(visitors: VisitorNamespace, linkFor?: (siteKey: SiteKey) => VisitorFileLink, { everyTabHere = false } = {}) {
  /** The visitor's tabs, but the connection that caused the change (it hears it in its ack). */
  const tabs = (siteKey: SiteKey, visitorId: VisitorId, except?: string) => {
    const room = visitors.to(rooms.visitor(siteKey, visitorId));
    return except === undefined ? room : room.except(except);
  };
  /**
   * No other tab to tell: the usual case of a message, whose one tab heard it in its ack. Encoding a
   * packet for nobody costs as much as for somebody, on every message.
   */
  const noOtherTab = (siteKey: SiteKey, visitorId: VisitorId, except: string | undefined) => {
    if (!everyTabHere || except === undefined) return false;
    const tabsHere = visitors.adapter.rooms.get(rooms.visitor(siteKey, visitorId));
    return !tabsHere || (tabsHere.size === 1 && tabsHere.has(except));
  };

  return {
    conversationUpdated(conversation: ConversationView, except?: string) {
      const view: VisitorConversationView = toVisitorConversation(conversation);
      tabs(conversation.siteKey, conversation.visitorId, except).emit('conversation:updated', view);
    },

    messageCreated(conversation: Pick<ConversationView, 'siteKey' | 'visitorId'>, message: MessageView, except?: string) {
      if (noOtherTab(conversation.siteKey, conversation.visitorId, except)) return;
      tabs(conversation.siteKey, conversation.visitorId, except).emit('message:new', toVisitorMessage(message, linkFor?.(conversation.siteKey)));
    },

    position(siteKey: SiteKey, visitorId: VisitorId, position: QueuePosition & { conversationId: ConversationId }) {
      tabs(siteKey, visitorId).emit('queue:position', position);
    },

    /** The agent writes, or stopped: field by field, so nothing else of a signal reaches a widget. */
    typing(conversation: Pick<ConversationView, 'siteKey' | 'visitorId'>, { conversationId, by, typing }: TypingSignal) {
      tabs(conversation.siteKey, conversation.visitorId).emit('conversation:typing', { conversationId, by, typing });
    },

    /** The agent has read up to a message. */
    seen(conversation: Pick<ConversationView, 'siteKey' | 'visitorId'>, { conversationId, by, lastSeenId }: MessageSeen) {
      tabs(conversation.siteKey, conversation.visitorId).emit('message:seen', { conversationId, by, lastSeenId });
    },
  };
}

export type VisitorChannel = ReturnType<typeof createVisitorChannel>;
