/** Browser-only: a message's text with its web links clickable, everything else as typed. */
import { linkify } from './linkify';

export function MessageText({ text, class: className }: { text: string; class?: string }) {
  return (
    <span class={className}>
      {linkify(text).map((part, i) =>
        'href' in part ? (
          <a key={i} href={part.href} target="_blank" rel="noopener noreferrer nofollow">
            {part.text}
          </a>
        ) : (
          part.text
        ),
      )}
    </span>
  );
}
