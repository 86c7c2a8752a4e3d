/** The live signals between the widget's store and its transport, kept out of app.tsx. */
import { TYPING_SHOWN_FOR_MS } from '../../shared/limits';
import type { MessageSeen, TypingSignal, VisitorConversationView } from '../../shared/protocol';
import type { StateStore } from '../../shared/state-store';
import { createTypingSignal } from '../../shared/typing-signal';
import { systemLineFor } from './signals';
import type { WidgetState } from './store';
import type { VisitorTransport } from './transport';

export function wireSignals(store: StateStore<WidgetState>, transport: Pick<VisitorTransport, 'typing'>) {
  let typingTimer: ReturnType<typeof setTimeout> | undefined;
  const stopTyping = () => {
    clearTimeout(typingTimer);
    store.setState({ agentTyping: false });
  };
  const ownOpenConversation = () => {
    const c = store.getState().conversation;
    return c && (c.status === 'waiting' || c.status === 'active') ? c : null;
  };
  const typingSignal = createTypingSignal((typing) => {
    const conversation = ownOpenConversation();
    if (conversation) transport.typing(conversation.id, typing);
  });

  return {
    /** The visitor's draft changed (or was sent: ''). */
    draft: typingSignal.draft,

    /**
     * Called before the store takes the new state: a change of hands becomes a line in the transcript,
     * after the last message on screen (or `after`: the message that caused it).
     */
    conversationChanged(next: VisitorConversationView, after?: string) {
      const s = store.getState();
      const line = systemLineFor(s.conversation, next, after ?? s.messages.at(-1)?.id ?? null);
      if (next.status !== 'active') stopTyping();
      if (line) store.setState({ lines: [...s.lines, line] });
    },

    typing({ conversationId, typing }: TypingSignal) {
      if (store.getState().conversation?.id !== conversationId) return;
      clearTimeout(typingTimer);
      store.setState({ agentTyping: typing });
      // A lost "stopped" (the agent's tab closed) must not leave "typing…" on screen.
      if (typing) typingTimer = setTimeout(stopTyping, TYPING_SHOWN_FOR_MS);
    },

    seen({ conversationId, by, lastSeenId }: MessageSeen) {
      store.setState((s) => (s.conversation?.id === conversationId ? { lastSeen: { ...s.lastSeen, [by]: lastSeenId } } : {}));
    },
  };
}
