import type { ConversationView, QueueEntry } from './protocol';

/** A waiting conversation as a queue list shows it. */
export function toQueueEntry(c: ConversationView): QueueEntry {
  return {
    conversationId: c.id,
    queue: c.queue,
    preview: c.preview,
    queuedAt: c.queuedAt,
    ...(c.queueOrder !== undefined ? { queueOrder: c.queueOrder } : {}),
    routing: c.routing,
    ...(c.transfer ? { transfer: c.transfer } : {}),
    ...(c.reopenedAt !== undefined ? { reopenedAt: c.reopenedAt } : {}),
    ...(c.visitor ? { visitor: c.visitor } : {}),
    ...(c.leftMessage ? { leftMessage: true } : {}),
  };
}
