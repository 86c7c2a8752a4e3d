/**
 * `window.Switchboard` without the DOM: the calls, the events, and the page-side checks (checks.ts,
 * fetched on the first identify or setContext: they would not fit the loader's 2 KB). The loader
 * wires it to the launcher and the app; a unit test drives it with fakes.
 */
import type * as Checks from './checks';
import type { WidgetIdentity } from '../app/boot-config';

/** What `Switchboard.on` listens to. */
export type SwitchboardEventName = 'ready' | 'open' | 'close' | 'message' | 'unread' | 'error';
/** The facts `setContext` keeps. */
export type CustomContext = Record<string, string | number>;
/** An error reported to the page: to `on('error')`, and to its console with a `[Switchboard]` prefix. */
export interface ApiError {
  code: string;
  message: string;
}
type Listener = (data?: unknown) => void;

/** What the API drives; the loader gives the real launcher and app. */
export interface ApiTarget {
  /** true: open, false: close, undefined: toggle. */
  setOpen(open?: boolean): void;
  identify(identity: WidgetIdentity): void;
  setContext(custom: CustomContext): void;
  setSound(on: boolean): void;
}

export interface SwitchboardApi {
  /** Calls made before the loader ran, `[name, ...args]`, replayed in order (see README). */
  _: unknown[][];
  open(): void;
  close(): void;
  toggle(): void;
  /** Who the visitor is: `{ userId, name?, email?, hash? }` (hash: see README). */
  identify(identity: WidgetIdentity): void;
  /** Facts shown to the agent (`{ plan: 'pro', cartValue: 129.5 }`), merged into those set before; `null` removes a key. */
  setContext(custom: Record<string, string | number | null>): void;
  /** A short beep for a new message while the chat is closed or the tab hidden. @default false */
  setSound(on: boolean): void;
  on(event: SwitchboardEventName, listener: Listener): void;
  off(event: SwitchboardEventName, listener: Listener): void;
}

/**
 * @param checks loads checks.ts (the loader: a hashed file beside the app, cached for a year)
 * @param log where errors are written @default console
 */
export function createApi(target: ApiTarget, checks: () => Promise<typeof Checks>, log: Pick<Console, 'error'> = console) {
  const listeners: Record<string, Listener[]> = {};
  let ready = false;
  let custom: CustomContext = {};

  const emit = (event: SwitchboardEventName, data?: unknown) => {
    for (const listener of listeners[event] ?? []) {
      // A page's listener that throws must stop neither the others nor the widget.
      try {
        listener(data);
      } catch (error) {
        log.error(error);
      }
    }
  };
  /** To the page's console and to `on('error')`; codes are the wire's catalogue (docs/protocol.md). */
  const report = (error: ApiError) => {
    log.error('[Switchboard] ' + error.message);
    emit('error', error);
  };
  const invalid = (what: string) => report({ code: 'PAYLOAD_INVALID', message: what + ' is invalid' });

  const api: SwitchboardApi = {
    _: [],
    open: () => target.setOpen(true),
    close: () => target.setOpen(false),
    toggle: () => target.setOpen(),
    // Checked in call order: each waits for the same module promise.
    identify: (given) =>
      void checks().then(({ identityProblem }) => {
        const field = identityProblem(given);
        if (field) invalid(`identify: ${field}`);
        else target.identify({ ...given });
      }),
    setContext: (given) =>
      void checks().then(({ mergeContext }) => {
        const merged = mergeContext(custom, given);
        if (typeof merged === 'string') invalid(`setContext: ${merged || 'object'}`);
        else target.setContext({ ...(custom = merged) });
      }),
    setSound: (on) => target.setSound(on === true),
    on(event, listener) {
      (listeners[event] ??= []).push(listener);
      // Listening for ready after it happened still hears it.
      if (event === 'ready' && ready) listener();
    },
    off(event, listener) {
      listeners[event] = (listeners[event] ?? []).filter((l) => l !== listener);
    },
  };

  return {
    api,
    emit,
    report,
    /** Replays the snippet's queue, then tells `ready`. */
    start(queued: unknown[][] = []) {
      for (const [name, ...args] of queued) {
        const method = api[name as 'open'];
        if (typeof method === 'function' && name !== '_') (method as (...a: unknown[]) => void)(...args);
        else invalid(String(name));
      }
      ready = true;
      emit('ready');
    },
  };
}
