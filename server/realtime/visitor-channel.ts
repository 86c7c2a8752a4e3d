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
import { toVisitorConversation } from '../domain/views';
import type { VisitorNamespace } from '../types';
import { rooms } from './rooms';

/** The fields of a message a visitor may see (an agent's internal note, when there are some, is never one). */
export const VISITOR_MESSAGE_FIELDS = ['id', 'conversationId', 'clientId', 'author', 'agentName', 'text', 'createdAt'] as const satisfies readonly (keyof MessageView)[];

export function toVisitorMessage(message: MessageView): MessageView {
  const view: Record<string, unknown> = {};
  for (const field of VISITOR_MESSAGE_FIELDS) if (message[field] !== undefined) view[field] = message[field];
  return view as unknown as MessageView;
}

export function toVisitorMessageSent(sent: MessageSent): VisitorMessageSent {
  return { message: toVisitorMessage(sent.message), conversation: toVisitorConversation(sent.conversation), duplicate: sent.duplicate };
}

/** Field by field, so that nothing added to what resumeVisitor returns reaches a widget unasked. */
export function toVisitorSession(session: Omit<VisitorSession, 'conversation'> & { conversation: ConversationView | null }): VisitorSession {
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
    },
    visitorId,
    token,
    conversation: conversation ? toVisitorConversation(conversation) : null,
    messages: messages.map(toVisitorMessage),
    position,
    lastSeen: { ...(lastSeen.visitor ? { visitor: lastSeen.visitor } : {}), ...(lastSeen.agent ? { agent: lastSeen.agent } : {}) },
  };
}

export { toVisitorConversation };

export function createVisitorChannel(visitors: VisitorNamespace) {
  /** The visitor's tabs, but the connection that caused the change (it hears it in its ack). */
  const tabs = (siteKey: SiteKey, visitorId: VisitorId, except?: string) => {
    const room = visitors.to(rooms.visitor(siteKey, visitorId));
    return except === undefined ? room : room.except(except);
  };

  return {
    conversationUpdated(conversation: ConversationView, except?: string) {
      const view: VisitorConversationView = toVisitorConversation(conversation);
      tabs(conversation.siteKey, conversation.visitorId, except).emit('conversation:updated', view);
    },

    messageCreated(conversation: Pick<ConversationView, 'siteKey' | 'visitorId'>, message: MessageView, except?: string) {
      tabs(conversation.siteKey, conversation.visitorId, except).emit('message:new', toVisitorMessage(message));
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
