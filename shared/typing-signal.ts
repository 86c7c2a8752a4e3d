import { TYPING_SIGNAL_INTERVAL_MS } from './limits';

/**
 * A typing signal, the widget's and the console's: "typing" at most every TYPING_SIGNAL_INTERVAL_MS
 * while the draft has text, one "stopped" when it empties or is sent. Never the text.
 */
export function createTypingSignal(send: (typing: boolean) => void, now: () => number = Date.now) {
  let lastSentAt: number | null = null;
  return {
    /** The draft changed. */
    draft(text: string) {
      if (text.trim()) {
        const at = now();
        if (lastSentAt === null || at - lastSentAt >= TYPING_SIGNAL_INTERVAL_MS) {
          lastSentAt = at;
          send(true);
        }
      } else if (lastSentAt !== null) {
        lastSentAt = null;
        send(false);
      }
    },
  };
}
