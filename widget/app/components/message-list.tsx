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
  /** Files on their way: name and 0–1 sent. */
  uploads?: { id: string; name: string; done: number }[];
  uploadingLabel?: (name: string) => string;
  /** The server's URL, which attachments' links are relative to. */
  base?: string;
}

/** An image as a thumbnail that opens the full one, any other file as a link (the server sends it as a download). */
function AttachmentView({ attachment: a, base }: { attachment: NonNullable<MessageView['attachment']>; base: string | undefined }) {
  if (!a.url) return <span class="sb-text">{a.name}</span>;
  const href = new URL(a.url, base).href;
  return a.type.startsWith('image/') ? (
    <a class="sb-file" href={href} target="_blank" rel="noopener noreferrer">
      <img class="sb-thumb" src={href} alt={a.name} width={a.width} height={a.height} />
    </a>
  ) : (
    <a class="sb-file sb-text" href={href} target="_blank" rel="noopener noreferrer">
      {a.name}
    </a>
  );
}

/**
 * The transcript. Text is rendered as text (Preact escapes it): a message is never HTML. Plain
 * <div>s under role="log": that role replaces a list's, which would leave <li>s with no list (axe).
 */
export function MessageList({ label, messages, pending, sendingLabel, youLabel, agentLabel, notices, agentInitials, lines = [], seenId, seenLabel, typing, uploads = [], uploadingLabel, base }: MessageListProps) {
  const end = useRef<HTMLDivElement>(null);
  useEffect(() => end.current?.scrollIntoView?.({ block: 'end' }), [messages.length, pending.length, notices.length, lines.length, typing, uploads.length]);
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
            {m.attachment ? <AttachmentView attachment={m.attachment} base={base} /> : <MessageText class="sb-text" text={m.text} />}
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
      {uploads.map((u) => (
        <div key={u.id} class="sb-msg sb-msg-visitor sb-pending">
          <span class="sb-text">{uploadingLabel?.(u.name)}</span>
          <progress max={1} value={u.done} aria-label={uploadingLabel?.(u.name)} />
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
