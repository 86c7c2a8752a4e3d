/**
 * The launcher's accessible name in the visitor's language. The loader names it in English (it has no
 * room for catalogues) and renames it on every change; once the app is loaded, each of those English
 * names is replaced by the catalogue's: "Open chat", "Close chat", "Open chat (N new)".
 */
import { translate, type Locale } from './i18n/en';

export function labelLauncher(panel: HTMLElement): (locale: Locale) => void {
  const launcher = (panel.getRootNode() as ParentNode).querySelector<HTMLElement>('.sb-launcher');
  let locale: Locale | undefined;
  const relabel = () => {
    if (!launcher || !locale) return;
    const label = launcher.getAttribute('aria-label') ?? '';
    const unread = /^Open chat \((\d+) new\)$/.exec(label);
    const wanted =
      label === 'Close chat' ? translate(locale, 'launcherClose') : label === 'Open chat' ? translate(locale, 'launcherOpen') : unread ? translate(locale, 'launcherUnread', { n: unread[1]! }) : null;
    // Only the loader's English is replaced: the mutation this makes finds a name it leaves alone.
    if (wanted !== null && wanted !== label) launcher.setAttribute('aria-label', wanted);
  };
  if (launcher) new MutationObserver(relabel).observe(launcher, { attributes: true, attributeFilter: ['aria-label'] });
  return (next) => {
    // Back to the loader's English first, so a change of language renames a name already translated.
    if (launcher && locale) {
      const expanded = launcher.getAttribute('aria-expanded') === 'true';
      const n = /\d+/.exec(launcher.getAttribute('aria-label') ?? '')?.[0];
      launcher.setAttribute('aria-label', expanded ? 'Close chat' : n ? `Open chat (${n} new)` : 'Open chat');
    }
    locale = next;
    relabel();
  };
}
