/**
 * What the domain asks to be emailed, and the small text helpers every email shares. Emails are
 * plain text first; the HTML part is that same text, escaped, so a visitor's or an agent's words
 * are never read as markup by a mail client.
 */
import type { JobQueue } from '../jobs/jobs';

export interface OutboundEmail {
  to: string;
  /** Shown as the sender's name (the site's name), beside MAIL_FROM's address. */
  fromName?: string;
  subject: string;
  text: string;
  html?: string;
}

/** Where composed emails go: the `email` job queue (retried with backoff), or null when email is off. */
export type EmailOutbox = JobQueue<OutboundEmail> | null;

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!);
}

/** The HTML alternative of a plain-text email: the same words, escaped, line breaks kept. */
export function plainTextAsHtml(text: string): string {
  return `<!doctype html><html><body><div style="font-family:sans-serif;white-space:pre-wrap">${escapeHtml(text)}</div></body></html>`;
}

/** `2026-12-07 19:47 UTC`: one zone for everyone, since the server does not know the reader's. */
export function formatUtc(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** A header-safe one-liner (subjects): no line breaks, at most `max` characters. */
export function oneLine(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/** Indents each line of a message so it reads as a quote under its heading. */
export function indent(text: string): string {
  return text
    .split(/\r?\n/)
    .map((line) => `    ${line}`)
    .join('\n');
}
