/**
 * The script a site pastes: `<script src=".../widget.js" data-site="KEY" async></script>`.
 * Vanilla and tiny (budget 2 KB brotli): it installs `window.Switchboard` (keeping calls queued
 * before it loaded), draws the launcher inside a Shadow DOM, and imports the chat app on first open.
 */
import type { WidgetBootConfig, WidgetHandle } from '../app/boot-config';
import { createApi, type CustomContext, type SwitchboardApi } from './api';
import { CHAT_ICON, CLOSE_ICON } from './icons';
import LAUNCHER_CSS from './launcher.css';

declare global {
  interface Window {
    Switchboard?: Partial<SwitchboardApi>;
  }
}

/** Filled in by scripts/build.ts: the app's and the fallback stylesheet's content-hashed names. */
declare const APP_PATH: string;
declare const STYLE_PATH: string;
/** Filled in by scripts/build.ts: the page-side checks of identify and setContext, fetched on first use. */
declare const CHECKS_PATH: string;

function start(script: HTMLScriptElement) {
  const siteKey = script.dataset.site;
  if (!siteKey) {
    console.error('[Switchboard] data-site is missing');
    return;
  }
  const base = new URL('.', script.src).href;

  const host = document.createElement('div');
  host.id = 'switchboard-widget';
  const shadow = host.attachShadow({ mode: 'open' });
  // Never an inline <style>: a strict style-src blocks it. CSP does not govern constructed sheets;
  // browsers without them (Safari before 16.4) get launcher and app styles in one file from our origin.
  if (Array.isArray((shadow as Partial<ShadowRoot>).adoptedStyleSheets)) {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(LAUNCHER_CSS);
    shadow.adoptedStyleSheets = [sheet];
  } else {
    const link = document.createElement('link');
    link.rel = 'stylesheet';
    link.href = base + STYLE_PATH;
    shadow.append(link);
  }
  const guest = document.createElement('div');
  guest.className = 'sb-guest';
  // The launcher shows before any session: data-position places it until the app applies the site's
  // settings and the visitor's language, mirrored for a right-to-left one (widget/app/theme.ts, same element).
  const { lang, position } = script.dataset;
  guest.classList.toggle('sb-left', position === 'left');
  const panel = document.createElement('div');
  panel.className = 'sb-panel';
  panel.hidden = true;
  const launcher = document.createElement('button');
  launcher.type = 'button';
  launcher.className = 'sb-launcher';
  guest.append(panel, launcher);
  shadow.append(guest);
  document.body.appendChild(host);

  const key = `switchboard:${siteKey}:`;
  /** localStorage, which may be blocked (private mode, sandboxed frames): the widget works without it. */
  const storage = (use: (storage: Storage) => string | null | void) => {
    try {
      return use(localStorage);
    } catch {
      return null;
    }
  };

  let app: Promise<WidgetHandle> | undefined;
  let isOpen = false;
  // Kept by the loader itself, so a returning visitor sees the badge before the app is even asked for.
  let unread = Number(storage((s) => s.getItem(key + 'unread'))) || 0;
  let identity: WidgetBootConfig['identity'];
  let custom: CustomContext = {};
  let sound = false;

  const render = () => {
    launcher.setAttribute('aria-label', isOpen ? 'Close chat' : unread ? `Open chat (${unread} new)` : 'Open chat');
    launcher.setAttribute('aria-expanded', String(isOpen));
    launcher.innerHTML = (isOpen ? CLOSE_ICON : CHAT_ICON) + (unread && !isOpen ? `<span class="sb-unread">${Math.min(unread, 9)}</span>` : '');
    panel.hidden = !isOpen;
  };

  const setUnread = (count: number) => {
    if (count !== unread) {
      storage((s) => s.setItem(key + 'unread', String((unread = count))));
      emit('unread', count);
    }
    render();
    return count;
  };

  const boot = () =>
    (app ??= import(/* @vite-ignore */ base + APP_PATH).then((m: { bootWidget(root: HTMLElement, c: WidgetBootConfig): WidgetHandle }) =>
      m.bootWidget(panel, {
        serverUrl: new URL(base).origin,
        siteKey,
        close: () => setOpen(false, true),
        onAgentMessage: (message) => {
          emit('message', message);
          return isOpen && !document.hidden ? 0 : setUnread(unread + 1);
        },
        onError: report,
        identity,
        custom,
        sound: () => sound,
        lang,
        position,
      }),
    ));

  const setOpen = (open = !isOpen, focusLauncher?: boolean) => {
    const changed = open !== isOpen;
    storage((s) => s.setItem(key + 'open', (isOpen = open) ? '1' : '0'));
    setUnread(open && !document.hidden ? 0 : unread);
    if (focusLauncher) launcher.focus();
    if (open) void boot().then((handle) => handle.focus());
    if (changed) emit(open ? 'open' : 'close');
  };

  const { api, emit, report, start: replay } = createApi({
    setOpen,
    identify: (given) => void ((identity = given), app?.then((handle) => handle.identify(given))),
    setContext: (given) => void ((custom = given), app?.then((handle) => handle.setContext(given))),
    setSound: (on) => (sound = on),
  }, () => import(/* @vite-ignore */ base + CHECKS_PATH));
  const queued = window.Switchboard?._;
  window.Switchboard = api;

  launcher.addEventListener('click', () => setOpen());
  // Back to a tab where the chat is open: what came meanwhile is read.
  document.addEventListener('visibilitychange', () => isOpen && setUnread(0));
  render();
  replay(queued);
  if (storage((s) => s.getItem(key + 'open')) === '1') setOpen(true);
  // A conversation under way (the app marks it) or a reply not yet seen: connect now, closed, to hear the next one.
  else if (unread || storage((s) => s.getItem(key + 'live'))) void boot();
}

const script = document.currentScript as HTMLScriptElement | null;
if (script) {
  if (document.body) start(script);
  else document.addEventListener('DOMContentLoaded', () => start(script));
}
