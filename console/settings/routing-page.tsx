/**
 * Settings › Routing: the topic question, the fallback queue, the site's rules (phrase → queue), and
 * "try a message", which shows what the router would do with a first message and why.
 */
import { useEffect, useState } from 'preact/hooks';
import type { RoutingTryResult, SiteSettings } from '../../shared/schemas';
import type { WireError } from '../../shared/protocol';
import { described, errorAt, Field, PageState, SaveBar, useSiteSettings } from './form';
import type { SettingsPageProps } from './sections';
import { settingsApi, wireErrorOf, type RoutingRuleView } from './settings-api';

type Queue = RoutingRuleView['queue'];
const QUEUE_NAMES: Record<Queue, string> = { service: 'Customer service', support: 'Technical support' };
const BY_WORDS: Record<RoutingTryResult['decision']['by'], string> = {
  rule: 'one of your rules',
  visitor: 'the visitor’s answer to the topic question',
  model: 'the classifier',
  default: 'the fallback queue (the classifier was unsure)',
};

export default function RoutingPage({ agent }: SettingsPageProps) {
  const { settings, loadError, save, submit } = useSiteSettings(agent.siteKey);
  if (!settings) return <PageState loadError={loadError} />;
  return (
    <div class="settings-stack">
      <RoutingSettings saved={settings} save={save} submit={submit} />
      <Rules siteKey={agent.siteKey} />
      <TryMessage siteKey={agent.siteKey} topicQuestion={settings.topicQuestion} />
    </div>
  );
}

function RoutingSettings({ saved, save, submit }: { saved: SiteSettings } & Pick<ReturnType<typeof useSiteSettings>, 'save' | 'submit'>) {
  const [topicQuestion, setTopicQuestion] = useState(saved.topicQuestion);
  const [fallbackQueue, setFallbackQueue] = useState<Queue>(saved.fallbackQueue);
  return (
    <form
      class="settings-form"
      aria-label="Routing settings"
      onSubmit={(e) => {
        e.preventDefault();
        void submit({ topicQuestion, fallbackQueue });
      }}
    >
      <label class="inline field">
        <input type="checkbox" checked={topicQuestion} onChange={(e) => setTopicQuestion((e.target as HTMLInputElement).checked)} />
        Ask visitors “General question” or “Technical problem” before the first message
      </label>
      <Field id="fallback-queue" label="Fallback queue" hint="Where a conversation goes when the classifier is unsure." error={errorAt(save, '/fallbackQueue')}>
        <select {...described('fallback-queue', true, errorAt(save, '/fallbackQueue'))} value={fallbackQueue} onChange={(e) => setFallbackQueue((e.target as HTMLSelectElement).value as Queue)}>
          {(['service', 'support'] as const).map((q) => (
            <option key={q} value={q}>
              {QUEUE_NAMES[q]}
            </option>
          ))}
        </select>
      </Field>
      <SaveBar save={save} claimed={['/topicQuestion', '/fallbackQueue']} />
    </form>
  );
}

