import { Fragment } from 'preact';
import { useEffect, useRef } from 'preact/hooks';
import { compareMessageIds } from '../../../shared/ids';
import { MessageText } from '../../../shared/message-text';
import type { MessageView } from '../../../shared/protocol';
import { initialsOf } from '../initials';
import type { PendingMessage } from '../storage';

export interface MessageListProps {
  label: string;
  messages: MessageView[];
  pending: PendingMessage[];
  sendingLabel: string;
  youLabel: string;
  agentLabel: string;
  notices: string[];
  /** A round badge with the agent's initials beside their messages (the site's choice). */
  agentInitials?: boolean;
  /** System lines (who joined, a transfer), each after the message it followed (null: first). */
  lines?: { text: string; after: string | null }[];
  /** The other side's "seen" mark: "Seen" goes under the last of the visitor's messages up to it. */
  seenId?: string | undefined;
  seenLabel?: string;
  /** "Sam is typing…", while they are. */
  typing?: string | null;
}

/**
 * The transcript. Text is rendered as text (Preact escapes it): a message is never HTML. Plain
 * <div>s under role="log": that role replaces a list's, which would leave <li>s with no list (axe).
 */
export function MessageList({ label, messages, pending, sendingLabel, youLabel, agentLabel, notices, agentInitials, lines = [], seenId, seenLabel, typing }: MessageListProps) {
  const end = useRef<HTMLDivElement>(null);
  useEffect(() => end.current?.scrollIntoView?.({ block: 'end' }), [messages.length, pending.length, notices.length, lines.length, typing]);
  let seenAt = -1;
  if (seenId) messages.forEach((m, i) => m.author === 'visitor' && compareMessageIds(m.id, seenId) <= 0 && (seenAt = i));
  const linesAfter = (id: string | null) =>
    lines.filter((l) => l.after === id).map((l, i) => (
      <div key={`l${id}${i}`} class="sb-notice sb-line">
        {l.text}
      </div>
    ));
  return (
    <div class="sb-log" role="log" aria-label={label} aria-live="polite">
      {linesAfter(null)}
      {messages.map((m, i) => (
        <Fragment key={m.id}>
          <div class={`sb-msg sb-msg-${m.author}`}>
            <span class="sb-sr">{m.author === 'visitor' ? youLabel : (m.agentName ?? agentLabel)}: </span>
            {m.author === 'agent' && agentInitials && m.agentName && <span class="sb-avatar" aria-hidden="true">{initialsOf(m.agentName)}</span>}
            {m.author === 'agent' && <span class="sb-author" aria-hidden="true">{m.agentName ?? agentLabel}</span>}
            <MessageText class="sb-text" text={m.text} />
            {i === seenAt && <span class="sb-status sb-seen">{seenLabel}</span>}
          </div>
          {linesAfter(m.id)}
        </Fragment>
      ))}
      {pending.map((p) => (
        <div key={p.clientId} class="sb-msg sb-msg-visitor sb-pending">
          <span class="sb-text">{p.text}</span>
          <span class="sb-status">{sendingLabel}</span>
        </div>
      ))}
      {notices.map((n, i) => (
        <div key={`n${i}`} class="sb-notice">
          {n}
        </div>
      ))}
      {typing && <div class="sb-notice sb-typing">{typing}</div>}
      <div ref={end} class="sb-end" aria-hidden="true" />
    </div>
  );
}
