/**
 * "Seen" from the visitor's side: the last agent message on screen is reported while the chat
 * window is open (the loader hides the panel when closed) and the page is visible (Page Visibility
 * API). Only later ids are sent; the server keeps the mark moving forward anyway.
 */
import { compareMessageIds } from '../../shared/ids';
import type { StateStore } from '../../shared/state-store';
import type { WidgetState } from './store';
import type { VisitorTransport } from './transport';

export function reportSeen(panel: HTMLElement, store: StateStore<WidgetState>, transport: Pick<VisitorTransport, 'seen'>): void {
  let reported: string | undefined;
  const check = () => {
    if (panel.hidden || document.visibilityState !== 'visible') return;
    const { conversation, messages, lastSeen, connection } = store.getState();
    if (!conversation || connection !== 'online') return;
    let last: string | undefined;
    for (const m of messages) if (m.author === 'agent' && m.conversationId === conversation.id) last = m.id;
    const known = reported ?? lastSeen.visitor;
    if (!last || (known && compareMessageIds(last, known) <= 0)) return;
    reported = last;
    transport.seen(conversation.id, last);
  };
  store.subscribe(check);
  document.addEventListener('visibilitychange', check);
  new MutationObserver(check).observe(panel, { attributes: true, attributeFilter: ['hidden'] });
  check();
}
