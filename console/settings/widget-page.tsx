/**
 * Settings › Widget: colour, side, team names, greeting, initials, default language, pre-chat form
 * and the wording of every string per language, with the real widget beside the form showing the
 * unsaved values as they are typed.
 */
import { useEffect, useMemo, useState } from 'preact/hooks';
import type { SiteSettings, WidgetLanguage, WidgetLook } from '../../shared/schemas';
import { en, type Locale } from '../../widget/app/i18n/en';
import { loadCatalogue } from '../../widget/app/i18n/catalogues';
import { LANGUAGES } from '../../widget/app/i18n/language';
import { described, Field, PageState, SaveBar, errorAt, useSiteSettings } from './form';
import type { SettingsPageProps } from './sections';
import { WidgetPreview } from './widget-preview';

import { LANGUAGE_NAMES } from './languages';
const COLOUR = /^#[0-9a-fA-F]{6}$/;
const STRING_KEYS = Object.keys(en) as (keyof Locale)[];
/** Every field this page sends, for errors that name one. */
const CLAIMED = ['/widget'];

export default function WidgetPage({ agent }: SettingsPageProps) {
  const { settings, loadError, save, submit } = useSiteSettings(agent.siteKey);
  if (!settings) return <PageState loadError={loadError} />;
  return <WidgetForm key={agent.siteKey} saved={settings} siteName={agent.siteKey} save={save} submit={submit} />;
}

