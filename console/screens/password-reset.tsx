/**
 * "Forgot password?" from the log-in page: `#forgot` asks for the email (the server emails a one-hour,
 * single-use link when it sends email); the link opens `#reset=<token>` to choose a new password.
 */
import { useState } from 'preact/hooks';
import type { WireError } from '../../shared/protocol';
import { call } from '../api';

const errorOf = (e: unknown): WireError => (e as { error?: WireError }).error ?? { code: 'INTERNAL', message: 'The server could not be reached.' };

export function PasswordResetScreen({ hash }: { hash: string }) {
  const token = /^#reset=([A-Za-z0-9_-]+)$/.exec(hash)?.[1];
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [message, setMessage] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const submit = (event: Event) => {
    event.preventDefault();
    setError(null);
    const sent = token
      ? call<void>('POST', '/api/v1/password-resets/confirm', { token, password }).then(() => 'Your password is set. Log in with it.')
      : call<unknown>('POST', '/api/v1/password-resets', { email }).then(() => 'If an account has this email, a link to set a new password is on its way. It works once, for an hour.');
    sent.then(setMessage, (e: unknown) => {
      const wire = errorOf(e);
      setError(wire.code === 'EMAIL_DISABLED' ? 'This server sends no email: ask an admin of your site to set a new password for you.' : wire.message);
    });
  };
  return (
    <main class="login">
      <form onSubmit={submit}>
        <h1>Switchboard</h1>
        <p>{token ? 'Choose a new password' : 'Forgot your password?'}</p>
        {token ? (
          <label>
            New password (8 characters or more)
            <input type="password" autoComplete="new-password" autoFocus required minLength={8} value={password} onInput={(e) => setPassword((e.target as HTMLInputElement).value)} />
          </label>
        ) : (
          <label>
            Email
            <input type="email" autoComplete="username" autoFocus required value={email} onInput={(e) => setEmail((e.target as HTMLInputElement).value)} />
          </label>
        )}
        {error && <p role="alert" class="error">{error}</p>}
        {message && <p role="status">{message}</p>}
        <button type="submit">{token ? 'Set password' : 'Email me a link'}</button>
        <p>
          <a href="#">Back to log in</a>
        </p>
      </form>
    </main>
  );
}