function Rules({ siteKey }: { siteKey: string }) {
  const api = settingsApi(siteKey);
  const [rules, setRules] = useState<RoutingRuleView[] | null>(null);
  const [phrase, setPhrase] = useState('');
  const [queue, setQueue] = useState<Queue>('support');
  const [refused, setRefused] = useState<WireError | null>(null);
  const reload = () => api.routing().then((r) => setRules(r.rules), (e) => setRefused(wireErrorOf(e)));
  useEffect(() => void reload(), [siteKey]);
  const problem = refused && (typeof refused.details?.problem === 'string' ? refused.details.problem : refused.message);
  return (
    <section aria-labelledby="rules-heading" class="settings-form">
      <h3 id="rules-heading">Rules</h3>
      <p class="hint">A message containing the phrase (whole words, any case, accents and punctuation ignored) goes to the queue, whatever the classifier thinks. The first rule added wins.</p>
      {rules === null ? (
        <p class="loading">Loading…</p>
      ) : rules.length === 0 ? (
        <p class="hint">No rules yet.</p>
      ) : (
        <table class="data-table">
          <thead>
            <tr>
              <th scope="col">Phrase</th>
              <th scope="col">Queue</th>
              <th scope="col">
                <span class="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {rules.map((rule) => (
              <tr key={rule.id}>
                <td>{rule.phrase}</td>
                <td>{QUEUE_NAMES[rule.queue]}</td>
                <td>
                  <button type="button" class="danger" aria-label={`Remove the rule “${rule.phrase}”`} onClick={() => void api.removeRule(rule.id).then(reload, (e) => setRefused(wireErrorOf(e)))}>
                    Remove
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <form
        class="ranges add-rule"
        aria-label="Add a rule"
        onSubmit={(e) => {
          e.preventDefault();
          setRefused(null);
          void api.addRule(phrase, queue).then(
            () => {
              setPhrase('');
              return reload();
            },
            (error) => setRefused(wireErrorOf(error)),
          );
        }}
      >
        <Field id="rule-phrase" label="Phrase" error={problem ?? undefined}>
          <input type="text" {...described('rule-phrase', false, problem ?? undefined)} value={phrase} maxLength={100} required onInput={(e) => setPhrase((e.target as HTMLInputElement).value)} />
        </Field>
        <Field id="rule-queue" label="Goes to">
          <select id="rule-queue" value={queue} onChange={(e) => setQueue((e.target as HTMLSelectElement).value as Queue)}>
            {(['service', 'support'] as const).map((q) => (
              <option key={q} value={q}>
                {QUEUE_NAMES[q]}
              </option>
            ))}
          </select>
        </Field>
        <button type="submit" class="primary">
          Add rule
        </button>
      </form>
    </section>
  );
}

function TryMessage({ siteKey, topicQuestion }: { siteKey: string; topicQuestion: boolean }) {
  const [text, setText] = useState('');
  const [topic, setTopic] = useState<Queue | ''>('');
  const [result, setResult] = useState<RoutingTryResult | WireError | null>(null);
  return (
    <section aria-labelledby="try-heading" class="settings-form">
      <h3 id="try-heading">Try a message</h3>
      <form
        class="settings-form"
        aria-label="Try a message"
        onSubmit={(e) => {
          e.preventDefault();
          void settingsApi(siteKey)
            .tryRouting(text, topic || undefined)
            .then(setResult, (error) => setResult(wireErrorOf(error)));
        }}
      >
        <Field id="try-text" label="A visitor’s first message" hint="Nothing is created: this only asks the router, with your saved rules and settings.">
          <textarea {...described('try-text', true, undefined)} rows={2} value={text} required onInput={(e) => setText((e.target as HTMLTextAreaElement).value)} />
        </Field>
        {topicQuestion && (
          <Field id="try-topic" label="The visitor’s answer to the topic question">
            <select id="try-topic" value={topic} onChange={(e) => setTopic((e.target as HTMLSelectElement).value as Queue | '')}>
              <option value="">No answer</option>
              <option value="service">General question</option>
              <option value="support">Technical problem</option>
            </select>
          </Field>
        )}
        <div>
          <button type="submit" class="primary">
            Try
          </button>
        </div>
      </form>
      <div role="status" aria-live="polite">
        {result &&
          ('decision' in result ? (
            <div class="try-result" data-testid="try-result">
              <p>
                <strong>{QUEUE_NAMES[result.decision.queue]}</strong>, by {BY_WORDS[result.decision.by]} · confidence {Math.round(result.decision.confidence * 100)}%
                {result.decision.uncertain && ' · flagged as unsure for the agent'}
              </p>
              <p>{result.decision.reason}</p>
              {!result.openNow && <p class="hint">The site is closed now by its business hours: the visitor would be offered to leave a message.</p>}
            </div>
          ) : (
            <p class="field-error">{result.message}</p>
          ))}
      </div>
    </section>
  );
}
