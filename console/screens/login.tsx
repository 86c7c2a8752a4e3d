import { useState } from 'preact/hooks';
import type { AgentView } from '../../shared/schemas';
import { api } from '../api';

export function LoginScreen({ onLoggedIn }: { onLoggedIn(agent: AgentView): void }) {
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
