/**
 * What the widget keeps across reloads, by allow-list: the visitor token, unsent messages, and the
 * last message id seen. Namespaced per site so two widgets on one page never mix.
 */
export interface PendingMessage {
  clientId: string;
  text: string;
  /** The visitor's topic choice, sent with the first message of a conversation. */
  topic?: 'service' | 'support';
  /** A reply to this ended conversation of the visitor's, which it reopens. */
  reopen?: string;
  /** Sent through "leave a message" (nobody available): who to answer. */
  leave?: { name: string; email: string };
}

export interface PersistedState {
  token?: string;
  outbox?: PendingMessage[];
}

export interface WidgetStorage {
  load(): PersistedState;
  save(state: PersistedState): void;
  /** The newest agent message already counted for the unread badge (live or on resume), so a reload counts none twice. */
  heard?(): string | undefined;
  hear?(messageId: string): void;
}

export function createLocalStorage(siteKey: string, storage: Storage | undefined = globalThis.localStorage): WidgetStorage {
  const key = `switchboard:${siteKey}:state`;
  const heardKey = `switchboard:${siteKey}:heard`;
  return {
    heard() {
      try {
        return storage?.getItem(heardKey) ?? undefined;
      } catch {
        return undefined;
      }
    },
    hear(messageId) {
      try {
        storage?.setItem(heardKey, messageId);
      } catch {
        // Blocked storage: a reload may count a reply again, which beats never counting it.
      }
    },
    load() {
      try {
        const raw = storage?.getItem(key);
        const parsed = raw ? (JSON.parse(raw) as PersistedState) : {};
        return {
          ...(typeof parsed.token === 'string' ? { token: parsed.token } : {}),
          ...(Array.isArray(parsed.outbox) ? { outbox: parsed.outbox } : {}),
        };
      } catch {
        return {};
      }
    },
    save(state) {
      try {
        storage?.setItem(key, JSON.stringify({ token: state.token, outbox: state.outbox }));
      } catch {
        // Blocked storage: the chat still works, it just will not survive a reload.
      }
    },
  };
}
