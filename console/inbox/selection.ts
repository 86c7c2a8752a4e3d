/** Moving between the agent's chats: Alt+↑/↓, and a notification's click. */
import type { StateStore } from '../../shared/state-store';
import type { ConsoleState } from '../workspace-store';

/** Selects the next (+1) or previous (-1) of "My conversations", round the end. */
export function stepSelection(store: StateStore<ConsoleState>, step: 1 | -1): void {
  const { conversations, selectedId } = store.getState();
  if (conversations.length === 0) return;
  const at = conversations.findIndex((c) => c.id === selectedId);
  const next = at < 0 ? (step === 1 ? 0 : conversations.length - 1) : (at + step + conversations.length) % conversations.length;
  store.setState({ selectedId: conversations[next]!.id });
}

/** Shows a chat the agent holds; for one still waiting, puts the focus on its Take button. */
export function focusChat(store: StateStore<ConsoleState>, conversationId: string): void {
  if (store.getState().conversations.some((c) => c.id === conversationId)) {
    store.setState({ selectedId: conversationId });
    return;
  }
  document.querySelector<HTMLElement>(`li.waiting[data-conversation="${CSS.escape(conversationId)}"] button`)?.focus();
}
