import { useState } from 'preact/hooks';
import type { AgentView } from '../../shared/schemas';
import type { LoggedOutReason } from '../agent-connection';
import { api } from '../api';

/** What the log-in page says when the console was closed for the agent (`session:ended`). */
const ENDED: Record<LoggedOutReason, string> = {
  disabled: 'Your account was disabled by an admin.',
  'logged-out': 'You were logged out.',
};

export function LoginScreen({ onLoggedIn, ended }: { onLoggedIn(agent: AgentView): void; ended?: LoggedOutReason | undefined }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      onLoggedIn(await api.logIn(email, password));
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <main class="login">
      <form onSubmit={submit}>
        <h1>Switchboard</h1>
        <p>Agent console</p>
        {ended && (
          <p role="alert" class="notice">
            {ENDED[ended]}
          </p>
        )}
        <label>
          Email
          <input type="email" autoComplete="username" autoFocus required value={email} onInput={(e) => setEmail((e.target as HTMLInputElement).value)} />
        </label>
        <label>
          Password
          <input type="password" autoComplete="current-password" required value={password} onInput={(e) => setPassword((e.target as HTMLInputElement).value)} />
        </label>
        {error && <p role="alert" class="error">{error}</p>}
        <button type="submit" disabled={busy}>
          Log in
        </button>
        <p>
          <a href="#forgot">Forgot password?</a>
        </p>
      </form>
    </main>
  );
}
