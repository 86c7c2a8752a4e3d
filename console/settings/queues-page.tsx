/**
 * Settings › Queues: how conversations reach agents (manual or auto), what agents file them under per
 * queue, how long a reply may reopen one, when a gone visitor's conversation is abandoned, the NPS
 * question, how long resolved conversations are kept, and whether visitors' IP addresses are.
 */
import { useState } from 'preact/hooks';
import { MAX_ABANDON_AFTER_SECONDS, MAX_CATEGORIES, MAX_REOPEN_WITHIN_MINUTES, MAX_RETENTION_DAYS, MAX_VERIFIED_PRIORITY_MINUTES } from '../../shared/limits';
import type { SiteSettings } from '../../shared/schemas';
import { described, errorAt, Field, PageState, SaveBar, useSiteSettings } from './form';
import type { SettingsPageProps } from './sections';

const CLAIMED = ['/assignment', '/categories', '/reopenWithinMinutes', '/abandonAfterSeconds', '/npsSurvey', '/retentionDays', '/storeVisitorIp', '/verifiedPriorityMinutes'];

/** One category a line; blank lines dropped. */
const linesOf = (text: string) =>
  text
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);

/** A whole number as typed, or the text itself so the server names what is wrong with it. */
const numberOf = (text: string): number => (text.trim() === '' ? Number.NaN : Number(text));

export default function QueuesPage({ agent }: SettingsPageProps) {
  const { settings, loadError, save, submit } = useSiteSettings(agent.siteKey);
  if (!settings) return <PageState loadError={loadError} />;
  return <QueuesForm saved={settings} save={save} submit={submit} />;
}

function QueuesForm({ saved, save, submit }: { saved: SiteSettings } & Pick<ReturnType<typeof useSiteSettings>, 'save' | 'submit'>) {
  const [assignment, setAssignment] = useState(saved.assignment);
  const [service, setService] = useState(saved.categories.service.join('\n'));
  const [support, setSupport] = useState(saved.categories.support.join('\n'));
  const [reopen, setReopen] = useState(String(saved.reopenWithinMinutes));
  const [abandon, setAbandon] = useState(String(saved.abandonAfterSeconds));
  const [priority, setPriority] = useState(String(saved.verifiedPriorityMinutes));
  const [nps, setNps] = useState(saved.npsSurvey);
  const [keepForever, setKeepForever] = useState(saved.retentionDays === null);
  const [retention, setRetention] = useState(String(saved.retentionDays ?? 365));
  const [storeIp, setStoreIp] = useState(saved.storeVisitorIp);
  const number = (id: string, path: string, label: string, hint: string, value: string, set: (v: string) => void, min: number, max: number) => (
    <Field id={id} label={label} hint={hint} error={errorAt(save, path)}>
      <input type="number" {...described(id, true, errorAt(save, path))} min={min} max={max} step={1} value={value} onInput={(e) => set((e.target as HTMLInputElement).value)} />
    </Field>
  );

  return (
    <form
      class="settings-form"
      aria-label="Queues"
      // The server checks the numbers and its refusal names the field, in the same words as REST and the CLI.
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        void submit({
          assignment,
          categories: { service: linesOf(service), support: linesOf(support) },
          reopenWithinMinutes: numberOf(reopen),
          abandonAfterSeconds: numberOf(abandon),
          verifiedPriorityMinutes: numberOf(priority),
          npsSurvey: nps,
          retentionDays: keepForever ? null : numberOf(retention),
          storeVisitorIp: storeIp,
        });
      }}
    >
      <fieldset class="field">
        <legend>Assignment</legend>
        <label class="inline">
          <input type="radio" name="assignment" value="manual" checked={assignment === 'manual'} onChange={() => setAssignment('manual')} />
          Manual: agents take conversations from the queue
        </label>
        <label class="inline">
          <input type="radio" name="assignment" value="auto" checked={assignment === 'auto'} onChange={() => setAssignment('auto')} />
          Automatic: each waiting conversation goes to an online agent with the skill and a free place
        </label>
      </fieldset>
      <Field id="categories-service" label="Customer service categories" hint={`One a line, at most ${MAX_CATEGORIES}: what agents file a resolved conversation under.`} error={errorAt(save, '/categories/service')}>
        <textarea {...described('categories-service', true, errorAt(save, '/categories/service'))} rows={5} value={service} onInput={(e) => setService((e.target as HTMLTextAreaElement).value)} />
      </Field>
      <Field id="categories-support" label="Technical support categories" hint={`One a line, at most ${MAX_CATEGORIES}.`} error={errorAt(save, '/categories/support')}>
        <textarea {...described('categories-support', true, errorAt(save, '/categories/support'))} rows={5} value={support} onInput={(e) => setSupport((e.target as HTMLTextAreaElement).value)} />
      </Field>
      {number('reopen-within', '/reopenWithinMinutes', 'Reopen window (minutes)', 'A visitor’s reply this long after the end reopens the conversation; later ones start a new one. 0: never.', reopen, setReopen, 0, MAX_REOPEN_WITHIN_MINUTES)}
      {number('abandon-after', '/abandonAfterSeconds', 'Abandon after (seconds)', 'A waiting conversation whose visitor has been gone this long is abandoned.', abandon, setAbandon, 1, MAX_ABANDON_AFTER_SECONDS)}
      {number('verified-priority', '/verifiedPriorityMinutes', 'Head start for verified customers (minutes)', 'Verified customers enter the line as if they had come this much earlier. 0: none.', priority, setPriority, 0, MAX_VERIFIED_PRIORITY_MINUTES)}
      <label class="inline field">
        <input type="checkbox" checked={nps} onChange={(e) => setNps((e.target as HTMLInputElement).checked)} />
        Also ask NPS (0–10) in the end-of-chat survey
      </label>
      <fieldset class="field">
        <legend>Retention</legend>
        <label class="inline">
          <input type="checkbox" checked={keepForever} onChange={(e) => setKeepForever((e.target as HTMLInputElement).checked)} />
          Keep resolved conversations for ever
        </label>
        {!keepForever && number('retention-days', '/retentionDays', 'Delete resolved conversations after (days)', `1 to ${MAX_RETENTION_DAYS}.`, retention, setRetention, 1, MAX_RETENTION_DAYS)}
        {keepForever && errorAt(save, '/retentionDays') && <p class="field-error">{errorAt(save, '/retentionDays')}</p>}
      </fieldset>
      <label class="inline field">
        <input type="checkbox" checked={storeIp} onChange={(e) => setStoreIp((e.target as HTMLInputElement).checked)} />
        Keep the visitor’s IP address on new conversations
      </label>
      <SaveBar save={save} claimed={CLAIMED} />
    </form>
  );
}
