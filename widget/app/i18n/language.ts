/** Which catalogue a visitor reads, and which languages are written right to left. */
import type { WidgetLanguage } from '../../../shared/schemas';

/** The same list as `WIDGET_LANGUAGES` in shared/schemas.ts (a unit test holds them together); copied so TypeBox stays out of the bundle. */
export const LANGUAGES: readonly WidgetLanguage[] = ['en', 'fr', 'de', 'es', 'ar'];
const RIGHT_TO_LEFT: readonly WidgetLanguage[] = ['ar'];

export const isRightToLeft = (lang: WidgetLanguage): boolean => RIGHT_TO_LEFT.includes(lang);

/** `fr-CA` → `fr`, when there is a catalogue for it. */
function supported(tag: string | undefined): WidgetLanguage | undefined {
  const primary = tag?.split('-')[0]?.toLowerCase();
  return LANGUAGES.find((lang) => lang === primary);
}

/**
 * The script tag's `data-lang` first (the page knows its own language), then the first of the
 * browser's languages with a catalogue; only when none has one, the site's default.
 * @example chooseLanguage({ scriptLang: undefined, browserLanguages: ['nl-BE', 'fr-BE'], siteDefault: 'de' }) // 'fr'
 */
export function chooseLanguage(input: { scriptLang: string | undefined; browserLanguages: readonly string[]; siteDefault: WidgetLanguage }): WidgetLanguage {
  return supported(input.scriptLang) ?? input.browserLanguages.map(supported).find(Boolean) ?? input.siteDefault;
}
