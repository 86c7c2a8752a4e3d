/**
 * The script a site pastes: `<script src=".../widget.js" data-site="KEY" async></script>`.
 * Vanilla and tiny (budget 2 KB brotli): it installs `window.Switchboard` (keeping calls queued
 * before it loaded), draws the launcher inside a Shadow DOM, and imports the chat app on first open.
 */
import type { WidgetBootConfig, WidgetHandle } from '../app/boot-config';
import LAUNCHER_CSS from './launcher.css';

type Identity = WidgetBootConfig['identity'];
type Command = [name: 'open' | 'close' | 'toggle'] | [name: 'identify', identity: Identity];
interface SwitchboardGlobal {
  _: Command[];
  open(): void;
  close(): void;
  toggle(): void;
  /** Tells agents who the visitor is: `{ userId, name?, email?, hash? }` (hash: see README). */
  identify(identity: Identity): void;
}

declare global {
  interface Window {
    Switchboard?: Partial<SwitchboardGlobal>;
  }
}

const CHAT_ICON =
  '<svg viewBox="0 0 24 24" width="26" height="26" aria-hidden="true"><path fill="currentColor" d="M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H8l-4 4V6a2 2 0 0 1 2-2z"/></svg>';
const CLOSE_ICON =
  '<svg viewBox="0 0 24 24" width="22" height="22" aria-hidden="true"><path fill="none" stroke="currentColor" stroke-width="2.5" stroke-linecap="round" d="M6 6l12 12M18 6L6 18"/></svg>';

/** Filled in by scripts/build.ts: the app's and the fallback stylesheet's content-hashed names. */
declare const APP_PATH: string;
declare const STYLE_PATH: string;

function start(script: HTMLScriptElement) {
  const siteKey = script.dataset.site;
  if (!siteKey) {
    console.error('Switchboard: the script tag needs data-site="YOUR_SITE_KEY"');
    return;
  }
  const base = new URL('.', script.src).href;
  const openKey = `switchboard:${siteKey}:open`;

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
  // The launcher shows before any session: data-position and a right-to-left language place it until
  // the app applies the site's settings (widget/app/theme.ts does the same on the same element).
  const { lang, position } = script.dataset;
  const rtl = /^ar\b/i.test(lang || navigator.language);
  guest.dir = rtl ? 'rtl' : 'ltr';
  guest.classList.toggle('sb-left', (position === 'left') !== rtl);
  const panel = document.createElement('div');
  panel.className = 'sb-panel';
  panel.hidden = true;
  const launcher = document.createElement('button');
  launcher.type = 'button';
  launcher.className = 'sb-launcher';
  guest.append(panel, launcher);
  shadow.append(guest);
  document.body.appendChild(host);

  let app: Promise<WidgetHandle> | undefined;
  let isOpen = false;
  let unread = 0;
  let identity: Identity;

  const render = () => {
    launcher.setAttribute('aria-label', isOpen ? 'Close chat' : unread ? `Open chat (${unread} new)` : 'Open chat');
    launcher.setAttribute('aria-expanded', String(isOpen));
    launcher.innerHTML = (isOpen ? CLOSE_ICON : CHAT_ICON) + (unread && !isOpen ? `<span class="sb-unread">${Math.min(unread, 9)}</span>` : '');
    panel.hidden = !isOpen;
  };

  const setOpen = (open: boolean, focusLauncher = false) => {
    isOpen = open;
    if (open) unread = 0;
    try {
      localStorage.setItem(openKey, open ? '1' : '0');
    } catch {
      // Storage can be blocked (private mode, sandboxed frames); the widget still works without it.
    }
    render();
    if (focusLauncher) launcher.focus();
    if (open) {
      app ??= import(/* @vite-ignore */ base + APP_PATH).then((m: { bootWidget(root: HTMLElement, c: WidgetBootConfig): WidgetHandle }) =>
        m.bootWidget(panel, {
          serverUrl: new URL(base).origin,
          siteKey,
          close: () => setOpen(false, true),
          onAgentMessage: () => {
            if (isOpen) return;
            unread += 1;
            render();
          },
          identity,
          lang,
          position,
        }),
      );
      void app.then((handle) => handle.focus());
    }
  };

  const api: SwitchboardGlobal = {
    _: [],
    open: () => setOpen(true),
    close: () => setOpen(false),
    toggle: () => setOpen(!isOpen),
    identify: (given) => {
      identity = given;
      if (given) void app?.then((handle) => handle.identify(given));
    },
  };
  const queued = window.Switchboard?._ ?? [];
  window.Switchboard = api;
  for (const [name, arg] of queued) {
    if (name === 'identify') api.identify(arg);
    else api[name]?.();
  }

  launcher.addEventListener('click', api.toggle);
  let reopen = false;
  try {
    reopen = localStorage.getItem(openKey) === '1';
  } catch {
    // See above: no storage, no remembered state.
  }
  render();
  if (reopen) setOpen(true);
}

const script = document.currentScript as HTMLScriptElement | null;
if (script) {
  if (document.body) start(script);
  else document.addEventListener('DOMContentLoaded', () => start(script));
}
