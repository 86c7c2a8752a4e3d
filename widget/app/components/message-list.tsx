import { useEffect, useRef } from 'preact/hooks';
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
}

/** The transcript. Text is rendered as text (Preact escapes it): a message is never HTML. */
export function MessageList({ label, messages, pending, sendingLabel, youLabel, agentLabel, notices, agentInitials }: MessageListProps) {
  const end = useRef<HTMLLIElement>(null);
  useEffect(() => end.current?.scrollIntoView?.({ block: 'end' }), [messages.length, pending.length, notices.length]);
  return (
    <ol class="sb-log" role="log" aria-label={label} aria-live="polite">
      {messages.map((m) => (
        <li key={m.id} class={`sb-msg sb-msg-${m.author}`}>
          <span class="sb-sr">{m.author === 'visitor' ? youLabel : (m.agentName ?? agentLabel)}: </span>
          {m.author === 'agent' && agentInitials && m.agentName && <span class="sb-avatar" aria-hidden="true">{initialsOf(m.agentName)}</span>}
          {m.author === 'agent' && <span class="sb-author" aria-hidden="true">{m.agentName ?? agentLabel}</span>}
          <MessageText class="sb-text" text={m.text} />
        </li>
      ))}
      {pending.map((p) => (
        <li key={p.clientId} class="sb-msg sb-msg-visitor sb-pending">
          <span class="sb-text">{p.text}</span>
          <span class="sb-status">{sendingLabel}</span>
        </li>
      ))}
      {notices.map((n, i) => (
        <li key={`n${i}`} class="sb-notice">
          {n}
        </li>
      ))}
      <li ref={end} class="sb-end" aria-hidden="true" />
    </ol>
  );
}
