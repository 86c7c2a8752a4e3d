/** The catalogues but English, each its own file on our origin, fetched the first time it is needed. */
import type { WidgetLanguage } from '../../../shared/schemas';
import { en, type Locale } from './en';

/** Filled in by scripts/build.ts: each catalogue's content-hashed file name, beside the app's. */
declare const CATALOGUE_FILES: Partial<Record<WidgetLanguage, string>>;

export function loadCatalogue(lang: WidgetLanguage): Promise<Locale> {
  const file = lang === 'en' ? undefined : CATALOGUE_FILES[lang];
  if (!file) return Promise.resolve(en);
  return import(/* @vite-ignore */ new URL(file, import.meta.url).href).then((m: Partial<Record<WidgetLanguage, Locale>>) => m[lang] ?? en);
}
