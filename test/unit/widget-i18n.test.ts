import { describe, expect, it } from 'vitest';
import { WIDGET_LANGUAGES } from '../../shared/schemas';
import { ar } from '../../widget/app/i18n/ar';
import { loadCatalogue } from '../../widget/app/i18n/catalogues';
import { de } from '../../widget/app/i18n/de';
import { en, translate, type Locale } from '../../widget/app/i18n/en';
import { errorKey } from '../../widget/app/i18n/errors';
import { es } from '../../widget/app/i18n/es';
import { fr } from '../../widget/app/i18n/fr';
import { chooseLanguage, isRightToLeft, LANGUAGES } from '../../widget/app/i18n/language';
import { siteLocale } from '../../widget/app/i18n/site-locale';
import { initialsOf } from '../../widget/app/initials';

const CATALOGUES: Record<string, Locale> = { fr, de, es, ar };
const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('the widget’s catalogues', () => {
  it('has one for every language the settings accept, and only those', () => {
    expect([...LANGUAGES]).toEqual([...WIDGET_LANGUAGES]);
    expect(Object.keys(CATALOGUES).sort()).toEqual(WIDGET_LANGUAGES.filter((l) => l !== 'en').sort());
  });

  it.each(Object.entries(CATALOGUES))('%s has exactly the source’s keys, each with the same placeholders and some words', (_lang, catalogue) => {
    expect(Object.keys(catalogue).sort()).toEqual(Object.keys(en).sort());
    for (const key of Object.keys(en) as (keyof typeof en)[]) {
      expect(placeholders(catalogue[key]), key).toEqual(placeholders(en[key]));
      expect(catalogue[key].trim(), key).not.toBe('');
    }
  });

  it('is not English in disguise: most strings differ from the source', () => {
    for (const [lang, catalogue] of Object.entries(CATALOGUES)) {
      const same = (Object.keys(en) as (keyof typeof en)[]).filter((key) => catalogue[key] === en[key]);
      expect(same.length, `${lang}: ${same.join(', ')}`).toBeLessThanOrEqual(3);
    }
  });

  it('loads each language’s catalogue on demand from the file the build named, English at once', async () => {
    // What scripts/build.ts defines in the bundle; here the sources beside catalogues.ts stand in for the built files.
    Object.assign(globalThis, { CATALOGUE_FILES: { fr: 'fr.ts', de: 'de.ts', es: 'es.ts', ar: 'ar.ts' } });
    for (const lang of WIDGET_LANGUAGES) expect(await loadCatalogue(lang)).toEqual({ en, fr, de, es, ar }[lang]);
  });
});

describe('which language a visitor reads', () => {
  const choose = (scriptLang: string | undefined, browserLanguages: string[], siteDefault: 'en' | 'de' = 'en') => chooseLanguage({ scriptLang, browserLanguages, siteDefault });

  it('takes the first browser language with a catalogue, by its primary subtag', () => {
    expect(choose(undefined, ['fr-FR', 'en-US'])).toBe('fr');
    expect(choose(undefined, ['nl-BE', 'de-AT', 'fr'])).toBe('de');
    expect(choose(undefined, ['AR-eg'])).toBe('ar');
  });

  it('falls back to the site’s default only when no browser language has a catalogue', () => {
    expect(choose(undefined, ['nl-NL', 'pt-BR'], 'de')).toBe('de');
    expect(choose(undefined, [], 'de')).toBe('de');
    expect(choose(undefined, ['nl-NL', 'en-GB'], 'de')).toBe('en');
  });

  it('lets data-lang on the script tag win over both, when it names a catalogue', () => {
    expect(choose('es', ['fr-FR'], 'de')).toBe('es');
    expect(choose('ar-SA', ['en'])).toBe('ar');
    expect(choose('klingon', ['fr-FR'])).toBe('fr');
  });

  it('writes Arabic right to left, the others left to right', () => {
    expect(WIDGET_LANGUAGES.filter(isRightToLeft)).toEqual(['ar']);
  });
});

describe('the site’s words over a catalogue', () => {
  const site = { teamNames: { service: 'Billing team', support: null }, greeting: 'Welcome to the shop!', strings: { fr: { greeting: 'Bienvenue !', send: 'Go' } } };

  it('uses the site’s team names and greeting, and its wording per language above both', () => {
    expect(siteLocale(fr, site, 'fr')).toMatchObject({ queueService: 'Billing team', queueSupport: fr.queueSupport, greeting: 'Bienvenue !', send: 'Go' });
    expect(siteLocale(de, site, 'de')).toMatchObject({ queueService: 'Billing team', greeting: 'Welcome to the shop!', send: de.send });
    expect(translate(siteLocale(en, site, 'en'), 'waiting', { queue: 'Billing team' })).toBe('Thanks! You are in line for Billing team; an agent will join shortly.');
    expect(siteLocale(en, null, 'en')).toBe(en);
  });

  it('words a refusal by its code, never by the server’s English message', () => {
    expect(errorKey('RATE_LIMITED')).toBe('errorRateLimited');
    expect(errorKey('ORIGIN_NOT_ALLOWED')).toBe('errorOriginNotAllowed');
    expect(errorKey('INTERNAL')).toBe('errorOther');
    expect(translate(fr, 'refused', { reason: fr[errorKey('MESSAGE_TOO_LONG')] })).toBe('Non envoyé : le message est trop long');
  });
});

describe('an agent’s initials', () => {
  it('takes the first letters of the first and last names', () => {
    expect(initialsOf('Robin')).toBe('R');
    expect(initialsOf('robin van der Berg')).toBe('RB');
    expect(initialsOf('  Élodie   Durand ')).toBe('ÉD');
    expect(initialsOf('سارة أحمد')).toBe('سأ');
    // Letters only: a role in brackets or a leading symbol gives no bracket or symbol on the badge.
    expect(initialsOf('Sam (service)')).toBe('SS');
    expect(initialsOf('@kim')).toBe('K');
  });
});
