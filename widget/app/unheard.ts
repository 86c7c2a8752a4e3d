/**
 * The agent's replies that came while the visitor was away from the site: after what they saw (their
 * "seen" mark) and after what the badge already counted (live, or on an earlier resume). A resume
 * brings them as history, which the live path never hears of.
 */
import { compareMessageIds } from '../../shared/ids';
import type { MessageView } from '../../shared/protocol';

export function unheardReplies(messages: readonly MessageView[], seen: string | undefined, heard: string | undefined): MessageView[] {
  const newer = (id: string, than: string | undefined) => than === undefined || compareMessageIds(id, than) > 0;
  return messages.filter((m) => m.author === 'agent' && newer(m.id, seen) && newer(m.id, heard));
}
