/** "My conversations": each with its unread count, the visitor's last line and how long they wait for a reply. */
import type { ConversationView, MessageView } from '../../shared/protocol';
import { awaitingReplySince, lastVisitorLine, unreadCount } from '../inbox/inbox-figures';
import { VisitorName } from './visitor-name';
import { WaitedFor } from './waited-for';

export interface MyConversationsProps {
  conversations: ConversationView[];
  messages: Record<string, MessageView[]>;
  agentSeen: Record<string, string | undefined>;
  typing: Record<string, boolean>;
  selectedId: string | null;
  onSelect(conversationId: string): void;
}

export function MyConversations({ conversations, messages, agentSeen, typing, selectedId, onSelect }: MyConversationsProps) {
  return (
    <section class="mine" aria-labelledby="mine-heading">
      <h2 id="mine-heading">My conversations</h2>
      {conversations.length === 0 ? (
        <p class="empty">Take a conversation from a queue to start.</p>
      ) : (
        <ul>
          {conversations.map((c) => {
            const log = messages[c.id] ?? [];
            const unread = c.id === selectedId ? 0 : unreadCount(log, agentSeen[c.id]);
            const since = c.status === 'active' ? awaitingReplySince(log) : undefined;
            return (
              <li key={c.id} data-conversation={c.id}>
                <button
                  type="button"
                  class={`pick ${c.id === selectedId ? 'current' : ''} ${c.status}`}
                  aria-current={c.id === selectedId}
                  onClick={() => onSelect(c.id)}
                >
                  <span class="pick-head">
                    <span class="who">
                      <VisitorName conversation={c} />
                    </span>
                    {unread > 0 && (
                      <span class="unread" aria-label={`${unread} unread`}>
                        {unread}
                      </span>
                    )}
                  </span>
                  <span class="preview">{lastVisitorLine(log) ?? c.preview}</span>
                  <span class="meta">
                    {c.queue} · {c.status === 'resolved' ? 'resolved' : 'open'}
                    {c.leftMessage && <span class="left-message"> · left a message</span>}
                    {since !== undefined && (
                      <span class="awaiting">
                        {' '}
                        · waiting for you <WaitedFor since={since} />
                      </span>
                    )}
                    {c.status === 'active' && typing[c.id] && <span class="typing"> · typing…</span>}
                  </span>
                </button>
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}
