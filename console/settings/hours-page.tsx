/**
 * Settings › Hours and availability: opening hours per weekday in the site's time zone, holidays,
 * and what a visitor reads when the site is closed (the leave-a-message form's words).
 */
import { useMemo, useState } from 'preact/hooks';
import type { BusinessHours, SiteSettings, Weekday, WidgetLanguage } from '../../shared/schemas';
import { en } from '../../widget/app/i18n/en';
import { described, errorAt, Field, PageState, SaveBar, useSiteSettings } from './form';
import type { SettingsPageProps } from './sections';
import { LANGUAGE_NAMES } from './languages';

/** The same order as `WEEKDAYS` in shared/schemas.ts, with names (copied: TypeBox stays out of the bundle). */
const DAYS: readonly [Weekday, string][] = [
  ['mon', 'Monday'],
  ['tue', 'Tuesday'],
  ['wed', 'Wednesday'],
  ['thu', 'Thursday'],
  ['fri', 'Friday'],
  ['sat', 'Saturday'],
  ['sun', 'Sunday'],
];
const CLAIMED = ['/businessHours', '/widget/strings'];

/** The time zones this browser knows, the site's own first if the browser lacks it. */
function timeZones(current: string): string[] {
  const known = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [];
  return [...new Set([current, 'UTC', ...known])];
}

interface Range {
  from: string;
  to: string;
}

/** `09:00-17:30` ↔ two time fields; a time field cannot say 24:00, so a day's end is 00:00 there. */
const toRange = (text: string): Range => {
  const [from = '09:00', to = '17:00'] = text.split('-');
  return { from, to: to === '24:00' ? '00:00' : to };
};
const fromRange = ({ from, to }: Range) => `${from}-${to === '00:00' ? '24:00' : to}`;

const DEFAULT_HOURS: BusinessHours = {
  timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC',
  weekly: { mon: ['09:00-17:00'], tue: ['09:00-17:00'], wed: ['09:00-17:00'], thu: ['09:00-17:00'], fri: ['09:00-17:00'] },
  holidays: [],
};

export default function HoursPage({ agent }: SettingsPageProps) {
  const { settings, loadError, save, submit } = useSiteSettings(agent.siteKey);
  if (!settings) return <PageState loadError={loadError} />;
  return <HoursForm saved={settings} save={save} submit={submit} />;
}

