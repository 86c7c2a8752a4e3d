import { compareMessageIds } from './ids';
import type { MessageView } from './protocol';

/**
 * Adds messages not yet shown, in stored order: how a client turns at-least-once delivery
 * (a push and a resume may bring the same message) into exactly-once on screen.
 */
export function mergeMessages(current: MessageView[], incoming: MessageView[]): MessageView[] {
  const known = new Set(current.map((m) => m.id));
  const fresh = incoming.filter((m) => !known.has(m.id) && known.add(m.id));
  if (fresh.length === 0) return current;
  return [...current, ...fresh].sort((a, b) => compareMessageIds(a.id, b.id));
}
