import { useEffect, useRef, useState } from 'preact/hooks';
import { compareMessageIds } from '../../shared/ids';
import { MessageText } from '../../shared/message-text';
import type { ConversationView, MessageView, TeamSnapshot } from '../../shared/protocol';
import type { QueueName } from '../../shared/queues';
import type { CannedReply } from '../../shared/schemas';
import { Composer, type ComposerHandle } from './composer';
import { TransferDialog } from './transfer-dialog';
import type { PendingReply } from '../workspace-store';
import { VisitorName } from './visitor-name';
import { AttachmentView, useAttach } from './attachments';
import { WrongQueueButton } from './wrong-queue-button';

export interface ConversationPaneProps {
  conversation: ConversationView;
  messages: MessageView[];
  pending: PendingReply[];
  onReply(text: string): void;
  /** The site's categories for this conversation's queue, to file it under when resolving. */
  categories: string[];
  onResolve(category?: string): void;
  onTransfer(queue: QueueName, note: string): void;
  /** Marks the router's choice wrong without moving the conversation; resolves to the queue it belonged in, or null when refused. */
  onFlagRoute?(): Promise<QueueName | null>;
  onRelease(): void;
  /** Whether this server emails answers to visitors who left (SMTP_URL set). */
  emailEnabled: boolean;
  /** The visitor is writing now. */
  visitorTyping?: boolean;
  /** The visitor's "seen" mark: "Seen" goes under the last of the agent's messages up to it. */
  seenId?: string | undefined;
  /** The reply box changed (the typing signal; its text is not sent). */
  onDraft?(text: string): void;
  /** The pane has shown the conversation up to this visitor message, the page being visible. */
  onSeen?(lastSeenId: string): void;
  /** Adds an internal note (the composer's "Note" switch). */
  onNote(text: string): void;
  /** Hands the conversation to a named colleague. */
  onHandOver(agentId: string, note: string): void;
  /** The team, for the transfer dialog's candidates. */
  loadTeam(): Promise<TeamSnapshot | null>;
  /** The agent at this console. */
  me: { id: string; name: string };
  cannedReplies: CannedReply[];
  siteName: string;
  /** The composer's actions, for keyboard shortcuts. */
  composer?: { current: ComposerHandle | null };
}

