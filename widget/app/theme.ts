/**
 * The site's look on the widget: custom properties, direction and side, all on `.sb-guest` inside the
 * shadow root (never `:host` or the page), set through the CSSOM, which a strict style-src allows.
 */
import type { SiteInfo } from '../../shared/protocol';
import type { WidgetLanguage } from '../../shared/schemas';
import { isRightToLeft } from './i18n/language';

/** `position` is the side in a left-to-right language; a right-to-left one mirrors it, as its readers expect. */
export function applyLook(guest: HTMLElement, look: Pick<SiteInfo, 'accentColor' | 'accentTextColor' | 'position'> | null, lang: WidgetLanguage, fallbackPosition: string | undefined): void {
  const rtl = isRightToLeft(lang);
  if (look) {
    guest.style.setProperty('--sb-accent', look.accentColor);
    guest.style.setProperty('--sb-on-accent', look.accentTextColor);
  }
  guest.dir = rtl ? 'rtl' : 'ltr';
  guest.lang = lang;
  guest.classList.toggle('sb-left', ((look?.position ?? fallbackPosition) === 'left') !== rtl);
}
