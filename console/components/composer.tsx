import type { ComponentChildren } from 'preact';
/**
 * The reply box: a message to the visitor, or, with the "Note" switch on, an internal note for the
 * team (never sent to the visitor). Typing `/` and a shortcut offers the site's canned replies
 * (↑/↓ to choose, Enter or Tab to insert, Esc to close), inserted with their placeholders filled.
 * Self-contained so a keyboard module can drive it through `ComposerHandle`.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { expandCannedText, insertCanned, matchShortcut, typedShortcut, type CannedContext } from '../../shared/canned-text';
import { MAX_MESSAGE_LENGTH } from '../../shared/limits';
import type { CannedReply } from '../../shared/schemas';

export interface ComposerProps {
  /** Sends the text as a message to the visitor. */
  onReply(text: string): void;
  /** Adds the text as an internal note. */
  onNote(text: string): void;
  /** The draft of a message changed (the typing signal; never sent for a note). */
  onDraft?(text: string): void;
  cannedReplies: CannedReply[];
  canned: CannedContext;
  /** Filled with the composer's actions, for a keyboard module (no preact/compat in the bundle for forwardRef). */
  handle?: { current: ComposerHandle | null };
  /** The attach control (paperclip, progress, refusals), shown before the text box (attachments.tsx). */
  attach?: ComponentChildren;
  /** Takes pasted files (screenshots) as attachments. */
  onPaste?(event: ClipboardEvent): void;
}

/** What a keyboard shortcut may do to the composer. */
export interface ComposerHandle {
  focus(): void;
  /** Turns note mode on or off (toggles without an argument). */
  toggleNote(on?: boolean): void;
  /** Starts a canned reply: puts `/` in the box and opens the picker. */
  startCanned(): void;
}

export function Composer({ onReply, onNote, onDraft, cannedReplies, canned, handle, attach, onPaste }: ComposerProps) {
  const [text, setText] = useState('');
  const [note, setNote] = useState(false);
  const [active, setActive] = useState(0);
  const [dismissed, setDismissed] = useState(false);
  const box = useRef<HTMLTextAreaElement>(null);
  const typed = dismissed ? null : typedShortcut(text);
  const options = typed === null ? [] : matchShortcut(cannedReplies, typed).slice(0, 8);
  const open = options.length > 0;
  useEffect(() => setActive(0), [typed]);

  const change = (draft: string) => {
    setText(draft);
    setDismissed(false);
    if (!note) onDraft?.(draft);
  };
  if (handle) handle.current = {
    focus: () => box.current?.focus(),
    toggleNote: (on?: boolean) => setNote((was) => on ?? !was),
    startCanned: () => {
      change(text && !/\s$/.test(text) ? `${text} /` : `${text}/`);
      box.current?.focus();
    },
  };

  const tooLong = text.length > MAX_MESSAGE_LENGTH;
  const submit = (event: Event) => {
    event.preventDefault();
    if (!text.trim() || tooLong) return;
    if (note) onNote(text);
    else onReply(text);
    setText('');
    if (!note) onDraft?.('');
  };
  const insert = (reply: CannedReply) => {
    change(insertCanned(text, expandCannedText(reply.text, canned)));
    box.current?.focus();
  };

  return (
    <form class={`reply ${note ? 'note-mode' : ''}`} onSubmit={submit}>
      <label class="note-switch">
        <input type="checkbox" role="switch" aria-label="Note" data-shortcut="note" checked={note} onChange={(e) => setNote((e.target as HTMLInputElement).checked)} />
        Note
      </label>
      {attach}
      {open && (
        <ul class="canned-picker" role="listbox" id="canned-picker" aria-label="Canned replies">
          {options.map((r, i) => (
            <li
              key={r.id}
              id={`canned-${r.id}`}
              role="option"
              aria-selected={i === active}
              class={i === active ? 'active' : ''}
              onMouseDown={(e) => {
                e.preventDefault();
                insert(r);
              }}
            >
              <strong>/{r.shortcut}</strong> <span>{expandCannedText(r.text, canned)}</span>
            </li>
          ))}
        </ul>
      )}
      <textarea
        ref={box}
        data-shortcut="reply"
        aria-label={note ? 'Internal note' : 'Reply'}
        rows={3}
        value={text}
        aria-controls={open ? 'canned-picker' : undefined}
        aria-activedescendant={open ? `canned-${options[active]?.id}` : undefined}
        aria-autocomplete="list"
        placeholder={note ? 'Internal note: only your team sees it…' : 'Write a reply… (Enter sends, Shift+Enter for a new line, / for canned replies)'}
        aria-invalid={tooLong}
        onInput={(e) => change((e.target as HTMLTextAreaElement).value)}
        {...(onPaste ? { onPaste } : {})}
        onKeyDown={(e) => {
          if (open) {
            if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
              e.preventDefault();
              setActive((i) => (i + (e.key === 'ArrowDown' ? 1 : options.length - 1)) % options.length);
              return;
            }
            if (e.key === 'Enter' || e.key === 'Tab') {
              e.preventDefault();
              insert(options[active]!);
              return;
            }
            if (e.key === 'Escape') {
              e.preventDefault();
              setDismissed(true);
              return;
            }
          }
          if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) submit(e);
        }}
      />
      <button type="submit" disabled={!text.trim() || tooLong} title={note ? 'Adds the note: only your team sees it' : 'Sends to the visitor'}>
        Send
      </button>
      {tooLong && <p role="alert">Replies can be up to {MAX_MESSAGE_LENGTH} characters.</p>}
    </form>
  );
}
