/** The catalogues but English, each its own chunk, fetched from our origin the first time it is needed. */
import type { WidgetLanguage } from '../../../shared/schemas';
import { en, type Locale } from './en';

export function loadCatalogue(lang: WidgetLanguage): Promise<Locale> {
  switch (lang) {
    case 'fr':
      return import('./fr').then((m) => m.fr);
    case 'de':
      return import('./de').then((m) => m.de);
    case 'es':
      return import('./es').then((m) => m.es);
    case 'ar':
      return import('./ar').then((m) => m.ar);
    default:
      return Promise.resolve(en);
  }
}