function HoursForm({ saved, save, submit }: { saved: SiteSettings } & Pick<ReturnType<typeof useSiteSettings>, 'save' | 'submit'>) {
  const [alwaysOpen, setAlwaysOpen] = useState(saved.businessHours === null);
  const [hours, setHours] = useState<BusinessHours>(saved.businessHours ?? DEFAULT_HOURS);
  const [newHoliday, setNewHoliday] = useState('');
  const lang: WidgetLanguage = saved.widget.defaultLanguage;
  const [closedText, setClosedText] = useState(saved.widget.strings[lang]?.leaveIntro ?? '');
  const zones = useMemo(() => timeZones(hours.timeZone), []);
  const ranges = (day: Weekday) => (hours.weekly[day] ?? []).map(toRange);
  const setRanges = (day: Weekday, next: Range[]) => {
    const { [day]: _old, ...others } = hours.weekly;
    setHours({ ...hours, weekly: next.length ? { ...others, [day]: next.map(fromRange) } : others });
  };
  const holidays = hours.holidays ?? [];
  const holidayError = errorAt(save, '/businessHours/holidays');

  return (
    <form
      class="settings-form"
      aria-label="Hours and availability"
      onSubmit={(e) => {
        e.preventDefault();
        const { leaveIntro: _old, ...otherStrings } = saved.widget.strings[lang] ?? {};
        const strings = { ...saved.widget.strings, [lang]: closedText.trim() ? { ...otherStrings, leaveIntro: closedText } : otherStrings };
        void submit({ businessHours: alwaysOpen ? null : hours, widget: { strings } });
      }}
    >
      <label class="inline field">
        <input type="checkbox" checked={alwaysOpen} onChange={(e) => setAlwaysOpen((e.target as HTMLInputElement).checked)} />
        Always open (no business hours)
      </label>
      {!alwaysOpen && (
        <>
          <Field id="time-zone" label="Time zone" hint="The hours and holidays below are in this zone." error={errorAt(save, '/businessHours/timeZone')}>
            <select {...described('time-zone', true, errorAt(save, '/businessHours/timeZone'))} value={hours.timeZone} onChange={(e) => setHours({ ...hours, timeZone: (e.target as HTMLSelectElement).value })}>
              {zones.map((zone) => (
                <option key={zone} value={zone}>
                  {zone}
                </option>
              ))}
            </select>
          </Field>
          <fieldset class="field">
            <legend>Opening hours</legend>
            <p class="hint">A day without hours is closed. 00:00 as an end means midnight.</p>
            {DAYS.map(([day, name]) => {
              const dayError = errorAt(save, `/businessHours/weekly/${day}`);
              return (
                <div key={day} class="day-row" role="group" aria-label={name}>
                  <span>{name}</span>
                  <div class="ranges">
                    {ranges(day).length === 0 && <span class="hint">Closed</span>}
                    {ranges(day).map((range, i) => (
                      <span key={i} class="ranges">
                        <input type="time" aria-label={`${name} opens`} value={range.from} onInput={(e) => setRanges(day, ranges(day).map((r, j) => (j === i ? { ...r, from: (e.target as HTMLInputElement).value } : r)))} />
                        –
                        <input type="time" aria-label={`${name} closes`} value={range.to} onInput={(e) => setRanges(day, ranges(day).map((r, j) => (j === i ? { ...r, to: (e.target as HTMLInputElement).value } : r)))} />
                        <button type="button" class="link-button" aria-label={`Remove ${name} ${range.from}–${range.to}`} onClick={() => setRanges(day, ranges(day).filter((_, j) => j !== i))}>
                          Remove
                        </button>
                      </span>
                    ))}
                    <button type="button" class="link-button" onClick={() => setRanges(day, [...ranges(day), { from: '09:00', to: '17:00' }])}>
                      Add hours on {name}
                    </button>
                    {dayError && (
                      <p class="field-error" role="alert">
                        {dayError}
                      </p>
                    )}
                  </div>
                </div>
              );
            })}
          </fieldset>
          <fieldset class="field">
            <legend>Holidays</legend>
            <p class="hint">Closed all day on these dates, whatever the week says.</p>
            {holidays.length > 0 && (
              <ul>
                {holidays.map((date) => (
                  <li key={date}>
                    {date}{' '}
                    <button type="button" class="link-button" aria-label={`Remove holiday ${date}`} onClick={() => setHours({ ...hours, holidays: holidays.filter((d) => d !== date) })}>
                      Remove
                    </button>
                  </li>
                ))}
              </ul>
            )}
            <div class="ranges">
              <label for="new-holiday">Date</label>
              <input id="new-holiday" type="date" value={newHoliday} onInput={(e) => setNewHoliday((e.target as HTMLInputElement).value)} />
              <button
                type="button"
                class="secondary"
                disabled={!newHoliday}
                onClick={() => {
                  setHours({ ...hours, holidays: [...new Set([...holidays, newHoliday])].sort() });
                  setNewHoliday('');
                }}
              >
                Add holiday
              </button>
            </div>
            {holidayError && (
              <p class="field-error" role="alert">
                {holidayError}
              </p>
            )}
          </fieldset>
        </>
      )}
      <Field
        id="closed-text"
        label={`What visitors read when you are closed (${LANGUAGE_NAMES[lang]})`}
        hint="Above the leave-a-message form, outside hours or when nobody is online. Empty: the catalogue’s words. Other languages: Widget › Every string (leaveIntro)."
        error={errorAt(save, '/widget/strings')}
      >
        <textarea {...described('closed-text', true, errorAt(save, '/widget/strings'))} rows={3} placeholder={lang === 'en' ? en.leaveIntro : ''} value={closedText} onInput={(e) => setClosedText((e.target as HTMLTextAreaElement).value)} />
      </Field>
      <SaveBar save={save} claimed={CLAIMED} />
    </form>
  );
}
