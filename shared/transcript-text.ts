/**
 * The one transcript renderer: the visitor's download (made in the widget, in their zone and
 * language), "email me the transcript" and the agent's download (made on the server, in UTC). The
 * visitor's text never holds what only agents see: a message of another kind than a chat message
 * (an internal note …) or marked `visibility: 'internal'` is left out of it.
 */
import type { MessageView } from './protocol';

export interface TranscriptLabels {
  /** The first line, e.g. the site's name. */
  title: string;
  /** The visitor's name in the text ("You" in their own copy). */
  you: string;
  agent: string;
  /** Marks an agents-only message in the agents' copy. @default 'internal note' */
  note?: string;
}

/** A stored message of any kind: notes and attachments carry a `kind` and fields of their own. */
export type TranscriptMessage = MessageView & { kind?: string; visibility?: string };

export interface TranscriptOptions {
  /** @default 'visitor' */
  audience?: 'visitor' | 'agent';
  /** Lines under the title (the agents' copy: queue, category, routing, survey). */
  details?: string[];
}

/** Agents-only: a message of any kind (an internal note …), or one marked internal. */
export function isInternalMessage(m: TranscriptMessage): boolean {
  return m.kind !== undefined || m.visibility === 'internal';
}

/** @example transcriptText(messages, { title: 'Shop', you: 'You', agent: 'Agent' }) // "Shop\n\n[07/12/2026, 10:42] You: hello\n…" */
export function transcriptText(
  messages: readonly TranscriptMessage[],
  labels: TranscriptLabels,
  locale?: string,
  timeZone?: string,
  { audience = 'visitor', details = [] }: TranscriptOptions = {},
): string {
  const when = new Intl.DateTimeFormat(locale, { dateStyle: 'short', timeStyle: 'short', ...(timeZone ? { timeZone } : {}) });
  const shown = audience === 'agent' ? messages : messages.filter((m) => !isInternalMessage(m));
  const lines = shown.map((m) => {
    const who = m.author === 'visitor' ? labels.you : m.agentName ? `${m.agentName} (${labels.agent})` : labels.agent;
    const mark = isInternalMessage(m) ? ` [${labels.note ?? 'internal note'}]` : '';
    // Continuation lines are indented, so each message still reads as one block.
    return `[${when.format(m.createdAt)}] ${who}${mark}: ${String(m.text ?? '').replace(/\r?\n/g, '\n    ')}`;
  });
  return `${[labels.title, ...details].join('\n')}\n\n${lines.join('\n')}\n`;
}
