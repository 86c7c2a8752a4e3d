/**
 * The script a site pastes: `<script src=".../widget.js" data-site="KEY" async></script>`.
 * Vanilla and tiny (budget 3 KB gz): it installs `window.Switchboard` (keeping calls queued
 * before it loaded), draws the launcher inside a Shadow DOM, and imports the chat app on first open.
 */
import type { WidgetBootConfig, WidgetHandle } from '../app/boot-config';

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

const STYLE = `:host{all:initial}
.sb-launcher{position:fixed;right:20px;bottom:20px;z-index:2147483000;width:56px;height:56px;border-radius:50%;border:0;cursor:pointer;
background:var(--sb-accent,#1d4ed8);color:#fff;display:grid;place-items:center;box-shadow:0 4px 14px rgb(0 0 0/.25)}
.sb-launcher:focus-visible{outline:3px solid #fbbf24;outline-offset:3px}
.sb-panel{position:fixed;right:20px;bottom:88px;z-index:2147483000}
.sb-panel[hidden]{display:none}
.sb-unread{position:absolute;top:-2px;right:-2px;min-width:20px;height:20px;border-radius:10px;background:#dc2626;color:#fff;font:700 12px/20px system-ui,sans-serif}`;

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
  const style = document.createElement('style');
  style.textContent = STYLE;
  const panel = document.createElement('div');
  panel.className = 'sb-panel';
  panel.hidden = true;
  const launcher = document.createElement('button');
  launcher.type = 'button';
  launcher.className = 'sb-launcher';
  shadow.append(style, panel, launcher);
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
      app ??= import(/* @vite-ignore */ `${base}widget/app.js`).then((m: { bootWidget(root: HTMLElement, c: WidgetBootConfig): WidgetHandle }) =>
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
