/** The transcript a visitor downloads at the end of a chat: plain text, made in the browser, times in the visitor's own zone. */
import type { MessageView } from '../../shared/protocol';

export interface TranscriptLabels {
  /** The first line, e.g. the site's name. */
  title: string;
  you: string;
  agent: string;
}

/** @example transcriptText(messages, { title: 'Shop', you: 'You', agent: 'Agent' }) // "Shop\n\n[07/12/2026, 10:42] You: hello\n…" */
export function transcriptText(messages: readonly MessageView[], labels: TranscriptLabels, locale?: string, timeZone?: string): string {
  const when = new Intl.DateTimeFormat(locale, { dateStyle: 'short', timeStyle: 'short', ...(timeZone ? { timeZone } : {}) });
  const lines = messages.map((m) => {
    const who = m.author === 'visitor' ? labels.you : m.agentName ? `${m.agentName} (${labels.agent})` : labels.agent;
    // Continuation lines are indented, so each message still reads as one block.
    return `[${when.format(m.createdAt)}] ${who}: ${m.text.replace(/\r?\n/g, '\n    ')}`;
  });
  return `${labels.title}\n\n${lines.join('\n')}\n`;
}

/** Offers `text` as a file download, without leaving the page. */
export function downloadText(text: string, fileName: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: 'text/plain;charset=utf-8' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.hidden = true;
  // Inside our shadow root: the page never sees the link.
  (document.querySelector('#switchboard-widget')?.shadowRoot ?? document.body).append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1_000);
}
