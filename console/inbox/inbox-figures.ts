/**
 * What the inbox shows beside each conversation, computed from what the console already holds: the
 * messages (pushed live by `message:new`, reloaded after a reconnect) and the agent's "seen" mark
 * (kept by the server, `message:seen`). So unread counts survive a reload without a new field.
 */
import { compareMessageIds } from '../../shared/ids';
import type { MessageView, QueueSnapshot } from '../../shared/protocol';

/** Visitor messages after the agent's "seen" mark. */
export function unreadCount(messages: readonly MessageView[], agentSeenId: string | undefined): number {
  return messages.filter((m) => m.author === 'visitor' && (!agentSeenId || compareMessageIds(m.id, agentSeenId) > 0)).length;
}

/** The visitor's last line, for the list. */
export function lastVisitorLine(messages: readonly MessageView[]): string | undefined {
  return messages.filter((m) => m.author === 'visitor').at(-1)?.text;
}

/**
 * Since when the visitor waits for an answer: their first message after the last agent message;
 * undefined when the agent spoke last.
 */
export function awaitingReplySince(messages: readonly MessageView[]): number | undefined {
  let since: number | undefined;
  for (const m of messages) since = m.author === 'agent' ? undefined : (since ?? m.createdAt);
  return since;
}

/** When the longest-waiting visitor of a queue entered it (the snapshot holds the oldest entries). */
export function longestWaitSince(snapshot: QueueSnapshot): number | undefined {
  return snapshot.entries.reduce<number | undefined>((min, e) => (min === undefined || e.queuedAt < min ? e.queuedAt : min), undefined);
}
