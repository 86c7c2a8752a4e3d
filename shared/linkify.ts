/**
 * Splits message text into plain runs and web links, for clients that make links clickable.
 * Only `http:` and `https:` URLs written out in full become links; `javascript:`, `data:`,
 * markdown `[text](url)` and HTML stay text exactly as typed. Rendering stays text-only: callers
 * put each part in a text node or an <a> whose href is the parsed URL.
 */
export type TextPart = { text: string } | { text: string; href: string };

// Stops at white space and at characters that cannot end a URL in prose (closing punctuation is trimmed below).
const URL_PATTERN = /\bhttps?:\/\/[^\s<>"'`]+/gi;
const TRAILING = /[.,;:!?)\]}]+$/;

export function linkify(text: string): TextPart[] {
  const parts: TextPart[] = [];
  let last = 0;
  for (const match of text.matchAll(URL_PATTERN)) {
    const raw = match[0].replace(TRAILING, '');
    const start = match.index;
    let href: string | null = null;
    try {
      const url = new URL(raw);
      if (url.protocol === 'http:' || url.protocol === 'https:') href = url.href;
    } catch {
      href = null;
    }
    if (!href) continue;
    if (start > last) parts.push({ text: text.slice(last, start) });
    parts.push({ text: raw, href });
    last = start + raw.length;
  }
  if (last < text.length) parts.push({ text: text.slice(last) });
  return parts;
}
