/** The entry the loader imports: wires the real transport and storage into `mountWidget`. */
import type { WidgetBootConfig, WidgetHandle } from './boot-config';
import { mountWidget } from './app';
import { createLocalStorage } from './storage';
import styles from './styles.css';
import { createSocketTransport } from './transport';

export function bootWidget(panel: HTMLElement, config: WidgetBootConfig): WidgetHandle {
  const style = document.createElement('style');
  style.textContent = styles;
  const root = document.createElement('div');
  root.className = 'sb-root';
  panel.append(style, root);

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
  const widget = mountWidget(root, { transport, storage, config });
  widget.store.subscribe((state) => {
    lastMessageId = state.messages.at(-1)?.id;
  });
  return { focus: widget.focus, identify: (identity) => transport.identify(identity) };
}
