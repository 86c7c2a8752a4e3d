/** The entry the loader imports: wires the real transport and storage into `mountWidget`. */
import type { WidgetBootConfig, WidgetHandle } from './boot-config';
import { mountWidget } from './app';
import { createLocalStorage } from './storage';
import styles from './styles.css';
import { applyLook } from './theme';
import { reportSeen } from './seen-reporter';
import { createSocketTransport } from './transport';
import { beep } from './beep';
import { readPageContext, watchNavigation } from './page-context';
import { titleNotice } from './title-notice';
import { watchPhone } from './phone';
import { labelLauncher } from './launcher-label';

export function bootWidget(panel: HTMLElement, config: WidgetBootConfig): WidgetHandle {
  // Beside the loader's sheet in the same shadow root; where constructable sheets are missing, the
  // loader linked a stylesheet that has these rules too.
  const shadow = panel.getRootNode() as Partial<ShadowRoot>;
  if (Array.isArray(shadow.adoptedStyleSheets)) {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(styles);
    shadow.adoptedStyleSheets = [...shadow.adoptedStyleSheets, sheet];
  }
  const root = document.createElement('div');
  root.className = 'sb-root';
  panel.append(root);

  const storage = createLocalStorage(config.siteKey);
  let lastMessageId: string | undefined;
  const reported = new Set<string>();
  const transport = createSocketTransport({
    serverUrl: config.serverUrl,
    siteKey: config.siteKey,
    getToken: () => storage.load().token,
    dropToken: () => storage.save({ ...storage.load(), token: undefined }),
    lastMessageId: () => lastMessageId,
    // Once per code: a refused connection is retried, and the page's console need not fill up.
    onError: (error) => {
      if (reported.has(error.code)) return;
      reported.add(error.code);
      config.onError?.(error);
    },
  });
  let identity = config.identity;
  let custom = config.custom ?? {};
  if (identity) transport.identify(identity);
  const tellContext = () => transport.context(readPageContext(custom));
  tellContext();
  watchNavigation(tellContext);
  const liveKey = `switchboard:${config.siteKey}:live`;
  const showUnread = titleNotice();
  const guest = panel.parentElement ?? panel;
  const widget = mountWidget(root, {
    transport,
    storage,
    config: {
      ...config,
      scriptLang: config.lang,
      browserLanguages: navigator.languages ?? [navigator.language],
      onLook: (site, lang) => applyLook(guest, site, lang, config.position),
      knownEmail: () => identity?.email,
      identified: Boolean(config.identity),
      onIdentify: (given) => {
        identity = given;
      },
      onLocale: labelLauncher(panel),
      onAgentMessage(message) {
        const unread = config.onAgentMessage(message);
        if (unread > 0) {
          showUnread(unread);
          if (config.sound()) beep();
        }
        return unread;
      },
    },
  });
  widget.store.subscribe((state) => {
    lastMessageId = state.messages.at(-1)?.id;
    // Tells the loader to connect on the next page even with the window closed, to hear the agent.
    const live = state.conversation?.status === 'waiting' || state.conversation?.status === 'active';
    try {
      if (live) localStorage.setItem(liveKey, '1');
      else if (state.connection === 'online') localStorage.removeItem(liveKey);
    } catch {
      // Blocked storage: the next page connects on open only.
    }
  });
  reportSeen(panel, widget.store, transport);
  watchPhone(panel, guest);
  return {
    focus: widget.focus,
    identify: (given) => {
      identity = given;
      transport.identify(given);
      widget.store.setState({ prechatDone: true });
    },
    setContext: (given) => {
      custom = given;
      tellContext();
    },
  };
}
