/** Settings › Account: any agent changes their own password, giving the current one. */
import { useState } from 'preact/hooks';
import type { WireError } from '../../shared/protocol';
import { adminApi } from './admin-api';
import type { SettingsPageProps } from './sections';
import { wireErrorOf } from './settings-api';

export default function AccountPage({ agent }: SettingsPageProps) {
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [error, setError] = useState<WireError | null>(null);
  const [done, setDone] = useState(false);
  return (
    <form
      class="settings-form"
      aria-labelledby="password-heading"
      onSubmit={(e) => {
        e.preventDefault();
        setError(null);
        setDone(false);
        adminApi.changePassword(current, next).then(
          () => {
            setDone(true);
            setCurrent('');
            setNext('');
          },
          (err) => setError(wireErrorOf(err)),
        );
      }}
    >
      <h3 id="password-heading">Password of {agent.email}</h3>
      <div class="field">
        <label for="current-password">Current password</label>
        <input id="current-password" type="password" autocomplete="current-password" required value={current} onInput={(e) => setCurrent((e.target as HTMLInputElement).value)} />
      </div>
      <div class="field">
        <label for="new-password">New password (8 characters or more)</label>
        <input id="new-password" type="password" autocomplete="new-password" required minLength={8} value={next} onInput={(e) => setNext((e.target as HTMLInputElement).value)} />
      </div>
      {error && (
        <p class="error" role="alert">
          {error.code === 'PASSWORD_WRONG' ? 'The current password is wrong.' : error.message}
        </p>
      )}
      {done && <p role="status">Password changed. Your other sessions have ended.</p>}
      <div>
        <button type="submit" class="primary">
          Change password
        </button>
      </div>
    </form>
  );
}
