import type { RefObject } from 'preact';
import { useState } from 'preact/hooks';
import { MAX_MESSAGE_LENGTH } from '../../../shared/limits';

export interface ComposerProps {
  label: string;
  placeholder: string;
  sendLabel: string;
  tooLongLabel: string;
  onSend(text: string): void;
  /** The draft changed (for the typing signal; its text never leaves the widget). */
  onDraft?(text: string): void;
  /** Lets the widget move focus to the text box when it opens. */
  inputRef: RefObject<HTMLTextAreaElement>;
  /** Nothing can be sent (the server refused this page): shown, but not usable. */
  disabled?: boolean;
}

/** Enter sends, Shift+Enter starts a new line. */
export function Composer({ label, placeholder, sendLabel, tooLongLabel, onSend, onDraft, inputRef, disabled = false }: ComposerProps) {
  const [text, setText] = useState('');
  const tooLong = text.length > MAX_MESSAGE_LENGTH;
  const submit = (event?: Event) => {
    event?.preventDefault();
    if (!text.trim() || tooLong) return;
    onSend(text);
    setText('');
  };
  return (
    <form class="sb-composer" onSubmit={submit}>
      <textarea
        ref={inputRef}
        aria-label={label}
        placeholder={placeholder}
        rows={2}
        value={text}
        disabled={disabled}
        aria-invalid={tooLong}
        onInput={(e) => {
          const draft = (e.target as HTMLTextAreaElement).value;
          setText(draft);
          onDraft?.(draft);
        }}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) submit(e);
        }}
      />
      <button type="submit" disabled={disabled || !text.trim() || tooLong}>
        {sendLabel}
      </button>
      {tooLong && <p class="sb-error" role="alert">{tooLongLabel}</p>}
    </form>
  );
}
