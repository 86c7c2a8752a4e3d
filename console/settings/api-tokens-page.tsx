/** Settings › API tokens: the site's tokens (name, made, last used), a new one shown once, revoke with a confirmation. */
import { useEffect, useState } from 'preact/hooks';
import type { WireError } from '../../shared/protocol';
import type { ApiTokenView } from '../../shared/schemas';
import { adminApi } from './admin-api';
import type { SettingsPageProps } from './sections';
import { wireErrorOf } from './settings-api';
import { useSitePicker } from './site-picker';

const when = (ms: number | null) => (ms === null ? 'never' : new Date(ms).toLocaleString());

export default function ApiTokensPage({ agent }: SettingsPageProps) {
  const { siteKey, picker } = useSitePicker(agent.siteKey);
  const [tokens, setTokens] = useState<ApiTokenView[] | null>(null);
  const [error, setError] = useState<WireError | null>(null);
  const [name, setName] = useState('');
  const [made, setMade] = useState<{ name: string; token: string } | null>(null);
  const reload = () => adminApi.tokens(siteKey).then((r) => setTokens(r.tokens), (e) => setError(wireErrorOf(e)));
  useEffect(() => {
    setTokens(null);
    void reload();
  }, [siteKey]);

  return (
    <div class="settings-stack">
      {picker}
      {error && (
        <p class="error" role="alert">
          {error.message}
        </p>
      )}
      <section class="settings-form" aria-labelledby="tokens-heading">
        <h3 id="tokens-heading">Tokens</h3>
        <p class="hint">A token opens the live wallboard feed of this site (docs/api.md). Revoking one closes the screens using it.</p>
        {tokens === null ? (
          <p class="loading">Loading…</p>
        ) : tokens.length === 0 ? (
          <p class="hint">No tokens yet.</p>
        ) : (
          <table>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Made</th>
                <th scope="col">Last used</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {tokens.map((t) => (
                <tr key={t.id}>
                  <td>{t.name}</td>
                  <td>{when(t.createdAt)}</td>
                  <td>{when(t.lastUsedAt)}</td>
                  <td>
                    <button
                      type="button"
                      class="secondary"
                      aria-label={`Revoke ${t.name}`}
                      onClick={() => {
                        if (!confirm(`Revoke "${t.name}"? Screens using it stop at once.`)) return;
                        adminApi.revokeToken(siteKey, t.id).then(() => reload(), (err) => setError(wireErrorOf(err)));
                      }}
                    >
                      Revoke
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      <form
        class="settings-form"
        aria-labelledby="new-token-heading"
        onSubmit={(e) => {
          e.preventDefault();
          setError(null);
          adminApi.createToken(siteKey, name).then(
            (created) => {
              setMade({ name: created.name, token: created.token });
              setName('');
              return reload();
            },
            (err) => setError(wireErrorOf(err)),
          );
        }}
      >
        <h3 id="new-token-heading">Make a token</h3>
        <div class="field">
          <label for="new-token-name">Name</label>
          <input id="new-token-name" required maxLength={100} value={name} placeholder="TV in the office" onInput={(e) => setName((e.target as HTMLInputElement).value)} />
        </div>
        <div>
          <button type="submit" class="primary">
            Make token
          </button>
        </div>
      </form>
      {made && (
        <div role="status" class="settings-form">
          <p>The token "{made.name}", shown this once:</p>
          <p class="secret" data-testid="api-token">
            {made.token}
          </p>
          <div>
            <button type="button" class="secondary" onClick={() => void navigator.clipboard?.writeText(made.token)}>
              Copy token
            </button>{' '}
            <button type="button" class="secondary" onClick={() => setMade(null)}>
              I have kept it
            </button>
          </div>
        </div>
      )}
    </div>
  );
}