/** One conversation: transcript, routing explanation, reply box, resolve. Messages are text, never HTML. */
export function ConversationPane({
  conversation,
  messages,
  pending,
  onReply,
  categories,
  onResolve,
  onTransfer,
  onFlagRoute,
  onRelease,
  emailEnabled,
  visitorTyping = false,
  seenId,
  onDraft,
  onSeen,
  onNote,
  onHandOver,
  loadTeam,
  me,
  cannedReplies,
  siteName,
  composer,
}: ConversationPaneProps) {
  const [category, setCategory] = useState('');
  const [transferring, setTransferring] = useState(false);
  const end = useRef<HTMLLIElement>(null);
  useEffect(() => end.current?.scrollIntoView?.({ block: 'end' }), [messages.length, pending.length, visitorTyping]);
  // "Seen" for the visitor: the last of their messages on screen, while this page is visible.
  const lastVisitorId = messages.filter((m) => m.author === 'visitor').at(-1)?.id;
  useEffect(() => {
    if (!lastVisitorId || !onSeen) return;
    const report = () => document.visibilityState === 'visible' && onSeen(lastVisitorId);
    report();
    document.addEventListener('visibilitychange', report);
    return () => document.removeEventListener('visibilitychange', report);
  }, [lastVisitorId]);
  let seenAt = -1;
  if (seenId) messages.forEach((m, i) => m.author === 'agent' && m.kind !== 'note' && compareMessageIds(m.id, seenId) <= 0 && (seenAt = i));
  const open = conversation.status === 'active';
  const files = useAttach(conversation);
  return (
    <section class="pane" aria-label="Conversation" onDragOver={open ? files.onDrag : undefined} onDrop={open ? files.onDrag : undefined}>
      <header class="pane-head">
        <div>
          <h2>
            <VisitorName conversation={conversation} />
          </h2>
          <p class="routing">
            {conversation.queue} queue · {conversation.routing.reason}
            {conversation.routing.uncertain && ' · check the route'}
            {open && onFlagRoute && <WrongQueueButton conversation={conversation} onFlag={onFlagRoute} />}
          </p>
          {conversation.reopenedAt !== undefined && <p class="routing reopened">Reopened: the visitor replied after it was resolved{conversation.category && ` (filed under ${conversation.category})`}</p>}
          {conversation.leftMessage && !emailEnabled && (
            <p class="routing email-off">Email is off on this server (no SMTP_URL): the visitor sees your answer only when they return to the site.</p>
          )}
          {conversation.transfer && (
            <p class="routing transfer">
              Transferred from {conversation.transfer.fromQueue} by {conversation.transfer.byAgentName}
              {conversation.transfer.note && `: “${conversation.transfer.note}”`}
            </p>
          )}
        </div>
        {open ? (
          <div class="actions">
            <button type="button" class="secondary" onClick={onRelease} title="Back to the front of the queue for another agent">
              Hand back
            </button>
            <button type="button" class="secondary" data-shortcut="transfer" aria-expanded={transferring} onClick={() => setTransferring(!transferring)}>
              Transfer
            </button>
            {categories.length > 0 && (
              <select aria-label="Category" value={category} onChange={(e) => setCategory((e.target as HTMLSelectElement).value)}>
                <option value="">No category</option>
                {categories.map((c) => (
                  <option key={c} value={c}>
                    {c}
                  </option>
                ))}
              </select>
            )}
            <button type="button" class="resolve" data-shortcut="resolve" onClick={() => onResolve(category || undefined)}>
              Resolve
            </button>
          </div>
        ) : (
          <span class="ended">Resolved{conversation.category && ` · ${conversation.category}`}</span>
        )}
      </header>
      {open && transferring && (
        <TransferDialog
          conversation={conversation}
          meId={me.id}
          loadTeam={loadTeam}
          onTransferQueue={onTransfer}
          onHandOver={onHandOver}
          onClose={() => setTransferring(false)}
        />
      )}
      <div class="log" role="log" aria-label="Messages" aria-live="polite">
      <ol class="log-list">
        {messages.map((m, i) => (
          <li key={m.id} class={`msg ${m.author}${m.kind === 'note' ? ' note' : ''}`}>
            <span class="who">
              {m.kind === 'note' && <span class="note-label">Internal note · </span>}
              {m.author === 'agent' ? (m.agentName ?? 'Agent') : 'Visitor'}
            </span>
            {m.attachment ? <AttachmentView conversation={conversation} attachment={m.attachment} /> : <MessageText class="text" text={m.text} />}
            <time dateTime={new Date(m.createdAt).toISOString()}>{new Date(m.createdAt).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })}</time>
            {i === seenAt && <span class="seen">Seen</span>}
          </li>
        ))}
        {pending.map((p) => (
          <li key={p.clientId} class="msg agent pending">
            <span class="text">{p.text}</span>
            <span class="who">sending…</span>
          </li>
        ))}
        {open && visitorTyping && (
          <li class="typing" role="status">
            Visitor is typing…
          </li>
        )}
        <li ref={end} aria-hidden="true" />
      </ol>
      </div>
      {open && (
        <Composer
          onReply={onReply}
          onNote={onNote}
          {...(onDraft ? { onDraft } : {})}
          cannedReplies={cannedReplies}
          canned={{ visitorName: conversation.visitor?.name, agentName: me.name, siteName }}
          {...(composer ? { handle: composer } : {})}
          attach={files.control}
          onPaste={files.onPaste}
        />
      )}
    </section>
  );
}
