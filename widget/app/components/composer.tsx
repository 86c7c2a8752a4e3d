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
  /** Files may be sent: the paperclip, and images pasted into the text box. */
  onAttach?(file: File): void;
  attachLabel?: string;
}

/** Enter sends, Shift+Enter starts a new line. */
export function Composer({ label, placeholder, sendLabel, tooLongLabel, onSend, onDraft, inputRef, disabled = false, onAttach, attachLabel }: ComposerProps) {
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
      {onAttach && (
        <label class="sb-attach" title={attachLabel}>
          <input
            type="file"
            class="sb-sr"
            aria-label={attachLabel}
            accept="image/png,image/jpeg,image/gif,image/webp,application/pdf,.txt,.log,.csv,.json"
            onChange={(e) => {
              const input = e.target as HTMLInputElement;
              [...(input.files ?? [])].forEach(onAttach);
              input.value = '';
            }}
          />
          <svg viewBox="0 0 24 24" aria-hidden="true"><path d="M16.5 6.5 8.6 14.4a2 2 0 0 0 2.8 2.8l8-8a4 4 0 0 0-5.6-5.6l-8 8a6 6 0 0 0 8.5 8.5l7.2-7.2" /></svg>
        </label>
      )}
      <textarea
        onPaste={(e) => {
          const files = [...(e.clipboardData?.files ?? [])];
          if (!onAttach || files.length === 0) return;
          e.preventDefault();
          files.forEach(onAttach);
        }}
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
