/**
 * Settings › Router learning: what the site's own corrections taught its router (docs/router.md,
 * "Each site's own corrections"): accuracy this week, the version in use with its held-back figures
 * and strongest words, retrain now, roll back, and rules the corrections suggest.
 */
import { useEffect, useState } from 'preact/hooks';
import type { WireError } from '../../shared/protocol';
import type { RouterLearningView, RouterRetrainResult } from '../../shared/schemas';
import { call } from '../api';
import { PageState } from './form';
import type { SettingsPageProps } from './sections';
import { settingsApi, wireErrorOf } from './settings-api';

const percent = (x: number | null) => (x === null ? '–' : `${Math.round(x * 1000) / 10}%`);
const day = (ms: number) => new Date(ms).toLocaleString();

export default function LearningPage({ agent }: SettingsPageProps) {
  const base = `/api/v1/sites/${encodeURIComponent(agent.siteKey)}/routing/learning`;
  const [view, setView] = useState<RouterLearningView | null>(null);
  const [loadError, setLoadError] = useState<WireError | null>(null);
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<string | null>(null);
  const [refused, setRefused] = useState<WireError | null>(null);

  const load = () => call<RouterLearningView>('GET', base).then(setView, (e) => setLoadError(wireErrorOf(e)));
  useEffect(() => void load(), [agent.siteKey]);
  if (!view) return <PageState loadError={loadError} />;

  const act = async (what: 'retrain' | 'rollback') => {
    setBusy(true);
    setRefused(null);
    try {
      if (what === 'retrain') {
        const result = await call<RouterRetrainResult>('POST', `${base}/retrain`);
        setView(result.learning);
        setOutcome(result.adopted ? `Version ${result.candidate.version} adopted: ${result.reason}.` : `Nothing changed: ${result.reason}.`);
      } else {
        setView(await call<RouterLearningView>('POST', `${base}/rollback`));
        setOutcome('Rolled back.');
      }
    } catch (error) {
      setRefused(wireErrorOf(error));
    } finally {
      setBusy(false);
    }
  };

  const active = view.active;
  return (
    <div class="settings-stack">
      <section aria-labelledby="learning-week">
        <h3 id="learning-week">This week</h3>
        <p>
          {view.thisWeek.conversations} conversations placed by the router, {view.thisWeek.corrected} corrected by agents (a transfer or
          “Wrong queue”): <strong>{percent(view.thisWeek.accuracy)}</strong> placed right.
        </p>
        <p class="hint">
          {view.examples} examples kept; {view.pendingCorrections} corrections not yet trained on (the router retrains by itself at{' '}
          {view.retrainAfter}).
        </p>
      </section>

      <section aria-labelledby="learning-active">
        <h3 id="learning-active">In use</h3>
        {active ? (
          <>
            <p>
              Version {active.version}, trained {day(active.trainedAt)} on {active.trainedOn.examples} examples ({active.trainedOn.corrections} corrected).
              On {active.heldBack.examples} held-back examples it places <strong>{percent(active.heldBack.accuracyAfter)}</strong> right, against{' '}
              {percent(active.heldBack.accuracyBefore)} before it.
            </p>
            <table class="data-table">
              <caption class="visually-hidden">The words this site taught its router</caption>
              <thead>
                <tr>
                  <th scope="col">Word</th>
                  <th scope="col">Pulls towards</th>
                </tr>
              </thead>
              <tbody>
                {active.words.map((w) => (
                  <tr key={w.feature}>
                    <td>{w.feature}</td>
                    <td>
                      {w.weight > 0 ? 'support' : 'service'} ({Math.abs(w.weight).toFixed(2)})
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </>
        ) : (
          <p>The shared model alone: this site has no adapted version in use.</p>
        )}
        <div class="save-bar">
          <button type="button" class="primary" disabled={busy} onClick={() => void act('retrain')}>
            Retrain now
          </button>
          {active && (
            <button
              type="button"
              class="danger"
              disabled={busy}
              onClick={() => {
                if (window.confirm(`Roll back version ${active.version}?`)) void act('rollback');
              }}
            >
              Roll back
            </button>
          )}
          <span role="status" aria-live="polite" class="save-status">
            {outcome}
          </span>
        </div>
        {refused && <p class="field-error">{refused.message}</p>}
      </section>

      {view.versions.length > 0 && (
        <section aria-labelledby="learning-versions">
          <h3 id="learning-versions">Versions</h3>
          <table class="data-table">
            <thead>
              <tr>
                <th scope="col">Version</th>
                <th scope="col">Trained</th>
                <th scope="col">Examples</th>
                <th scope="col">Held back: before → with it</th>
              </tr>
            </thead>
            <tbody>
              {view.versions.map((v) => (
                <tr key={v.version}>
                  <td>
                    {v.version}
                    {v.version === active?.version && ' (in use)'}
                  </td>
                  <td>{day(v.trainedAt)}</td>
                  <td>
                    {v.trainedOn.examples} ({v.trainedOn.corrections} corrected)
                  </td>
                  <td>
                    {percent(v.heldBack.accuracyBefore)} → {percent(v.heldBack.accuracyAfter)} of {v.heldBack.examples}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      )}

      <SuggestedRules siteKey={agent.siteKey} view={view} onAdded={() => void load()} />
    </div>
  );
}

function SuggestedRules({ siteKey, view, onAdded }: { siteKey: string; view: RouterLearningView; onAdded(): void }) {
  const [refused, setRefused] = useState<WireError | null>(null);
  return (
    <section aria-labelledby="learning-suggestions">
      <h3 id="learning-suggestions">Suggested rules</h3>
      {view.suggestedRules.length === 0 ? (
        <p class="hint">None yet: a phrase is suggested once agents have corrected it to the same queue three times.</p>
      ) : (
        <ul class="suggestions">
          {view.suggestedRules.map((rule) => (
            <li key={`${rule.phrase}-${rule.queue}`}>
              “{rule.phrase}” → {rule.queue} ({rule.corrections} corrections, {rule.against} against){' '}
              <button
                type="button"
                class="link-button"
                onClick={() => void settingsApi(siteKey).addRule(rule.phrase, rule.queue).then(onAdded, (e) => setRefused(wireErrorOf(e)))}
              >
                Add as a rule
              </button>
            </li>
          ))}
        </ul>
      )}
      {refused && <p class="field-error">{refused.message}</p>}
    </section>
  );
}
