/**
 * Settings › Webhooks: the site's endpoints, a form to add one (all events or some), its signing secret
 * shown once, removal, and each endpoint's recent deliveries with their status.
 */
import { useEffect, useState } from 'preact/hooks';
import type { WireError } from '../../shared/protocol';
import type { WebhookCreated, WebhookDelivery, WebhookEventType, WebhookView } from '../../shared/schemas';
import { described, Field } from './form';
import type { SettingsPageProps } from './sections';
import { settingsApi, wireErrorOf } from './settings-api';

/** The same list as `WEBHOOK_EVENT_TYPES` in shared/schemas.ts (copied: TypeBox stays out of the bundle). */
const EVENT_TYPES: readonly WebhookEventType[] = [
  'conversation.created',
  'conversation.rerouted',
  'conversation.assigned',
  'conversation.transferred',
  'conversation.released',
  'conversation.resolved',
  'conversation.reopened',
  'conversation.abandoned',
  'conversation.rated',
  'message.created',
  'visitor.identified',
];

const when = (ms: number) => new Date(ms).toLocaleString();
const problemOf = (error: WireError) => (typeof error.details?.problem === 'string' ? `${error.message} (${error.details.problem})` : error.message);

export default function WebhooksPage({ agent }: SettingsPageProps) {
  const api = settingsApi(agent.siteKey);
  const [webhooks, setWebhooks] = useState<WebhookView[] | null>(null);
  const [error, setError] = useState<WireError | null>(null);
  const [created, setCreated] = useState<WebhookCreated | null>(null);
  const [url, setUrl] = useState('');
  const [allEvents, setAllEvents] = useState(true);
  const [events, setEvents] = useState<WebhookEventType[]>([]);
  const [addError, setAddError] = useState<WireError | null>(null);
  const reload = () => api.webhooks().then((r) => setWebhooks(r.webhooks), (e) => setError(wireErrorOf(e)));
  useEffect(() => void reload(), [agent.siteKey]);

  return (
    <div class="settings-stack">
      {error && (
        <p class="error" role="alert">
          {error.message}
        </p>
      )}
      <section aria-labelledby="endpoints-heading" class="settings-form">
        <h3 id="endpoints-heading">Endpoints</h3>
        {webhooks === null ? (
          <p class="loading">Loading…</p>
        ) : webhooks.length === 0 ? (
          <p class="hint">No endpoints yet.</p>
        ) : (
          webhooks.map((hook) => <Endpoint key={hook.id} hook={hook} siteKey={agent.siteKey} onRemoved={reload} />)
        )}
      </section>
      <form
        class="settings-form"
        aria-labelledby="add-webhook-heading"
        onSubmit={(e) => {
          e.preventDefault();
          setAddError(null);
          void api.addWebhook(url, allEvents ? null : events).then(
            (made) => {
              setCreated(made);
              setUrl('');
              return reload();
            },
            (err) => setAddError(wireErrorOf(err)),
          );
        }}
      >
        <h3 id="add-webhook-heading">Add an endpoint</h3>
        <Field id="webhook-url" label="URL" hint="http or https; each delivery is a signed POST (docs/webhooks.md)." error={addError ? problemOf(addError) : undefined}>
          <input type="url" {...described('webhook-url', true, addError ? problemOf(addError) : undefined)} value={url} required onInput={(e) => setUrl((e.target as HTMLInputElement).value)} />
        </Field>
        <fieldset class="field">
          <legend>Events</legend>
          <label class="inline">
            <input type="checkbox" checked={allEvents} onChange={(e) => setAllEvents((e.target as HTMLInputElement).checked)} />
            Every event, present and future
          </label>
          {!allEvents &&
            EVENT_TYPES.map((type) => (
              <label key={type} class="inline">
                <input
                  type="checkbox"
                  checked={events.includes(type)}
                  onChange={(e) => setEvents((e.target as HTMLInputElement).checked ? [...events, type] : events.filter((t) => t !== type))}
                />
                <code>{type}</code>
              </label>
            ))}
        </fieldset>
        <div>
          <button type="submit" class="primary">
            Add endpoint
          </button>
        </div>
      </form>
      {created && (
        <div role="status" class="settings-form">
          <p>
            Signing secret of <strong>{created.url}</strong>, shown this once: keep it where your endpoint can check signatures with it.
          </p>
          <p class="secret" data-testid="webhook-secret">
            {created.secret}
          </p>
          <div>
            <button type="button" class="secondary" onClick={() => void navigator.clipboard?.writeText(created.secret)}>
              Copy secret
            </button>{' '}
            <button type="button" class="secondary" onClick={() => setCreated(null)}>
              I have kept it
            </button>
          </div>
        </div>
      )}
    </div>
  );
}

function Endpoint({ hook, siteKey, onRemoved }: { hook: WebhookView; siteKey: string; onRemoved(): void }) {
  const api = settingsApi(siteKey);
  const [deliveries, setDeliveries] = useState<WebhookDelivery[] | null>(null);
  const [error, setError] = useState<WireError | null>(null);
  const load = () => api.deliveries(hook.id).then((r) => setDeliveries(r.deliveries), (e) => setError(wireErrorOf(e)));
  useEffect(() => void load(), [hook.id]);
  return (
    <article class="try-result" aria-label={hook.url}>
      <p>
        <strong>{hook.url}</strong> · {hook.events ? hook.events.join(', ') : 'every event'} · added {when(hook.createdAt)}
      </p>
      <div class="ranges">
        <button type="button" class="secondary" onClick={() => void load()}>
          Refresh deliveries
        </button>
        <button
          type="button"
          class="danger"
          onClick={() => {
            if (confirm(`Remove ${hook.url}? Deliveries to it stop at once.`)) void api.removeWebhook(hook.id).then(onRemoved, (e) => setError(wireErrorOf(e)));
          }}
        >
          Remove
        </button>
      </div>
      {error && <p class="field-error">{error.message}</p>}
      {deliveries && deliveries.length === 0 && <p class="hint">No deliveries yet.</p>}
      {deliveries && deliveries.length > 0 && (
        <table class="data-table">
          <caption class="visually-hidden">Recent deliveries to {hook.url}</caption>
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">Event</th>
              <th scope="col">Attempt</th>
              <th scope="col">Result</th>
            </tr>
          </thead>
          <tbody>
            {deliveries.map((d) => (
              <tr key={`${d.eventId}-${d.attempt}`}>
                <td>{when(d.at)}</td>
                <td>
                  <code>{d.type}</code>
                </td>
                <td>{d.attempt}</td>
                <td>
                  {d.ok ? `Delivered (${d.status ?? 'ok'})` : `Failed${d.status ? ` (HTTP ${d.status})` : ''}${d.error ? `: ${d.error}` : ''}${d.final ? ' · given up' : ' · will retry'}`}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </article>
  );
}
