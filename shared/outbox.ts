/**
 * The sender's half of "at-least-once on the wire, exactly-once on screen": messages wait here,
 * in order, until the server acks them. A lost ack (timeout, disconnect) or an UNAVAILABLE one (the
 * server could not reach its store) is retried with the same client id, which the server
 * recognises; a refusal (too long, conversation ended) is final.
 * Used by the widget and the console alike; knows nothing of Socket.IO.
 */
import type { ClientMessageId } from './ids';
import type { Ack, MessageSent, WireError } from './protocol';

/**
 * @typeParam S what the server acks a stored message with: `MessageSent` for agents,
 * `VisitorMessageSent` (the visitor's view of the conversation) for the widget
 */
export interface OutboxOptions<I extends { clientId: ClientMessageId }, S = MessageSent> {
  /** One attempt: resolves with the ack, rejects when none came (timeout or no connection). */
  send(item: I): Promise<Ack<S>>;
  onSent(item: I, sent: S): void;
  onRefused(item: I, error: WireError): void;
  /** Called whenever the waiting items change, e.g. to persist them. */
  onChange?(items: readonly I[]): void;
  /**
   * Wait before retrying after a lost ack.
   * @default 2000
   */
  retryMs?: number;
}

export interface Outbox<I> {
  readonly items: readonly I[];
  add(item: I): void;
  /** Try now (for example on reconnect) instead of waiting for the retry timer. */
  flush(): void;
  stop(): void;
}

export function createOutbox<I extends { clientId: ClientMessageId }, S = MessageSent>(options: OutboxOptions<I, S>, initial: I[] = []): Outbox<I> {
  const items = [...initial];
  const retryMs = options.retryMs ?? 2_000;
  let sending = false;
  let stopped = false;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;

  const changed = () => options.onChange?.(items);

  const flush = async () => {
    if (sending || stopped) return;
    clearTimeout(retryTimer);
    sending = true;
    try {
      while (items.length > 0 && !stopped) {
        const item = items[0]!;
        let ack: Ack<S>;
        try {
          ack = await options.send(item);
        } catch {
          retryTimer = setTimeout(() => void flush(), retryMs);
          return;
        }
        if (!ack.ok && ack.error.code === 'UNAVAILABLE') {
          retryTimer = setTimeout(() => void flush(), retryMs);
          return;
        }
        items.shift();
        changed();
        if (ack.ok) options.onSent(item, ack.data);
        else options.onRefused(item, ack.error);
      }
    } finally {
      sending = false;
    }
  };

  return {
    get items() {
      return items;
    },
    add(item) {
      items.push(item);
      changed();
      void flush();
    },
    flush() {
      void flush();
    },
    stop() {
      stopped = true;
      clearTimeout(retryTimer);
    },
  };
}
