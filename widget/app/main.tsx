/** The entry the loader imports: wires the real transport and storage into `mountWidget`. */
import type { WidgetBootConfig, WidgetHandle } from './boot-config';
import { mountWidget } from './app';
import { createLocalStorage } from './storage';
import styles from './styles.css';
import { applyLook } from './theme';
import { reportSeen } from './seen-reporter';
import { createSocketTransport } from './transport';

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
  const transport = createSocketTransport({
    serverUrl: config.serverUrl,
    siteKey: config.siteKey,
    getToken: () => storage.load().token,
    dropToken: () => storage.save({ ...storage.load(), token: undefined }),
    lastMessageId: () => lastMessageId,
  });
  if (config.identity) transport.identify(config.identity);
  const guest = panel.parentElement ?? panel;
  const widget = mountWidget(root, {
    transport,
    storage,
    config: {
      ...config,
      scriptLang: config.lang,
      browserLanguages: navigator.languages ?? [navigator.language],
      onLook: (site, lang) => applyLook(guest, site, lang, config.position),
    },
  });
  widget.store.subscribe((state) => {
    lastMessageId = state.messages.at(-1)?.id;
  });
  reportSeen(panel, widget.store, transport);
  return { focus: widget.focus, identify: (identity) => transport.identify(identity) };
}
