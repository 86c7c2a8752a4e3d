/**
 * Live signals between a visitor and the agent who holds their conversation: "typing" (relayed,
 * throttled, never stored, never the text) and "seen" (the last message each side has shown, kept
 * per conversation and side, only moving forward). Each use case checks that the conversation is the
 * asker's own, then emits its domain event; broadcasts.ts tells the other side.
 */
import { createError } from '../../shared/errors';
import type { ConversationId, MessageId, SiteKey, VisitorId } from '../../shared/ids';
import { TYPING_SIGNAL_INTERVAL_MS } from '../../shared/limits';
import type { ConversationView, LastSeen } from '../../shared/protocol';
import type { AgentView } from '../../shared/schemas';
import type { Store } from '../store/store';
import type { DomainEvents, EventOrigin } from './events';

export interface SignalServiceDeps {
  store: Store;
  events: DomainEvents;
  /** @default Date.now */
  now?: () => number;
}

/** Who sends a signal: a visitor of a site, or an agent. */
export type SignalSender = { by: 'visitor'; siteKey: SiteKey; visitorId: VisitorId } | { by: 'agent'; agent: AgentView };

/** Past this many remembered "typing" relays, the ones older than the interval are forgotten. */
const THROTTLE_ENTRIES_KEPT = 10_000;

export function createSignalService({ store, events, now = Date.now }: SignalServiceDeps) {
  /** `${siteKey}\n${conversationId}\n${by}` → when "typing" was last relayed; absent once "stopped" was. */
  const lastTypingAt = new Map<string, number>();

  const forgetOldTyping = (at: number) => {
    if (lastTypingAt.size < THROTTLE_ENTRIES_KEPT) return;
    for (const [key, when] of lastTypingAt) if (at - when >= TYPING_SIGNAL_INTERVAL_MS) lastTypingAt.delete(key);
  };

  /**
   * The conversation, if the sender may signal in it: a visitor's own (another visitor's is "not
   * found", as everywhere), or one the agent holds.
   */
  const requireOwn = async (sender: SignalSender, conversationId: ConversationId): Promise<ConversationView> => {
    const siteKey = sender.by === 'visitor' ? sender.siteKey : sender.agent.siteKey;
    const conversation = await store.getConversation(siteKey, conversationId);
    if (!conversation || (sender.by === 'visitor' && conversation.visitorId !== sender.visitorId)) {
      throw createError('CONVERSATION_NOT_FOUND', { conversationId });
    }
    if (sender.by === 'agent' && conversation.assignedAgentId !== sender.agent.id) {
      throw createError('CONVERSATION_NOT_ASSIGNED_TO_YOU', { conversationId });
    }
    return conversation;
  };

  return {
    /**
     * Tells the other side that the sender's person writes (or stopped). A "typing" within
     * TYPING_SIGNAL_INTERVAL_MS of the last one relayed for this side is dropped; a stop is relayed
     * only after a relayed "typing". CONVERSATION_NOT_ACTIVE unless it waits or is active (the
     * agent's: active).
     * @returns whether it was relayed
     */
    async setTyping(sender: SignalSender, conversationId: ConversationId, typing: boolean, origin: EventOrigin = {}): Promise<{ relayed: boolean }> {
      const conversation = await requireOwn(sender, conversationId);
      const open = conversation.status === 'active' || (sender.by === 'visitor' && conversation.status === 'waiting');
      if (!open) throw createError('CONVERSATION_NOT_ACTIVE', { conversationId, status: conversation.status });
      const key = `${conversation.siteKey}\n${conversation.id}\n${sender.by}`;
      const at = now();
      const last = lastTypingAt.get(key);
      if (typing ? last !== undefined && at - last < TYPING_SIGNAL_INTERVAL_MS : last === undefined) return { relayed: false };
      if (typing) {
        forgetOldTyping(at);
        lastTypingAt.set(key, at);
      } else {
        lastTypingAt.delete(key);
      }
      await events.emit('conversation.typing', conversation.siteKey, { conversation, by: sender.by, typing }, origin);
      return { relayed: true };
    },

    /**
     * Keeps that the sender has shown the conversation up to `lastSeenId` (a message of it:
     * MESSAGE_NOT_FOUND otherwise), never moving back; the other side is told when it moved.
     * @returns both sides' marks after the call
     */
    async markSeen(sender: SignalSender, conversationId: ConversationId, lastSeenId: MessageId, origin: EventOrigin = {}): Promise<LastSeen> {
      const conversation = await requireOwn(sender, conversationId);
      const { moved, seen } = await store.markSeen({ siteKey: conversation.siteKey, conversationId, by: sender.by, lastSeenId });
      if (moved) await events.emit('message.seen', conversation.siteKey, { conversation, by: sender.by, lastSeenId }, origin);
      return seen;
    },

    /** Both sides' marks of a conversation, for a client that (re)loads it. */
    lastSeen: (siteKey: SiteKey, conversationId: ConversationId): Promise<LastSeen> => store.getSeen(siteKey, conversationId),
  };
}

export type SignalService = ReturnType<typeof createSignalService>;
