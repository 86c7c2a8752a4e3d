/** A catalogue with the site's words over it. */
import type { SiteInfo } from '../../../shared/protocol';
import type { WidgetLanguage } from '../../../shared/schemas';
import type { Locale } from './en';

/**
 * Most specific wins: the catalogue, then the site's team names and greeting (one text for every
 * language), then the site's wording of any key for this language.
 */
export function siteLocale(catalogue: Locale, site: Pick<SiteInfo, 'teamNames' | 'greeting' | 'strings'> | null, lang: WidgetLanguage): Locale {
  if (!site) return catalogue;
  return {
    ...catalogue,
    ...(site.teamNames.service ? { queueService: site.teamNames.service } : {}),
    ...(site.teamNames.support ? { queueSupport: site.teamNames.support } : {}),
    ...(site.greeting ? { greeting: site.greeting } : {}),
    ...site.strings[lang],
  };
}