function WidgetForm({ saved, siteName, save, submit }: { saved: SiteSettings; siteName: string } & Pick<ReturnType<typeof useSiteSettings>, 'save' | 'submit'>) {
  const [look, setLook] = useState<WidgetLook>(saved.widget);
  const [colourText, setColourText] = useState(saved.widget.accentColor);
  const [stringsLang, setStringsLang] = useState<WidgetLanguage>(saved.widget.defaultLanguage);
  const [previewLang, setPreviewLang] = useState<WidgetLanguage>(saved.widget.defaultLanguage);
  const [available, setAvailable] = useState(true);
  const [catalogue, setCatalogue] = useState<Locale>(en);
  useEffect(() => {
    void loadCatalogue(stringsLang).then(setCatalogue, () => setCatalogue(en));
  }, [stringsLang]);

  const change = (partial: Partial<WidgetLook>) => setLook((l) => ({ ...l, ...partial }));
  // The preview shows the last colour that is one, while the admin is still typing the next.
  const previewSettings = useMemo<SiteSettings>(() => ({ ...saved, widget: look }), [saved, look]);
  const strings = look.strings[stringsLang] ?? {};
  const setString = (key: keyof Locale, value: string) => {
    const { [key]: _dropped, ...rest } = strings;
    const next = value === '' ? rest : { ...rest, [key]: value };
    change({ strings: { ...look.strings, [stringsLang]: next } });
  };
  const err = (path: string) => errorAt(save, `/widget/${path}`);

  return (
    <div class="widget-settings">
      <form
        class="settings-form"
        aria-label="Widget look"
        onSubmit={(e) => {
          e.preventDefault();
          void submit({ widget: { ...look, accentColor: colourText.trim() } });
        }}
      >
        <Field id="accent-colour" label="Colour" hint="Six hex digits, like #1d4ed8. The text on it turns black or white, whichever reads better." error={err('accentColor')}>
          <div class="colour-row">
            <input
              type="color"
              aria-label="Colour picker"
              value={COLOUR.test(colourText) ? colourText.toLowerCase() : look.accentColor}
              onInput={(e) => {
                const value = (e.target as HTMLInputElement).value;
                setColourText(value);
                change({ accentColor: value });
              }}
            />
            <input
              type="text"
              {...described('accent-colour', true, err('accentColor'))}
              value={colourText}
              spellcheck={false}
              onInput={(e) => {
                const value = (e.target as HTMLInputElement).value;
                setColourText(value);
                if (COLOUR.test(value.trim())) change({ accentColor: value.trim() });
              }}
            />
          </div>
        </Field>
        <fieldset class="field">
          <legend>Corner</legend>
          {(['right', 'left'] as const).map((side) => (
            <label key={side} class="inline">
              <input type="radio" name="position" value={side} checked={look.position === side} onChange={() => change({ position: side })} />
              {side === 'right' ? 'Bottom right' : 'Bottom left'}
            </label>
          ))}
          <p class="hint">A right-to-left language mirrors it.</p>
        </fieldset>
        <Field id="team-service" label="Service team’s name" hint="Empty: “our customer service team”, in the visitor’s language." error={err('teamNames/service')}>
          <input
            type="text"
            {...described('team-service', true, err('teamNames/service'))}
            value={look.teamNames.service ?? ''}
            onInput={(e) => change({ teamNames: { ...look.teamNames, service: (e.target as HTMLInputElement).value || null } })}
          />
        </Field>
        <Field id="team-support" label="Support team’s name" hint="Empty: “our technical support team”, in the visitor’s language." error={err('teamNames/support')}>
          <input
            type="text"
            {...described('team-support', true, err('teamNames/support'))}
            value={look.teamNames.support ?? ''}
            onInput={(e) => change({ teamNames: { ...look.teamNames, support: (e.target as HTMLInputElement).value || null } })}
          />
        </Field>
        <Field id="greeting" label="Greeting" hint="Shown before the first message, in every language. Empty: the catalogue’s greeting." error={err('greeting')}>
          <textarea
            {...described('greeting', true, err('greeting'))}
            rows={3}
            value={look.greeting ?? ''}
            onInput={(e) => change({ greeting: (e.target as HTMLTextAreaElement).value || null })}
          />
        </Field>
        <Field id="avatar-url" label="Picture in the header" hint="An https address of a square picture (the team or your logo). Empty: none." error={err('avatarUrl')}>
          <input
            type="url"
            {...described('avatar-url', true, err('avatarUrl'))}
            value={look.avatarUrl ?? ''}
            placeholder="https://"
            onInput={(e) => change({ avatarUrl: (e.target as HTMLInputElement).value.trim() || null })}
          />
        </Field>
        <label class="inline field">
          <input type="checkbox" checked={look.agentInitials} onChange={(e) => change({ agentInitials: (e.target as HTMLInputElement).checked })} />
          Show agents’ initials beside their messages
        </label>
        <Field id="default-language" label="Default language" hint="Used when none of the visitor’s browser languages has a catalogue." error={err('defaultLanguage')}>
          <select {...described('default-language', true, err('defaultLanguage'))} value={look.defaultLanguage} onChange={(e) => change({ defaultLanguage: (e.target as HTMLSelectElement).value as WidgetLanguage })}>
            {LANGUAGES.map((lang) => (
              <option key={lang} value={lang}>
                {LANGUAGE_NAMES[lang]}
              </option>
            ))}
          </select>
        </Field>
        <fieldset class="field">
          <legend>Pre-chat form</legend>
          <label for="prechat-mode">Ask before the first message</label>
          <select
            {...described('prechat-mode', false, err('prechat/mode'))}
            value={look.prechat.mode}
            onChange={(e) => change({ prechat: { ...look.prechat, mode: (e.target as HTMLSelectElement).value as WidgetLook['prechat']['mode'] } })}
          >
            <option value="off">Nothing</option>
            <option value="optional">A form the visitor may skip</option>
            <option value="required">A form the visitor must fill in</option>
          </select>
          {(['name', 'email'] as const).map((field) => (
            <label key={field} class="inline">
              <input
                type="checkbox"
                checked={look.prechat.fields.includes(field)}
                onChange={(e) => {
                  const on = (e.target as HTMLInputElement).checked;
                  const fields = on ? [...look.prechat.fields, field] : look.prechat.fields.filter((f) => f !== field);
                  change({ prechat: { ...look.prechat, fields: (['name', 'email'] as const).filter((f) => fields.includes(f)) } });
                }}
              />
              Ask the {field === 'name' ? 'name' : 'email address'}
            </label>
          ))}
          {err('prechat') && (
            <p class="field-error" role="alert">
              {err('prechat')}
            </p>
          )}
        </fieldset>
        <details class="field strings">
          <summary>Every string, per language</summary>
          <label for="strings-lang">Language</label>
          <select id="strings-lang" value={stringsLang} onChange={(e) => setStringsLang((e.target as HTMLSelectElement).value as WidgetLanguage)}>
            {LANGUAGES.map((lang) => (
              <option key={lang} value={lang}>
                {LANGUAGE_NAMES[lang]}
              </option>
            ))}
          </select>
          <p class="hint">Empty: the catalogue’s words (shown greyed). Words in braces, like {'{queue}'}, are filled in by the widget.</p>
          {err('strings') && (
            <p class="field-error" role="alert">
              {err('strings')}
            </p>
          )}
          <div class="string-list">
            {STRING_KEYS.map((key) => (
              <div key={key} class="string-row">
                <label for={`string-${key}`}>{key}</label>
                <input id={`string-${key}`} type="text" lang={stringsLang} dir="auto" placeholder={catalogue[key]} value={strings[key] ?? ''} onInput={(e) => setString(key, (e.target as HTMLInputElement).value)} />
              </div>
            ))}
          </div>
        </details>
        <SaveBar save={save} claimed={CLAIMED} />
      </form>
      <section class="preview" aria-labelledby="preview-heading">
        <h3 id="preview-heading">Preview</h3>
        <p class="hint">The real widget with the values above, before you save.</p>
        <div class="preview-controls">
          <label>
            Visitor’s language{' '}
            <select value={previewLang} onChange={(e) => setPreviewLang((e.target as HTMLSelectElement).value as WidgetLanguage)}>
              {LANGUAGES.map((lang) => (
                <option key={lang} value={lang}>
                  {LANGUAGE_NAMES[lang]}
                </option>
              ))}
            </select>
          </label>
          <label class="inline">
            <input type="checkbox" checked={!available} onChange={(e) => setAvailable(!(e.target as HTMLInputElement).checked)} />
            As seen outside hours
          </label>
        </div>
        <WidgetPreview key={previewLang} settings={previewSettings} siteName={siteName} available={available} lang={previewLang} />
      </section>
    </div>
  );
}
