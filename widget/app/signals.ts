/**
 * Live signals on the widget's side: the system lines read from how the conversation changed, the
 * agent's initials (the typing throttle is shared/typing-signal.ts). Pure and small: app.tsx
 * wires them to the store and the transport.
 */
import type { VisitorConversationView } from '../../shared/protocol';
import type { MessageKey } from './i18n/en';

/** A line in the transcript that is no message: who joined, a transfer, back in the queue. */
export interface SystemLine {
  key: MessageKey;
  values: Record<string, string>;
  /** The id of the last message when it happened (null: before any): the line is shown after it. */
  after: string | null;
}

/**
 * What the visitor is told when their conversation changes hands. The widget sees only its own view:
 * a transfer is a change of `queue` while an active conversation waits again; a hand-back the same
 * queue; a re-route a change of queue while it waits; an agent joining is `active` with a new name.
 */
export function systemLineFor(
  before: VisitorConversationView | null,
  after: VisitorConversationView,
  lastMessageId: string | null,
): SystemLine | null {
  if (!before || before.id !== after.id) return null;
  const line = (key: MessageKey, values: Record<string, string> = {}): SystemLine => ({ key, values, after: lastMessageId });
  if (after.status === 'active' && after.assignedAgentName && (before.status !== 'active' || before.assignedAgentName !== after.assignedAgentName)) {
    return line('agentJoined', { agent: after.assignedAgentName });
  }
  if (after.status !== 'waiting') return null;
  // The queue's name is translated when the line is shown.
  if (before.queue !== after.queue) return line(before.status === 'active' ? 'transferred' : 'rerouted', { queue: after.queue });
  if (before.status === 'active') return line('backInQueue');
  return null;
}
